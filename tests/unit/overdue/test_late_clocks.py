"""Which order clocks the overdue watch follows (R8 repairs only, R9 visits only), and the
forms the managers' list and the reminders are read in."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from callcenter.errors import InvalidInput
from callcenter.overdue.schemas import OverdueItem, Reminder, ReminderFilter
from callcenter.overdue.watch import Late, _order_clocks
from callcenter.rules.deadlines import DeadlineState
from callcenter.web.api import parse_strings

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
    assert OverdueItem.model_validate(item).model_dump(mode="json") == {
        "entity": "complaint", "entity_id": 7, "label": "complaint 26030007", "deadline": "case",
        "due": "2026-03-10T00:00:00Z", "state": "overdue", "owner": None, "role": "manager",
        "customer_id": 3}


def test_a_reminder_serialises_with_its_type_and_utc_times() -> None:
    reminder = Reminder.model_validate({
        "id": 4, "entity": "service_order", "entity_id": 9, "deadline": "on_site",
        "state": "overdue", "due_at": AT, "owner": "zhao", "role": None, "message": "late",
        "created_at": AT, "acknowledged_at": None})
    assert reminder.model_dump(mode="json") == {
        "type": "reminder", "id": 4, "entity": "service_order", "entity_id": 9,
        "deadline": "on_site", "state": "overdue", "due_at": "2026-03-10T00:00:00Z",
        "owner": "zhao", "role": None, "message": "late", "created_at": "2026-03-10T00:00:00Z",
        "acknowledged_at": None}


@pytest.mark.parametrize(("given", "open_only"), [({}, False), ({"open": ""}, False),
                                                   ({"open": "true"}, True),
                                                   ({"open": "false"}, False)])
def test_open_is_spelled_true_or_false(given: dict[str, str], open_only: bool) -> None:
    assert parse_strings(ReminderFilter, given).open is open_only


@pytest.mark.parametrize("spelling", ["1", "yes", "True"])
def test_other_spellings_of_open_are_refused_not_guessed(spelling: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_strings(ReminderFilter, {"open": spelling})
    assert caught.value.details["field"] == "open"
