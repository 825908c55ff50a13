"""What becomes of a job after an attempt, and where its next attempt goes (pure).

- Answered and the flow ran: the job is done; its result is the flow's (complete, partial,
  refused) or do_not_call when the customer pressed 9.
- Answered but the flow never ran (the FastAGI service was unreachable and the dialplan
  said goodbye): recorded as failed, not as a survey, and retried like any failure.
- Invalid number: failed at once, never retried.
- Anything else: retried while attempts remain ("maximum attempts" counts all of them,
  interrupted ones included), spaced by `planning.retry_slot`; then failed, which stops the
  R14 clock ("survey completed or attempts used up").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dialer.calling_windows import CallingPolicy, Slot, at_risk, first_slot, retry_slot
from dialer.kinds import FlowOutcome, JobState, Outcome


@dataclass(frozen=True, slots=True)
class JobFacts:
    """A job as the decision needs it; `attempts` includes the attempt just ended."""

    attempts: int
    max_attempts: int
    due_at: datetime
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class Decision:
    state: JobState
    result: str | None = None
    slot: Slot | None = None
    at_risk: bool = False


def effective_outcome(outcome: Outcome, flow_ran: bool) -> Outcome:
    """An answered call whose flow never ran is a failure, not a survey."""
    return Outcome.FAILED if outcome is Outcome.ANSWERED and not flow_ran else outcome


def after_attempt(job: JobFacts, outcome: Outcome, flow: FlowOutcome | None,
                  do_not_call: bool, now: datetime, policy: CallingPolicy) -> Decision:
    """The job's next state after an attempt that ended with `outcome` at `now`."""
    if outcome is Outcome.ANSWERED and flow is not None:
        return Decision(JobState.DONE, "do_not_call" if do_not_call else flow.value)
    if outcome is Outcome.INVALID_NUMBER:
        return Decision(JobState.FAILED, "invalid_number")
    remaining = job.max_attempts - job.attempts
    if remaining < 1:
        return Decision(JobState.FAILED, "attempts_used_up")
    slot = retry_slot(now, remaining, job.due_at, job.zone, policy)
    return Decision(JobState.PENDING, None, slot,
                    at_risk(slot.at, remaining, job.due_at, job.zone, policy))


def plan_first(now: datetime, opens_at: datetime, due_at: datetime, max_attempts: int,
               zone: ZoneInfo, policy: CallingPolicy) -> Decision:
    """A new (or rescheduled) job: its first slot and whether its deadline is at risk."""
    slot = first_slot(now, opens_at, zone, policy)
    return Decision(JobState.PENDING, None, slot,
                    at_risk(slot.at, max_attempts, due_at, zone, policy))


__all__ = ["Decision", "JobFacts", "after_attempt", "effective_outcome", "plan_first"]
