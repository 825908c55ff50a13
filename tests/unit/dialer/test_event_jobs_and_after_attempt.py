"""Jobs from outbox events (R13-R17) and what an attempt's outcome does to a job."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.followups.outbox import OutboxEvent
from callcenter.rules.calendar import WorkingCalendar
from dialer.after_attempt import JobFacts, after_attempt, effective_outcome, plan_first
from dialer.calling_windows import CallingPolicy
from dialer.event_jobs import RENEWAL_LEAD, plan_event
from dialer.kinds import FlowOutcome, JobKind, JobState, Outcome

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
ALL = frozenset({"product_returned", "complaint_resolved", "product_delivered",
                 "contract_dates"})
POLICY = CallingPolicy(((time(9), time(12)), (time(14), time(20))),
                       WorkingCalendar(SHANGHAI).is_holiday,
                       timedelta(minutes=30), timedelta(hours=4))


def event(topic: str, entity_id: int = 7, due: datetime | None = NOW + timedelta(days=3),
          **payload: object) -> OutboxEvent:
    return OutboxEvent(id=100 + entity_id, topic=topic, entity="x", entity_id=str(entity_id),
                      occurred_at=NOW, due_at=due, payload={"customer_id": 5, **payload})


# -- events → jobs ------------------------------------------------------------------------

def test_product_returned_makes_a_technician_survey_due_with_r14() -> None:
    plan = plan_event(event("product_returned", technician="tech-li", product_id=3),
                      enabled_topics=ALL, sampling_percent=100, zone=SHANGHAI)
    (job,) = plan.jobs
    assert (job.kind, job.order_id, job.product_id, job.technician) == (
        JobKind.TECHNICIAN_SURVEY, 7, 3, "tech-li")
    assert (job.opens_at, job.due_at, job.state) == (NOW, NOW + timedelta(days=3),
                                                     JobState.PENDING)
    assert job.subject == "service_order:7"


def test_sampled_out_survey_is_kept_as_skipped_for_the_record() -> None:
    """R17 at 1%: most requests are left out, visibly (state skipped, result sampled_out)."""
    outs = [plan_event(event("product_returned", entity_id=n), enabled_topics=ALL,
                       sampling_percent=1, zone=SHANGHAI).jobs[0] for n in range(1, 50)]
    skipped = [job for job in outs if job.state is JobState.SKIPPED]
    assert len(skipped) > 40
    assert {job.result for job in skipped} == {"sampled_out"}


def test_complaint_resolved_makes_a_call_back_due_with_r15() -> None:
    (job,) = plan_event(event("complaint_resolved", number="26030001"), enabled_topics=ALL,
                        sampling_percent=1, zone=SHANGHAI).jobs
    assert (job.kind, job.complaint_id, job.state) == (JobKind.COMPLAINT_CALLBACK, 7,
                                                       JobState.PENDING)


def test_delivery_with_warranty_makes_two_r16_calls() -> None:
    window = {"opens": "2027-01-10T00:00:00+08:00", "closes": "2027-03-10T00:00:00+08:00"}
    first, second = plan_event(event("product_delivered", second_follow_up=window),
                               enabled_topics=ALL, sampling_percent=100, zone=SHANGHAI).jobs
    assert first.kind is JobKind.DELIVERY_CHECK
    assert second.kind is JobKind.WARRANTY_CHECK
    assert second.opens_at == datetime(2027, 1, 10, tzinfo=SHANGHAI)
    assert second.due_at == datetime(2027, 3, 10, tzinfo=SHANGHAI)


def test_delivery_without_a_stored_due_is_due_a_calendar_month_later() -> None:
    (job,) = plan_event(event("product_delivered", due=None), enabled_topics=ALL,
                        sampling_percent=100, zone=SHANGHAI).jobs
    assert job.due_at == datetime(2026, 4, 11, tzinfo=SHANGHAI)


def test_contract_renewal_notice_opens_a_week_before_the_notice_date() -> None:
    due = datetime(2026, 6, 1, tzinfo=SHANGHAI)
    (job,) = plan_event(event("contract_dates", due=due, renewal_state="pending"),
                        enabled_topics=ALL, sampling_percent=100, zone=SHANGHAI).jobs
    assert (job.kind, job.opens_at, job.due_at) == (JobKind.RENEWAL_NOTICE,
                                                    due - RENEWAL_LEAD, due)


def test_renewed_contract_cancels_its_open_notice() -> None:
    plan = plan_event(event("contract_dates", renewal_state="renewed"), enabled_topics=ALL,
                      sampling_percent=100, zone=SHANGHAI)
    assert plan.jobs == ()
    assert plan.cancel == ((JobKind.RENEWAL_NOTICE, "contract:7"),)


def test_disabled_topic_and_unknown_customer_make_nothing() -> None:
    only_returns = frozenset({"product_returned"})
    assert plan_event(event("complaint_resolved"), enabled_topics=only_returns,
                      sampling_percent=100, zone=SHANGHAI).jobs == ()
    anonymous = OutboxEvent(1, "complaint_resolved", "complaint", "3", NOW, NOW, {})
    assert plan_event(anonymous, enabled_topics=ALL, sampling_percent=100,
                      zone=SHANGHAI).jobs == ()


# -- after an attempt ---------------------------------------------------------------------

def facts(attempts: int, max_attempts: int = 3) -> JobFacts:
    return JobFacts(attempts, max_attempts, NOW + timedelta(days=3), SHANGHAI)


def test_answered_survey_is_done_with_the_flow_result() -> None:
    decision = after_attempt(facts(1), Outcome.ANSWERED, FlowOutcome.PARTIAL, False, NOW, POLICY)
    assert (decision.state, decision.result) == (JobState.DONE, "partial")


def test_pressing_nine_ends_the_job_as_do_not_call() -> None:
    decision = after_attempt(facts(1), Outcome.ANSWERED, FlowOutcome.REFUSED, True, NOW, POLICY)
    assert (decision.state, decision.result) == (JobState.DONE, "do_not_call")


def test_invalid_number_is_never_retried() -> None:
    decision = after_attempt(facts(1), Outcome.INVALID_NUMBER, None, False, NOW, POLICY)
    assert (decision.state, decision.result, decision.slot) == (
        JobState.FAILED, "invalid_number", None)


@pytest.mark.parametrize("outcome", [Outcome.NO_ANSWER, Outcome.BUSY, Outcome.CONGESTION,
                                     Outcome.FAILED, Outcome.INTERRUPTED, Outcome.MACHINE])
def test_other_outcomes_retry_while_attempts_remain(outcome: Outcome) -> None:
    decision = after_attempt(facts(2), outcome, None, False, NOW, POLICY)
    assert decision.state is JobState.PENDING
    assert decision.slot is not None
    assert NOW < decision.slot.at < NOW + timedelta(days=3)


def test_the_last_attempt_used_fails_the_job() -> None:
    decision = after_attempt(facts(3), Outcome.BUSY, None, False, NOW, POLICY)
    assert (decision.state, decision.result) == (JobState.FAILED, "attempts_used_up")


def test_answered_without_the_flow_counts_as_failed_not_as_a_survey() -> None:
    assert effective_outcome(Outcome.ANSWERED, flow_ran=False) is Outcome.FAILED
    assert effective_outcome(Outcome.ANSWERED, flow_ran=True) is Outcome.ANSWERED
    assert effective_outcome(Outcome.BUSY, flow_ran=False) is Outcome.BUSY


def test_new_job_due_too_soon_is_flagged_at_risk() -> None:
    evening = datetime(2026, 3, 10, 11, 50, tzinfo=UTC)  # 19:50 in Shanghai
    decision = plan_first(evening, evening, evening + timedelta(minutes=40), 3, SHANGHAI,
                          POLICY)
    assert decision.at_risk
    assert not plan_first(NOW, NOW, NOW + timedelta(days=3), 3, SHANGHAI, POLICY).at_risk
