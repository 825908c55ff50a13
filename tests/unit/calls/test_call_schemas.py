"""The call registry's query and replies: the interval asked for, and calls written as this
API always wrote them (R1, R4)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.calls.call_records import TimePrecision
from callcenter.calls.schemas import CallInterval, RegisteredCall, SlaBreach
from callcenter.calls.sla import breaches
from callcenter.errors import InvalidInput
from callcenter.web.api import parse_strings
from tests.unit.calls.script import Call, Harness

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # already the 11th in Shanghai


def test_an_interval_not_given_is_the_sites_today() -> None:
    since, until = parse_strings(CallInterval, {}).bounds(SHANGHAI, NOW)
    assert (since.isoformat(), until.isoformat()) == (
        "2026-03-11T00:00:00+08:00", "2026-03-12T00:00:00+08:00")


def test_a_time_without_an_offset_is_the_sites_and_one_with_an_offset_is_kept() -> None:
    query = parse_strings(CallInterval, {"since": "2026-03-01T08:00",
                                         "until": "2026-03-01T02:00:00+00:00"})
    since, until = query.bounds(SHANGHAI, NOW)
    assert (since.isoformat(), until.isoformat()) == (
        "2026-03-01T08:00:00+08:00", "2026-03-01T02:00:00+00:00")


@pytest.mark.parametrize("raw", ["yesterday", "1790000000", "2026-13-01"])
def test_a_time_that_is_not_iso_8601_names_its_parameter(raw: str) -> None:
    with pytest.raises(InvalidInput, match="is not an ISO-8601 time") as caught:
        parse_strings(CallInterval, {"since": raw})
    assert caught.value.details["field"] == "since"


def test_an_interval_that_ends_before_it_starts_names_until() -> None:
    query = parse_strings(CallInterval, {"since": "2026-03-02", "until": "2026-03-01"})
    with pytest.raises(InvalidInput) as caught:
        query.bounds(SHANGHAI, NOW)
    assert caught.value.details["field"] == "until"


def test_an_empty_queue_filter_means_every_queue() -> None:
    assert parse_strings(CallInterval, {"queue": ""}).queue is None
    assert parse_strings(CallInterval, {"queue": "hotline"}).queue == "hotline"


def _late_call() -> Harness:
    """Answered after a ring-no-answer of another agent: a breach of the 3-ring rule."""
    c = Call("1790000000.7")
    return Harness().feed(
        c.hotline(0), c.join(1), c.rung(1.5, "PJSIP/5001"),
        c.ring_no_answer(16.5, "PJSIP/5001", 15000), c.rung(17, "PJSIP/5002"),
        c.dial_end(18, "PJSIP/5002", "ANSWER"), c.leave(18.001),
        c.connect(18.002, "PJSIP/5002"), c.complete(50, "PJSIP/5002"), c.hangup(50.01))


def test_a_call_is_written_with_its_offsets_its_rule_visits_legs_and_precision() -> None:
    call = replace(_late_call().only(), adopted=True,
                   precision=(("answered_at", TimePrecision.UNKNOWN),))
    body = json.loads(RegisteredCall.of(call).model_dump_json())
    assert body["entered_at"] == "2026-09-21T14:13:20+00:00"
    assert body["rule"] == {"max_rings": 3, "ring_cycle_s": 5.0}
    assert body["precision"] == {"answered_at": "unknown"}
    assert [leg["ended_by"] for leg in body["legs"]] == ["rang_out", "answered"]
    assert body["legs"][0]["rang_at"] == "2026-09-21T14:13:21.500000+00:00"
    assert [v["result"] for v in body["visits"]] == ["answered"]


def test_a_breach_names_the_caller_its_rule_and_who_let_it_ring() -> None:
    (found,) = breaches(_late_call().finished)
    body = json.loads(SlaBreach.of(found).model_dump_json())
    assert (body["caller"], body["rings"], body["rule"]) == (
        "+8613800138000", 4, {"max_rings": 3, "ring_cycle_s": 5.0})
    assert body["let_ring"] == [{"agent_id": "zhang.wei", "interface": "PJSIP/5001",
                                 "rings": 3, "ended_by": "rang_out"}]


def test_a_call_no_rule_judged_has_a_null_rule() -> None:
    call = replace(_late_call().only(), rule=None)
    assert RegisteredCall.of(call).model_dump(mode="json")["rule"] is None
