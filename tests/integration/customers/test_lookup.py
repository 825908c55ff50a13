"""The screen-pop lookup (R5): any format of a number finds the same customer, with history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callcenter.audit.models import AuditRow
from callcenter.auth.principal import Role
from callcenter.calls.models import CallRow
from callcenter.followups.models import SurveyResultRow
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A = Role.AGENT
FORMATS = ["62345678", "010-6234-5678", "01062345678", "+86 10 6234 5678", "0086 10 62345678",
           "861062345678"]


async def _calls(api: Api, number: str, customer_id: int | None, count: int) -> None:
    start = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    async with api.db.transaction() as session:
        for i in range(count):
            at = start + timedelta(hours=i)
            session.add(CallRow(call_id=f"{number}-{customer_id}-{i}", caller_num_raw=number,
                                caller_num_e164=number, entered_at=at, ended_at=at,
                                exit_reason="answered", customer_id=customer_id,
                                answered_by_agent="li.na", talk_s=30.0 + i))


async def test_every_format_of_one_number_finds_the_customer_with_history(api: Api) -> None:
    customer = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "王芳", "phones": [{"number": "010 6234 5678"}], "vip": True})
    cid = customer["id"]
    product = await api.ok(A, "POST", f"/api/customers/{cid}/products", 201,
                           json={"model": "KFR-35GW", "serial": "SN1"})
    order = await api.ok(A, "POST", "/api/orders", 201, json={
        "customer_id": cid, "product_id": product["id"], "kind": "repair",
        "service_class": "C"})
    complaint = await api.ok(A, "POST", "/api/complaints", 201, json={
        "customer_id": cid, "subject": "noisy", "complainant": "王芳"})
    await _calls(api, "+861062345678", cid, 7)
    async with api.db.transaction() as session:
        session.add(SurveyResultRow(customer_id=cid, order_id=order["id"], technician="zhao",
                                    surveyed_at=datetime(2026, 3, 2, tzinfo=UTC),
                                    outcome="complete", attitude=4, skill=3, arrival_time=4,
                                    promises_kept=2, product_works=True))

    for raw in FORMATS:
        body = await api.ok(A, "GET", "/api/lookup", params={"number": raw})
        assert (body["number"], body["match"]) == ("+861062345678", "unique"), raw
        assert [c["id"] for c in body["customers"]] == [cid], raw

    found = body["customers"][0]
    assert found["vip"] is True
    assert found["name"] == "王芳"
    assert [p["serial"] for p in found["products"]] == ["SN1"]
    assert [o["id"] for o in found["open_orders"]] == [order["id"]]
    assert set(found["open_orders"][0]["deadlines"]) >= {"first_response", "on_site", "solved"}
    assert found["open_orders"][0]["deadlines"]["solved"]["due"] == order["deadlines"][
        "solved"]["due"]
    assert [c["number"] for c in found["open_complaints"]] == [complaint["number"]]
    assert found["open_complaints"][0]["deadlines"]["case"]["state"] == "on_time"
    assert len(found["last_calls"]) == 5
    assert [c["talk_s"] for c in found["last_calls"]] == [36.0, 35.0, 34.0, 33.0, 32.0]
    assert found["last_surveys"][0]["promises_kept"] == 2
    assert found["last_surveys"][0]["product_works"] is True
    assert len(body["number_calls"]) == 5


async def test_unknown_number_finds_nobody_but_shows_its_calls_and_is_audited(api: Api) -> None:
    await _calls(api, "+8613900139000", None, 2)
    body = await api.ok(A, "GET", "/api/lookup", params={"number": "139 0013 9000"})
    assert (body["match"], body["customers"]) == ("none", [])
    assert [c["call_id"] for c in body["number_calls"]] == ["+8613900139000-None-1",
                                                           "+8613900139000-None-0"]
    assert await api.audit("lookup", "+8613900139000") == [("read", username(A), "agent")]


async def test_shared_number_returns_every_candidate_and_audits_each(api: Api) -> None:
    ids = []
    for name in ("父亲", "母亲", "女儿"):
        created = await api.ok(A, "POST", "/api/customers", 201, json={
            "name": name, "phones": [{"number": "62345678", "label": "home"}]})
        ids.append(created["id"])
    body = await api.ok(A, "GET", "/api/lookup", params={"number": "+861062345678"})
    assert body["match"] == "ambiguous"
    assert [c["id"] for c in body["customers"]] == ids
    for cid in ids:
        assert ("read", username(A), "agent") in await api.audit("customer", cid)


async def test_each_lookup_row_names_the_reader_the_number_and_when(api: Api) -> None:
    """The same R27 rows on both back-ends (PostgreSQL writes them in the lookup statement)."""
    created = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "赵磊", "phones": [{"number": "13900139001"}]})
    before = datetime.now(UTC)
    await api.ok(A, "GET", "/api/lookup", params={"number": "139 0013 9001"})
    await api.ok(A, "GET", "/api/lookup", params={"number": "139 0013 9002"})
    async with api.db.sessions() as session:
        rows = (await session.scalars(select(AuditRow).where(
            AuditRow.action == "read", AuditRow.at >= before).order_by(AuditRow.id))).all()
    assert [(r.entity, r.entity_id, r.detail, r.username, r.role) for r in rows] == [
        ("customer", str(created["id"]), {"via": "lookup", "number": "+8613900139001"},
         username(A), "agent"),
        ("lookup", "+8613900139002", {"matched": 0}, username(A), "agent"),
    ]
    assert len({r.account_id for r in rows}) == 1
    assert rows[0].account_id is not None
    assert all(r.at <= datetime.now(UTC) for r in rows)


@pytest.mark.parametrize("raw", ["anonymous", "10086", "", "12"])
async def test_lookup_of_something_that_is_not_a_number_is_invalid_input(
    api: Api, raw: str
) -> None:
    response = await api.call(A, "GET", "/api/lookup", params={"number": raw})
    assert response.status == 400
    assert (await response.json())["error"]["details"]["field"] == "number"


async def test_technicians_and_admins_may_not_look_callers_up(api: Api) -> None:
    for role in (Role.TECHNICIAN, Role.ADMIN):
        response = await api.call(role, "GET", "/api/lookup", params={"number": "62345678"})
        assert response.status == 403
    anonymous = await api.client.get("/api/lookup", params={"number": "62345678"})
    assert anonymous.status == 401


async def test_call_linking_gets_one_id_for_a_known_number_and_all_for_a_shared_one(
    api: Api,
) -> None:
    from callcenter.customers.service import customers_with_number

    one = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "solo", "phones": [{"number": "13800138000"}]})
    family = [await api.ok(A, "POST", "/api/customers", 201, json={
        "name": name, "phones": [{"number": "62345678"}]}) for name in ("a", "b")]
    async with api.db.sessions() as session:
        assert await customers_with_number(session, "+8613800138000") == [one["id"]]
        assert await customers_with_number(session, "+861062345678") == [
            c["id"] for c in family]
        assert await customers_with_number(session, "+8613900000000") == []
