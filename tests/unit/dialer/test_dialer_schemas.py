"""The dialer API's declared requests and replies: filters as a URL spells them, bad fields
named, jobs and R19 figures in the JSON the supervisors' wallboard reads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from callcenter.errors import InvalidInput
from callcenter.rules.satisfaction import Rating, SurveyItem, SurveyResult, satisfaction_report
from callcenter.web.api import parse_body, parse_strings
from dialer.kinds import JobKind, JobState, Outcome
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.satisfaction import rate_of
from dialer.schemas import (
    CancelNote,
    DialerJob,
    DialerJobDetail,
    JobFilter,
    Period,
    PreviewReport,
    Reschedule,
    TakenJob,
)

pytestmark = pytest.mark.unit
CREATED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def _job(**changes: object) -> DialerJobRow:
    values: dict[str, object] = dict(
        id=7, kind="technician_survey", mode="auto", state="pending", result=None,
        customer_id=3, order_id=11, complaint_id=None, product_id=None, contract_id=None,
        technician="tech-wang", phone="+8613900001201", opens_at=CREATED,
        due_at=CREATED + timedelta(days=2), next_attempt_at=None, attempts=0,
        max_attempts=3, at_risk=False, taken_by=None, note="", created_at=CREATED,
        finished_at=None, written_back_at=None)
    values.update(changes)
    return DialerJobRow(**values)


def test_empty_filters_mean_any_and_at_risk_is_spelt_true_or_false() -> None:
    filters = parse_strings(JobFilter, {"kind": "", "state": "pending", "at_risk": "false",
                                        "customer_id": "0"})
    assert (filters.kind, filters.state, filters.at_risk) == (None, JobState.PENDING, False)
    assert (filters.customer_id, filters.limit) == (0, 100)
    assert parse_strings(JobFilter, {"at_risk": ""}).at_risk is None


@pytest.mark.parametrize(("query", "field"), [
    ({"kind": "nonsense"}, "kind"),
    ({"state": "PENDING"}, "state"),
    ({"mode": "robot"}, "mode"),
    ({"at_risk": "1"}, "at_risk"),
    ({"at_risk": "yes"}, "at_risk"),
    ({"customer_id": "-1"}, "customer_id"),
    ({"customer_id": str(2**31)}, "customer_id"),
    ({"limit": "0"}, "limit"),
    ({"limit": "501"}, "limit"),
])
def test_bad_job_filters_are_named(query: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_strings(JobFilter, query)
    assert caught.value.details["field"] == field


def test_a_satisfaction_period_is_instants_with_their_offset() -> None:
    period = parse_strings(Period, {"since": "2026-03-01T00:00:00+08:00", "until": ""})
    assert (period.since, period.until) == (datetime(2026, 2, 28, 16, tzinfo=UTC), None)
    with pytest.raises(InvalidInput, match=r"since: .*timezone"):
        parse_strings(Period, {"since": "2026-03-01T00:00:00"})


def test_a_reschedule_needs_an_instant_with_its_offset_in_a_year_anyone_calls_in() -> None:
    moved = parse_body(Reschedule, _body({"at": "2030-03-12T10:00:00+08:00"}))
    assert moved.at == datetime(2030, 3, 12, 2, tzinfo=UTC)
    for payload, problem in (({}, "at: is required"), ({"at": "2030-03-12T10:00:00"},
                                                       r"at: .*timezone"),
                             ({"at": "9999-01-01T00:00:00Z"}, "at: is out of range"),
                             ({"at": "2030-03-12T10:00:00Z", "when": 1},
                              "when: is not a known field")):
        with pytest.raises(InvalidInput, match=problem):
            parse_body(Reschedule, _body(payload))


def test_a_report_says_reached_as_a_boolean_and_notes_are_bounded() -> None:
    assert parse_body(PreviewReport, _body({"reached": False})).note == ""
    for payload, field in (({}, "reached"), ({"reached": 1}, "reached"),
                           ({"reached": True, "note": "x" * 2001}, "note")):
        with pytest.raises(InvalidInput) as caught:
            parse_body(PreviewReport, _body(payload))
        assert caught.value.details["field"] == field
    assert parse_body(CancelNote, _body({})).note == ""


def test_a_job_reads_from_its_row_with_instants_in_utc() -> None:
    local = CREATED.astimezone(timezone(timedelta(hours=8)))
    reply = json.loads(DialerJob.model_validate(_job(opens_at=local)).model_dump_json())
    assert (reply["kind"], reply["state"], reply["phone"]) == (
        "technician_survey", "pending", "+8613900001201")
    assert (reply["opens_at"], reply["next_attempt_at"]) == ("2026-03-02T01:30:00Z", None)
    assert "attempts_made" not in reply
    assert "dial" not in reply


def test_the_detail_lists_attempts_and_a_taken_job_says_how_to_dial_it() -> None:
    attempt = DialerAttemptRow(
        number=1, channel_id="dialer-7-1", worker="w", claimed_at=CREATED, dialled_at=None,
        answered_at=None, ended_at=CREATED, outcome=Outcome.NO_ANSWER.value,
        originate_reason=3, hangup_cause=19, flow_outcome=None, answers=None, agent=None)
    detail = DialerJobDetail.of(_job(), [attempt]).model_dump(mode="json")
    assert detail["attempts_made"][0]["outcome"] == "no_answer"
    assert detail["attempts_made"][0]["answers"] == {}
    job = DialerJob.model_validate(_job(kind=JobKind.AGENT_CALLBACK.value, mode="preview"))
    taken = TakenJob.of(job).model_dump(mode="json")
    assert taken["dial"] == {"path": "/api/agent/dial",
                             "body": {"number": "+8613900001201", "customer_id": 3}}
    assert job.hub_message() == {"type": "dialer.job", **job.model_dump(mode="json")}


def test_r19_figures_name_each_item_and_have_no_rate_before_any_survey() -> None:
    def survey(attitude: int, skill: int, arrival: int, promises: int) -> SurveyResult:
        return SurveyResult("tech-wang", {
            SurveyItem.ATTITUDE: Rating(attitude), SurveyItem.SKILL: Rating(skill),
            SurveyItem.ARRIVAL_TIME: Rating(arrival), SurveyItem.PROMISES_KEPT: Rating(promises)})

    happy, grumpy = survey(4, 3, 4, 3), survey(4, 2, 4, 4)
    rate = rate_of(satisfaction_report([happy, grumpy])).model_dump(mode="json")
    assert (rate["rate"], rate["satisfied"], rate["completed"]) == (0.5, 1, 2)
    assert rate["per_item"]["skill"] == {"satisfied": 1, "counted": 2, "rate": 0.5}
    empty = rate_of(satisfaction_report([]))
    assert (empty.rate, empty.meets_target) == (None, None)
