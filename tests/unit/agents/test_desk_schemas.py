"""The agent desk's bodies and replies: a wrap-up states what its classification needs, a
call-back falls due within 30 days, numbers are read in E.164, and a reply leaves out what
a wrap-up did not make (R4, R6)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from callcenter.agents import records
from callcenter.agents.schemas import (
    Classification,
    DeskLogin,
    DialIn,
    WrapupIn,
    WrapupResult,
)
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
DESK = {"now": NOW, "plan": NumberPlan("CN", "10")}


def _wrapup(payload: dict[str, Any]) -> WrapupIn:
    return parse_body(WrapupIn, json.dumps(payload), DESK)


def _field(payload: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as caught:
        _wrapup(payload)
    return str(caught.value.details["field"])


@pytest.mark.parametrize(("payload", "field"), [
    ({"call_id": "c1", "classification": "repair_request", "customer_id": 7}, "order"),
    ({"call_id": "c1", "classification": "repair_request",
      "order": {"service_class": "C"}}, "customer_id"),
    ({"call_id": "c1", "classification": "complaint_general"}, "complaint"),
    ({"call_id": "c1", "classification": "complaint_major",
      "complaint": {"subject": "s", "complainant": "x", "crises": []}}, "complaint.crises"),
    ({"call_id": "c1", "classification": "repair_request", "customer_id": 7,
      "order": {"service_class": "C", "customer_id": 8}}, "order"),
    ({"call_id": " ", "classification": "consultation"}, "call_id"),
    ({"call_id": "c1", "classification": "chat"}, "classification"),
])
def test_a_wrap_up_names_the_field_its_classification_lacks(payload: dict[str, Any],
                                                             field: str) -> None:
    assert _field(payload) == field


def test_a_major_complaint_may_name_a_batch_instead_of_a_crisis() -> None:
    wrapup = _wrapup({"call_id": "c1", "classification": "complaint_major", "complaint": {
        "subject": "s", "complainant": "x", "batch": {"faulty": 6, "batch_size": 100},
        "contact": "010-6234-5678"}})
    assert wrapup.complaint is not None
    assert (wrapup.complaint.batch is not None, wrapup.complaint.contact) == (
        True, "+861062345678")


@pytest.mark.parametrize("due", [NOW - timedelta(hours=1), NOW + timedelta(days=31)])
def test_a_call_back_falls_due_within_the_next_thirty_days(due: datetime) -> None:
    assert _field({"call_id": "c1", "classification": "consultation",
                   "callback": {"due_at": due.isoformat()}}) == "callback.due_at"


def test_scripts_read_a_wrap_up_as_the_endpoint_does() -> None:
    wrapup = records.parse({"call_id": "c1", "classification": "consultation", "callback": {
        "due_at": (NOW + timedelta(hours=2)).isoformat(), "note": "问技术部"}}, NOW)
    assert wrapup.classification is Classification.CONSULTATION
    assert wrapup.callback is not None
    assert wrapup.callback.due_at == NOW + timedelta(hours=2)


def test_a_click_to_dial_number_is_read_in_e164_or_named() -> None:
    assert parse_body(DialIn, b'{"number": "62345678"}', DESK).number == "+861062345678"
    with pytest.raises(InvalidInput) as caught:
        parse_body(DialIn, b'{"number": "10086"}', DESK)
    assert caught.value.details["field"] == "number"


def test_a_login_names_at_least_one_queue() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(DeskLogin, b'{"queues": []}', DESK)
    assert caught.value.details["field"] == "queues"


def test_the_wrap_up_reply_leaves_out_what_was_not_made() -> None:
    consultation = WrapupResult(call_id="c1", classification=Classification.CONSULTATION,
                                customer_id=None, outcome="consultation")
    assert json.loads(consultation.model_dump_json()) == {
        "call_id": "c1", "classification": "consultation", "customer_id": None,
        "outcome": "consultation"}
    repair = WrapupResult(call_id="c2", classification=Classification.REPAIR_REQUEST,
                          customer_id=7, order_id=12, outcome="repair_request order=12")
    assert list(json.loads(repair.model_dump_json())) == [
        "call_id", "classification", "customer_id", "order_id", "outcome"]
