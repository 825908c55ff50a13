"""Complaint payloads: what makes a complaint major (001 §7), and the counter statement (R21)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect

from callcenter.complaints.numbering import counter_upsert
from callcenter.complaints.schemas import ComplaintIn, ComplaintPatch, ComplaintStatusIn
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.rules.classification import CrisisKind, RequestKind
from callcenter.rules.status import ComplaintStatus
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit
BEIJING = {"plan": NumberPlan("CN", "10")}


def _complaint(payload: object) -> ComplaintIn:
    return parse_body(ComplaintIn, json.dumps(payload), BEIJING)


def test_defaults_make_a_general_complaint_with_no_contact() -> None:
    complaint = _complaint({"subject": "s", "complainant": "c"})
    assert complaint.kind is RequestKind.COMPLAINT
    assert (complaint.crises, complaint.batch_incident, complaint.contact) == ([], False, None)


def test_the_contact_is_kept_in_e164_read_with_the_sites_plan() -> None:
    assert _complaint({"subject": "s", "complainant": "c",
                       "contact": "010-6234-5678"}).contact == "+861062345678"


def test_a_complaint_made_by_code_gives_its_contact_in_e164() -> None:
    made = ComplaintIn(subject="s", complainant="c", contact="+8613800138000")
    assert made.contact == "+8613800138000"
    with pytest.raises(ValueError, match=r"E\.164"):
        ComplaintIn(subject="s", complainant="c", contact="13800138000")


def test_crises_are_deduplicated_and_batches_checked_at_five_percent() -> None:
    complaint = _complaint({"subject": "s", "complainant": "c",
                            "crises": ["injury", "injury", "fraud"],
                            "batch": {"faulty": 1, "batch_size": 20}})
    assert complaint.crises == [CrisisKind.INJURY, CrisisKind.FRAUD]
    assert complaint.batch_incident is True
    below = _complaint({"subject": "s", "complainant": "c",
                        "batch": {"faulty": 1, "batch_size": 21}})
    assert below.batch_incident is False


@pytest.mark.parametrize(("payload", "field"), [
    ({"complainant": "c"}, "subject"),
    ({"subject": " ", "complainant": "c"}, "subject"),
    ({"subject": "s", "complainant": "c", "crises": ["alien"]}, "crises"),
    ({"subject": "s", "complainant": "c", "crises": ["fraud"] * 6}, "crises"),
    ({"subject": "s", "complainant": "c", "batch": {"faulty": 3, "batch_size": 2}}, "batch"),
    ({"subject": "s", "complainant": "c", "batch": {"faulty": 3}}, "batch"),
    ({"subject": "s", "complainant": "c", "contact": "not a number"}, "contact"),
    ({"subject": "s", "complainant": "c", "kind": "praise"}, "kind"),
    ({"subject": "s", "complainant": "c", "overseas": "yes"}, "overseas"),
    ({"subject": "s", "complainant": "c", "order_id": 0}, "order_id"),
])
def test_bad_complaint_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        _complaint(payload)
    assert caught.value.details["field"] == field


def test_a_patch_may_clear_the_owner_but_not_the_resolution() -> None:
    assert parse_body(ComplaintPatch, '{"owner": null}').given() == {"owner": None}
    with pytest.raises(InvalidInput, match="resolution: must not be null"):
        parse_body(ComplaintPatch, '{"resolution": null}')


def test_status_change_carries_the_resolution_text() -> None:
    move = parse_body(ComplaintStatusIn, '{"status": "resolved", "resolution": "replaced"}')
    assert (move.status, move.note, move.resolution, move.follow_up) == (
        ComplaintStatus.RESOLVED, "", "replaced", None)


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_counter_is_taken_with_one_locking_upsert_returning_the_serial(backend: str) -> None:
    dialect: Dialect = postgresql.dialect() if backend == "postgresql" else sqlite.dialect()  # type: ignore[no-untyped-call]
    sql = str(counter_upsert(backend, "2603").compile(dialect=dialect))
    assert "ON CONFLICT (period) DO UPDATE SET last_serial" in sql
    assert sql.endswith("RETURNING last_serial") or sql.endswith(
        "RETURNING complaint_counters.last_serial")
