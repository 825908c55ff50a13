"""The complaint ledger: R21 numbers, R23 deadlines, major complaints escalated at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from callcenter.auth.principal import Principal, Role
from callcenter.complaints import service
from callcenter.complaints.models import ComplaintCounterRow
from callcenter.complaints.schemas import ComplaintIn
from callcenter.hub import MemoryHub
from callcenter.overdue.models import ReminderRow
from callcenter.rules.classification import RequestKind
from callcenter.storage.database import Database
from callcenter.web.keys import HUB
from tests.integration.customers.support import Api

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
AGENT = Principal(1, "li.na", Role.AGENT)
A, S, M = Role.AGENT, Role.SUPERVISOR, Role.MANAGER


async def _register(db: Database, at: datetime, customer_id: int | None = None) -> str:
    async with db.transaction() as session:
        row, _ = await service.register(session, AGENT, ComplaintIn(
            kind=RequestKind.COMPLAINT, subject="s", complainant="c", customer_id=customer_id),
            SHANGHAI, at)
        return row.number


async def test_numbers_restart_at_a_site_local_month_boundary(db: Database) -> None:
    before = datetime(2026, 1, 31, 23, 30, tzinfo=SHANGHAI)
    after = datetime(2026, 2, 1, 0, 30, tzinfo=SHANGHAI)  # still 31 January in UTC
    numbers = [await _register(db, before), await _register(db, before),
               await _register(db, after), await _register(db, before + timedelta(minutes=5))]
    assert numbers == ["26010001", "26010002", "26020001", "26010003"]


async def test_a_failed_registration_leaves_no_gap_in_the_numbers(db: Database) -> None:
    at = datetime(2026, 5, 5, 10, 0, tzinfo=SHANGHAI)
    assert await _register(db, at) == "26050001"
    with pytest.raises(Exception, match="customer"):
        await _register(db, at, customer_id=987654)  # no such customer: rolled back
    assert await _register(db, at) == "26050002"


async def test_fifty_concurrent_complaints_get_fifty_gap_free_numbers_on_postgresql(
    pg_url: str,
) -> None:
    from callcenter.storage.database import open_database

    db = open_database(pg_url)
    try:
        at = datetime(2026, 7, 15, 9, 0, tzinfo=SHANGHAI)
        numbers = await asyncio.gather(*(_register(db, at) for _ in range(50)))
        async with db.sessions() as session:
            counter = await session.get(ComplaintCounterRow, "2607")
    finally:
        await db.dispose()
    assert sorted(numbers) == [f"2607{serial:04d}" for serial in range(1, 51)]
    assert counter is not None
    assert counter.last_serial == 50


async def test_fifty_complaints_posted_at_once_through_the_api_get_distinct_numbers(
    api: Api,
) -> None:
    await api.call(A, "GET", "/api/complaints")  # make the agent's account before the burst
    responses = await asyncio.gather(*(
        api.call(A, "POST", "/api/complaints", json={"subject": f"s{i}", "complainant": "c"})
        for i in range(50)))
    assert [r.status for r in responses] == [201] * 50
    numbers = sorted([(await r.json())["number"] for r in responses])
    period = numbers[0][:4]
    assert numbers == [f"{period}{serial:04d}" for serial in range(1, 51)]


async def test_case_is_due_in_13_days_or_17_for_an_overseas_customer(api: Api) -> None:
    home = await api.ok(A, "POST", "/api/customers", 201, json={"name": "home"})
    abroad = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "abroad", "overseas": True, "time_zone": "Europe/Berlin"})
    days = {}
    for customer in (home, abroad):
        body = await api.ok(A, "POST", "/api/complaints", 201, json={
            "customer_id": customer["id"], "subject": "late", "complainant": "x"})
        registered = datetime.fromisoformat(body["registered_at"]).astimezone(SHANGHAI).date()
        due = datetime.fromisoformat(body["deadlines"]["case"]["due"]).astimezone(SHANGHAI)
        days[customer["name"]] = (due.date() - registered).days - 1  # due at the next midnight
        assert due.time().hour == 0
    assert days == {"home": 13, "abroad": 17}


async def test_consultation_not_answered_on_the_call_is_due_in_24_hours(api: Api) -> None:
    body = await api.ok(A, "POST", "/api/complaints", 201, json={
        "kind": "consultation", "subject": "how to descale", "complainant": "x",
        "contact": "13800138000"})
    registered = datetime.fromisoformat(body["registered_at"])
    assert datetime.fromisoformat(body["deadlines"]["answer"]["due"]) - registered == timedelta(
        hours=24)
    assert body["contact"] == "+8613800138000"
    answered = await api.ok(A, "POST", "/api/complaints", 201, json={
        "kind": "consultation", "subject": "q", "complainant": "x", "answered_on_call": True})
    assert "answer" not in answered["deadlines"]


async def test_major_complaint_is_escalated_to_managers_at_once(api: Api) -> None:
    hub = api.client.app[HUB]
    assert isinstance(hub, MemoryHub)
    subscription = await hub.subscribe("reminders")
    body = await api.ok(A, "POST", "/api/complaints", 201, json={
        "subject": "heater caught fire", "complainant": "x", "crises": ["injury"]})
    assert (body["severity"], body["major_reasons"]) == ("major", ["crisis"])
    assert body["escalated_at"] == body["registered_at"]
    event = await subscription.get(timeout_s=2)
    assert event is not None
    assert (event["entity_id"], event["role"], event["state"]) == (body["id"], "manager",
                                                                   "major")
    async with api.db.sessions() as session:
        stored = (await session.scalars(select(ReminderRow))).all()
    assert [(r.entity_id, r.role, r.deadline) for r in stored] == [
        (body["id"], "manager", "escalation")]
    managers_view = await api.ok(M, "GET", "/api/reminders")
    assert [r["entity_id"] for r in managers_view["reminders"]] == [body["id"]]


async def test_batch_incident_of_five_percent_is_major(api: Api) -> None:
    body = await api.ok(A, "POST", "/api/complaints", 201, json={
        "subject": "batch fault", "complainant": "dealer",
        "batch": {"faulty": 5, "batch_size": 100}})
    assert (body["severity"], body["major_reasons"]) == ("major", ["batch_quality_incident"])
    general = await api.ok(A, "POST", "/api/complaints", 201, json={
        "subject": "one", "complainant": "dealer", "batch": {"faulty": 4, "batch_size": 100}})
    assert general["severity"] == "general"
    assert general["escalated_at"] is None


def test_utc_midnight_is_not_the_site_month() -> None:
    from callcenter.rules.numbering import period_key

    assert period_key(datetime(2026, 1, 31, 16, 30, tzinfo=UTC), SHANGHAI) == "2602"
