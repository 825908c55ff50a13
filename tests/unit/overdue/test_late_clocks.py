"""Which order clocks the overdue watch follows (R8 repairs only, R9 visits only)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from callcenter.overdue.watch import Late, _order_clocks
from callcenter.rules.deadlines import DeadlineState

pytestmark = pytest.mark.unit
AT = datetime(2026, 3, 10, tzinfo=UTC)


def _row(kind: str, units: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(kind=kind, units=units, first_response_due=AT, first_contact_at=None,
                           handling_plan_due=AT, plan_sent_at=None, on_site_due=AT,
                           on_site_at=None, solved_due=AT, completed_at=None,
                           workshop_due=AT if units else None)


def _running(kind: str, units: int | None = None) -> set[str]:
    return {name for name, due, running in _order_clocks(_row(kind, units))
            if running and due is not None}


def test_a_repair_runs_every_clock_but_the_workshop() -> None:
    assert _running("repair") == {"first_response", "handling_plan", "on_site", "solved"}


def test_a_consultation_has_no_plan_and_no_visit() -> None:
    assert _running("consultation") == {"first_response", "solved"}


def test_a_workshop_batch_has_no_visit_but_its_r10_clock() -> None:
    assert _running("repair", units=12) == {"first_response", "handling_plan", "solved",
                                            "workshop"}


def test_late_items_serialise_for_the_managers_list() -> None:
    item = Late("complaint", 7, "complaint 26030007", "case", AT, DeadlineState.OVERDUE, None,
                "manager", 3)
    assert item.as_json() == {"entity": "complaint", "entity_id": 7,
                              "label": "complaint 26030007", "deadline": "case",
                              "due": "2026-03-10T00:00:00Z", "state": "overdue", "owner": None,
                              "role": "manager", "customer_id": 3}
