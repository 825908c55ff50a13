"""Where an order's deadlines stand (R7-R10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callcenter.orders import service
from callcenter.rules.calendar import WorkingCalendar

pytestmark = pytest.mark.unit
NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
CALENDAR = WorkingCalendar(ZoneInfo("Asia/Shanghai"))


def _order(**fields: Any) -> Any:
    base: dict[str, Any] = {
        "status": "dispatched", "first_response_due": NOW + timedelta(hours=20),
        "first_contact_at": None, "handling_plan_due": NOW - timedelta(hours=1),
        "plan_sent_at": NOW - timedelta(hours=2), "on_site_due": NOW + timedelta(minutes=30),
        "on_site_at": None, "solved_due": NOW - timedelta(minutes=1), "completed_at": None,
        "workshop_due": None, "registered_at": NOW - timedelta(hours=3)}
    base.update(fields)
    return SimpleNamespace(**base)


def test_running_clocks_are_judged_against_now_and_stopped_ones_against_their_stop() -> None:
    clocks = service.clocks(_order(), NOW, CALENDAR)
    states = {name: clock.state for name, clock in clocks.items()}
    assert states == {"first_response": "on_time", "handling_plan": "met",
                      "on_site": "due_soon", "solved": "overdue"}


def test_a_stop_after_the_deadline_is_missed_and_a_cancelled_order_stops_its_clocks() -> None:
    late = service.clocks(_order(plan_sent_at=NOW), NOW, CALENDAR)
    assert late["handling_plan"].state == "missed"
    cancelled = service.clocks(_order(status="cancelled"), NOW, CALENDAR)
    assert cancelled["solved"].state == "stopped"


def test_working_time_clocks_across_a_day_no_source_knows_are_uncertain() -> None:
    december = datetime(2099, 12, 30, 2, 0, tzinfo=UTC)
    order = _order(registered_at=december, first_response_due=december + timedelta(hours=24),
                   solved_due=datetime(2100, 1, 4, 10, 0, tzinfo=UTC),
                   handling_plan_due=december + timedelta(hours=2),
                   on_site_due=december + timedelta(hours=6))
    uncertain = {name: clock.uncertain
                 for name, clock in service.clocks(order, december, CALENDAR).items()}
    assert uncertain == {"first_response": False, "handling_plan": True, "on_site": True,
                         "solved": True}
    known = service.clocks(_order(), NOW, CALENDAR)
    assert not any(clock.uncertain for clock in known.values())
