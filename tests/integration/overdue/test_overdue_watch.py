"""The overdue watch with a fixed clock: reminders once per deadline and state (R23)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from callcenter.auth.principal import Principal, Role
from callcenter.complaints import service as complaints
from callcenter.complaints.schemas import ComplaintIn
from callcenter.customers.models import CustomerRow
from callcenter.hub import MemoryHub
from callcenter.orders import service as orders
from callcenter.orders.schemas import OrderIn, OrderKind, OrderPatch
from callcenter.overdue.models import ReminderRow
from callcenter.overdue.watch import run_once
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import RequestKind, ServiceClass
from callcenter.storage.database import Database
from tests.integration.customers.support import Api

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
WHO = Principal(1, "li.na", Role.AGENT)
REGISTERED = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # a Tuesday


async def _seed(db: Database, technician: str | None = "zhao") -> tuple[int, int]:
    async with db.transaction() as session:
        customer = CustomerRow(name="c", zone="city")
        session.add(customer)
        await session.flush()
        order = await orders.register(session, WHO, OrderIn(
            customer_id=customer.id, kind=OrderKind.REPAIR, service_class=ServiceClass.WARRANTY,
            technician=technician), WorkingCalendar(SHANGHAI), REGISTERED)
        complaint, _ = await complaints.register(session, WHO, ComplaintIn(
            kind=RequestKind.COMPLAINT, subject="s", complainant="c", customer_id=customer.id,
            owner="wang.jingli"), SHANGHAI, REGISTERED)
        return order.id, complaint.id


async def _reminders(db: Database) -> list[tuple[str, str, str, str | None, str | None]]:
    async with db.sessions() as session:
        rows = (await session.scalars(select(ReminderRow).order_by(ReminderRow.id))).all()
    return [(r.entity, r.deadline, r.state, r.owner, r.role) for r in rows]


async def test_nothing_is_due_right_after_registration(db: Database) -> None:
    await _seed(db)
    assert await run_once(db, MemoryHub(), REGISTERED + timedelta(minutes=30)) == []


async def test_deadlines_are_reminded_when_near_then_when_missed_once_each(db: Database) -> None:
    await _seed(db)
    hub = MemoryHub()
    subscription = await hub.subscribe("reminders")
    # 11:30: the R8 handling plan (due 12:00) is within the hour.
    first = await run_once(db, hub, REGISTERED + timedelta(hours=1, minutes=30))
    assert [(r["deadline"], r["state"], r["owner"]) for r in first] == [
        ("handling_plan", "due_soon", "zhao")]
    assert (await subscription.get(timeout_s=1)) == first[0]
    # 12:30: the plan is overdue; running again at the same time adds nothing.
    second = await run_once(db, hub, REGISTERED + timedelta(hours=2, minutes=30))
    assert [(r["deadline"], r["state"]) for r in second] == [("handling_plan", "overdue")]
    assert await run_once(db, hub, REGISTERED + timedelta(hours=2, minutes=30)) == []
    # Next day 11:00: first response (24 h, 10:00) and on site (16:00 the day before) missed.
    late = await run_once(db, hub, REGISTERED + timedelta(hours=25))
    assert {(r["deadline"], r["state"]) for r in late} == {
        ("first_response", "overdue"), ("on_site", "overdue")}


async def test_overdue_complaint_case_reminds_its_owner(db: Database) -> None:
    await _seed(db)
    now = REGISTERED + timedelta(days=15)
    await run_once(db, MemoryHub(), now)
    complaint_rows = [r for r in await _reminders(db) if r[0] == "complaint"]
    assert complaint_rows == [("complaint", "case", "overdue", "wang.jingli", None)]


async def test_undispatched_order_reminds_the_supervisors(db: Database) -> None:
    await _seed(db, technician=None)
    await run_once(db, MemoryHub(), REGISTERED + timedelta(hours=3))
    assert ("service_order", "handling_plan", "overdue", None, "supervisor") in await _reminders(
        db)


async def test_stopped_clocks_are_not_reminded(db: Database) -> None:
    order_id, _ = await _seed(db)
    async with db.transaction() as session:
        await orders.change(session, WHO, order_id, OrderPatch(
            plan_sent_at=REGISTERED + timedelta(hours=1),
            first_contact_at=REGISTERED + timedelta(minutes=5)), REGISTERED + timedelta(hours=1))
    reminded = await run_once(db, MemoryHub(), REGISTERED + timedelta(hours=5, minutes=30))
    assert [(r["deadline"], r["state"]) for r in reminded] == [("on_site", "due_soon")]


async def test_managers_list_late_records_and_agents_may_not(api: Api) -> None:
    customer = await api.ok(Role.AGENT, "POST", "/api/customers", 201, json={"name": "c"})
    order = await api.ok(Role.AGENT, "POST", "/api/orders", 201, json={
        "customer_id": customer["id"], "kind": "repair", "service_class": "A"})
    body = await api.ok(Role.MANAGER, "GET", "/api/overdue")
    assert "items" in body
    assert "at" in body
    assert (await api.call(Role.AGENT, "GET", "/api/overdue")).status == 403
    async with api.db.transaction() as session:
        late_order = await orders.load(session, order["id"], lock=True)
        late_order.handling_plan_due = late_order.registered_at - timedelta(minutes=1)
    body = await api.ok(Role.SUPERVISOR, "GET", "/api/overdue")
    assert [(i["entity"], i["deadline"], i["state"]) for i in body["items"]][:1] == [
        ("service_order", "handling_plan", "overdue")]


async def test_the_scheduled_job_runs_the_watch_and_stops_with_the_app(db: Database) -> None:
    import asyncio

    from aiohttp import web

    from callcenter.overdue.watch import watch_context
    from callcenter.web.keys import DATABASE, HUB

    await _seed(db)
    app = web.Application()
    app[DATABASE] = db
    app[HUB] = hub = MemoryHub()
    subscription = await hub.subscribe("reminders")
    context = watch_context(interval_s=0.05, clock=lambda: REGISTERED + timedelta(days=20))(app)
    await anext(context)
    try:
        event = await subscription.get(timeout_s=5)
    finally:
        with pytest.raises(StopAsyncIteration):
            await anext(context)
    assert event is not None
    assert event["state"] == "overdue"
    await asyncio.sleep(0.1)
    assert len(await _reminders(db)) >= 1
