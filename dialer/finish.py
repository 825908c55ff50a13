"""Settling an attempt: its outcome, the job's next state, and the write-back, in one commit.

Exactly once: the attempt row is locked and settled only while its outcome is empty, the
job only while this worker still holds its lease on that attempt, and the write-back only
while the job's `written_back_at` is empty. A second settle of the same attempt (an event
replayed, a lease taken over and the attempt interrupted meanwhile) finds one of these
already done and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from callcenter.customers import queries as customers
from callcenter.storage.database import Database
from dialer.after_attempt import JobFacts, after_attempt, effective_outcome
from dialer.config import DialerConfig
from dialer.kinds import JobState, Outcome
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.writeback import WriteBack, write_back
from ivr_flows.result import FlowResult

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AttemptEnd:
    """How an attempt ended, as the worker saw it (outcome already mapped by the table)."""

    channel_id: str
    outcome: Outcome
    reason: int | None
    cause: int | None
    answered_at: datetime | None
    ended_at: datetime
    flow: FlowResult | None  # None: the flow never ran for this call


@dataclass(frozen=True, slots=True)
class Settled:
    job_id: int
    kind: str
    customer_id: int
    state: str
    result: str | None
    attempts: int
    outcome: str
    written: WriteBack | None

    def hub_message(self) -> dict[str, Any]:
        return {"type": "dialer.job", "job_id": self.job_id, "kind": self.kind,
                "customer_id": self.customer_id, "state": self.state, "result": self.result,
                "attempts": self.attempts, "last_outcome": self.outcome}


async def finish_attempt(db: Database, config: DialerConfig, worker: str,
                         end: AttemptEnd) -> Settled | None:
    """Settle one attempt (see the module docstring); None when it was settled already."""
    async with db.transaction() as session:
        attempt = (await session.scalars(select(DialerAttemptRow).where(
            DialerAttemptRow.channel_id == end.channel_id).with_for_update())).first()
        if attempt is None or attempt.outcome is not None:
            return None
        job = (await session.scalars(select(DialerJobRow).where(
            DialerJobRow.id == attempt.job_id).with_for_update())).one()
        if (job.state != JobState.DIALLING.value or job.lease_owner != worker
                or job.attempts != attempt.number):
            log.warning("attempt %s: job %s is no longer held by %s; not settled here",
                        end.channel_id, job.id, worker)
            return None
        flow = end.flow
        outcome = effective_outcome(end.outcome, flow_ran=flow is not None)
        attempt.outcome, attempt.originate_reason = outcome.value, end.reason
        attempt.hangup_cause, attempt.ended_at = end.cause, end.ended_at
        attempt.answered_at = end.answered_at
        if flow is not None:
            attempt.flow_outcome = flow.outcome.value
            attempt.answers = {**attempt.answers, **flow.answers}
        zone_name = await customers.time_zone(session, job.customer_id)
        facts = JobFacts(job.attempts, job.max_attempts, job.due_at,
                         config.customer_zone(zone_name))
        decision = after_attempt(facts, outcome, flow.outcome if flow else None,
                                 bool(flow and flow.do_not_call), end.ended_at, config.policy)
        job.state, job.result = decision.state.value, decision.result
        job.lease_owner = job.lease_until = None
        job.updated_at = end.ended_at
        if decision.slot is not None:
            job.next_attempt_at, job.window_closes_at = decision.slot.at, decision.slot.closes
            job.at_risk = decision.at_risk
        written = None
        if decision.state.final:
            job.finished_at = end.ended_at
            if job.written_back_at is None:
                written = await write_back(session, job, attempt, flow, config, end.ended_at)
        return Settled(job.id, job.kind, job.customer_id, job.state, job.result, job.attempts,
                       outcome.value, written)


async def save_answer(db: Database, channel_id: str, name: str, value: int) -> None:
    """Keep one answer on the attempt as soon as it is given (survives a crash mid-call)."""
    async with db.transaction() as session:
        attempt = (await session.scalars(select(DialerAttemptRow).where(
            DialerAttemptRow.channel_id == channel_id))).first()
        if attempt is not None and attempt.outcome is None:
            attempt.answers = {**attempt.answers, name: value}


def stored_flow(questions: tuple[str, ...], answers: dict[str, Any]) -> FlowResult | None:
    """A flow result rebuilt from the answers an attempt saved (after a crash), if any."""
    kept = {k: int(v) for k, v in answers.items() if k != "do_not_call"}
    if not kept and not answers.get("do_not_call"):
        return None
    return FlowResult(questions=questions, answers=kept,
                      do_not_call=bool(answers.get("do_not_call")), hung_up=True)


__all__ = ["AttemptEnd", "Settled", "finish_attempt", "save_answer", "stored_flow"]
