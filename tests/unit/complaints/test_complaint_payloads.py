"""Complaint payloads: what makes a complaint major (001 §7), and the counter statement (R21)."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from callcenter.complaints.numbering import counter_upsert
from callcenter.complaints.schemas import parse_create, parse_status
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.rules.classification import CrisisKind, RequestKind
from callcenter.rules.status import ComplaintStatus

pytestmark = pytest.mark.unit
PLAN = NumberPlan("CN", "10")


def test_defaults_make_a_general_complaint_with_no_contact() -> None:
    values = parse_create({"subject": "s", "complainant": "c"}, PLAN)
    assert values["kind"] is RequestKind.COMPLAINT
    assert (values["crises"], values["batch_incident"], values["contact"]) == ((), False, "")


def test_crises_are_deduplicated_and_batches_checked_at_five_percent() -> None:
    values = parse_create({"subject": "s", "complainant": "c",
                           "crises": ["injury", "injury", "fraud"],
                           "batch": {"faulty": 1, "batch_size": 20}}, PLAN)
    assert values["crises"] == (CrisisKind.INJURY, CrisisKind.FRAUD)
    assert values["batch_incident"] is True
    below = parse_create({"subject": "s", "complainant": "c",
                          "batch": {"faulty": 1, "batch_size": 21}}, PLAN)
    assert below["batch_incident"] is False


@pytest.mark.parametrize(("payload", "field"), [
    ({"complainant": "c"}, "subject"),
    ({"subject": "s", "complainant": "c", "crises": ["alien"]}, "crises"),
    ({"subject": "s", "complainant": "c", "batch": {"faulty": 3, "batch_size": 2}}, "batch"),
    ({"subject": "s", "complainant": "c", "contact": "not a number"}, "contact"),
    ({"subject": "s", "complainant": "c", "kind": "praise"}, "kind"),
])
def test_bad_complaint_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_create(payload, PLAN)
    assert caught.value.details["field"] == field


def test_status_change_carries_the_resolution_text() -> None:
    assert parse_status({"status": "resolved", "resolution": "replaced"}) == (
        ComplaintStatus.RESOLVED, "", {"resolution": "replaced"})


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_counter_is_taken_with_one_locking_upsert_returning_the_serial(backend: str) -> None:
    dialect: Dialect = postgresql.dialect() if backend == "postgresql" else sqlite.dialect()  # type: ignore[no-untyped-call]
    sql = str(counter_upsert(backend, "2603").compile(dialect=dialect))
    assert "ON CONFLICT (period) DO UPDATE SET last_serial" in sql
    assert sql.endswith("RETURNING last_serial") or sql.endswith(
        "RETURNING complaint_counters.last_serial")
