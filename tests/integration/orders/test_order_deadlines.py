"""Deadlines stored at registration come from the rules with the site's working calendar."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.auth.principal import Principal, Role
from callcenter.customers.models import CustomerRow
from callcenter.orders import service
from callcenter.orders.schemas import OrderIn, OrderKind
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import ServiceClass
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration

SHANGHAI = ZoneInfo("Asia/Shanghai")
AGENT = Principal(1, "li.na", Role.AGENT)


async def _register(db: Database, zone: str, at: datetime, units: int | None = None) -> int:
    async with db.transaction() as session:
        customer = CustomerRow(name="c", zone=zone)
        session.add(customer)
        await session.flush()
        row = await service.register(session, AGENT, OrderIn(
            customer_id=customer.id, call_id="1700000000.1", kind=OrderKind.REPAIR,
            service_class=ServiceClass.WARRANTY, units=units), WorkingCalendar(SHANGHAI), at)
        return row.id


async def test_suburb_repair_registered_before_national_day_is_due_after_the_holiday(
    db: Database,
) -> None:
    at = datetime(2025, 9, 30, 16, 0, tzinfo=SHANGHAI)  # the afternoon before 1 October
    order_id = await _register(db, "suburb", at, units=11)
    async with db.sessions() as session:
        row = await service.load(session, order_id)
    local = {name: getattr(row, name).astimezone(SHANGHAI).replace(tzinfo=None) for name in (
        "first_response_due", "handling_plan_due", "on_site_due", "solved_due",
        "priority_dispatch_at", "workshop_due")}
    assert local == {
        "first_response_due": datetime(2025, 10, 1, 16, 0),  # R7: 24 calendar hours
        "handling_plan_due": datetime(2025, 9, 30, 18, 0),  # R8: 2 working hours
        "on_site_due": datetime(2025, 10, 9, 14, 0),  # R9: 2 h + 5 h after the break
        "solved_due": datetime(2025, 10, 11, 18, 0),  # R7: the make-up Saturday counts
        "priority_dispatch_at": datetime(2025, 10, 9, 9, 0),
        "workshop_due": datetime(2025, 10, 10, 18, 0),  # R10: 11 units → 2 working days
    }
    assert row.call_id == "1700000000.1"


async def test_city_order_gets_six_working_hours_to_arrive(db: Database) -> None:
    order_id = await _register(db, "city", datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI))
    async with db.sessions() as session:
        row = await service.load(session, order_id)
    assert row.on_site_due.astimezone(SHANGHAI).replace(tzinfo=None) == datetime(
        2026, 3, 10, 16, 0)
