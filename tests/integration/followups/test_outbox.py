"""The outbox: follow-up clocks start in the same transaction as the change that starts them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from callcenter.auth.principal import Principal, Role
from callcenter.followups import outbox
from callcenter.followups.models import OutboxRow
from callcenter.orders import service as orders
from callcenter.orders.schemas import OrderIn, OrderKind
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import ServiceClass
from callcenter.rules.status import OrderStatus
from callcenter.storage.database import Database
from tests.integration.customers.support import Api

pytestmark = pytest.mark.integration

A, S = Role.AGENT, Role.SUPERVISOR
SHANGHAI = ZoneInfo("Asia/Shanghai")


async def _events(db: Database) -> list[tuple[str, str, str]]:
    async with db.sessions() as session:
        rows = (await session.scalars(select(OutboxRow).order_by(OutboxRow.id))).all()
    return [(r.topic, r.entity, r.entity_id) for r in rows]


async def _order(api: Api, *steps: str) -> int:
    customer = await api.ok(A, "POST", "/api/customers", 201, json={"name": "c"})
    order = await api.ok(A, "POST", "/api/orders", 201, json={
        "customer_id": customer["id"], "kind": "repair", "service_class": "C",
        "technician": "zhao"})
    for step in steps:
        await api.ok(S, "POST", f"/api/orders/{order['id']}/status", json={"status": step})
    return int(order["id"])


async def test_product_returned_writes_the_r14_event_with_its_due_time(api: Api) -> None:
    order_id = await _order(api, "dispatched", "on_site", "completed")
    assert await _events(api.db) == []
    await api.ok(S, "POST", f"/api/orders/{order_id}/status", json={"status": "returned"})
    async with api.db.sessions() as session:
        event = (await session.scalars(select(OutboxRow))).one()
    assert (event.topic, event.entity, event.entity_id) == ("product_returned", "service_order",
                                                            str(order_id))
    assert event.due_at is not None
    assert event.due_at > event.occurred_at
    assert event.payload["technician"] == "zhao"


async def test_onsite_job_closed_from_completed_starts_r14_at_completion(api: Api) -> None:
    order_id = await _order(api, "dispatched", "on_site", "completed", "closed")
    assert await _events(api.db) == [("product_returned", "service_order", str(order_id))]


async def test_illegal_change_writes_no_event(api: Api) -> None:
    order_id = await _order(api, "dispatched")
    response = await api.call(S, "POST", f"/api/orders/{order_id}/status",
                              json={"status": "returned"})
    assert response.status == 409
    assert await _events(api.db) == []


async def test_change_rolled_back_after_the_event_was_added_leaves_neither(db: Database) -> None:
    from callcenter.customers.models import CustomerRow

    who = Principal(1, "s", Role.SUPERVISOR)
    calendar = WorkingCalendar(SHANGHAI)
    at = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)
    async with db.transaction() as session:
        customer = CustomerRow(name="c")
        session.add(customer)
        await session.flush()
        row = await orders.register(session, who, OrderIn(
            customer_id=customer.id, kind=OrderKind.REPAIR, service_class=ServiceClass.PAID,
            technician="t"), calendar, at)
        for step in ("dispatched", "on_site", "completed"):
            await orders.move(session, who, row.id, OrderStatus(step), "", None, calendar, at)

    async def crash_after_the_change() -> None:
        async with db.transaction() as session:
            await orders.move(session, who, row.id, OrderStatus.RETURNED, "", None, calendar,
                              at)
            raise RuntimeError("crash after the status change, before commit")

    with pytest.raises(RuntimeError, match="crash"):
        await crash_after_the_change()
    assert await _events(db) == []
    async with db.sessions() as session:
        assert (await orders.load(session, row.id)).status == "completed"


async def test_complaint_resolved_delivered_product_and_contract_write_events(api: Api) -> None:
    customer = await api.ok(A, "POST", "/api/customers", 201, json={"name": "c"})
    product = await api.ok(A, "POST", f"/api/customers/{customer['id']}/products", 201, json={
        "model": "m", "delivered_at": "2026-01-31T10:00:00+08:00",
        "warranty_end": "2027-01-31T10:00:00+08:00"})
    contract = await api.ok(A, "POST", f"/api/customers/{customer['id']}/contracts", 201, json={
        "starts_at": "2026-01-01T00:00:00+08:00", "ends_at": "2027-01-01T00:00:00+08:00"})
    complaint = await api.ok(A, "POST", "/api/complaints", 201, json={
        "subject": "s", "complainant": "c", "customer_id": customer["id"]})
    for step in ("in_progress", "resolved"):
        await api.ok(S, "POST", f"/api/complaints/{complaint['id']}/status",
                     json={"status": step})
    assert await _events(api.db) == [
        ("product_delivered", "product", str(product["id"])),
        ("contract_dates", "contract", str(contract["id"])),
        ("complaint_resolved", "complaint", str(complaint["id"])),
    ]
    async with api.db.sessions() as session:
        delivered = (await session.scalars(select(OutboxRow).where(
            OutboxRow.topic == "product_delivered"))).one()
    assert delivered.due_at is not None  # R16: 31 Jan → end of 28 Feb, site time
    assert delivered.due_at.astimezone(SHANGHAI).date().isoformat() == "2026-03-01"


async def test_each_consumer_takes_every_event_once_at_its_own_pace(api: Api) -> None:
    await _order(api, "dispatched", "on_site", "completed", "returned")
    await _order(api, "dispatched", "on_site", "completed", "returned")
    async with api.db.transaction() as session:
        first = await outbox.pending(session, "dialer", limit=1)
        await outbox.take(session, "dialer", [e.id for e in first])
    async with api.db.transaction() as session:
        rest = await outbox.pending(session, "dialer")
        reports = await outbox.pending(session, "reports",
                                       topics=[outbox.Topic.PRODUCT_RETURNED])
    assert len(first) == 1
    assert len(rest) == 1
    assert rest[0].id != first[0].id
    assert len(reports) == 2
    async with api.db.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxRow)) == 2
