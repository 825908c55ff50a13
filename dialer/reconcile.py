"""Jobs whose worker stopped renewing its lease: interrupted, or adopted from the PBX.

A worker that dies (killed, crashed, host lost) leaves its jobs "dialling" with a lease that
runs out. Once it has, any worker may settle them, one transaction per batch with the rows
locked (`FOR UPDATE SKIP LOCKED`, so two workers never settle the same job):

- if the PBX still has the attempt's channel (the call outlived the worker), the job is
  *adopted*: this worker takes the lease and follows the call to its hang-up, then maps its
  outcome like any other ("reconciled from the PBX");
- if the call is over but its flow saved answers, the customer was reached: the job is
  taken over the same way and settled as answered with those answers (a partial survey),
  so a customer who answered is not called again;
- otherwise the attempt's outcome was lost with the worker: it is recorded as
  `interrupted`, it counts as an attempt, and the job is planned again (or fails when the
  attempts are used up). The next attempt has the next number, never the same slot.

`is_live` is None when no PBX view is available (the claim tests and benchmark): then every
expired attempt is interrupted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from callcenter.customers import queries as customers
from callcenter.storage.database import Database
from dialer.after_attempt import JobFacts, after_attempt
from dialer.claim import Claim, expired
from dialer.config import DialerConfig
from dialer.kinds import JobState, Outcome
from dialer.models import DialerAttemptRow, DialerJobRow

IsLive = Callable[[str], bool]
BATCH = 100


@dataclass
class ExpiryReport:
    interrupted: list[int] = field(default_factory=list)  # job ids
    adopted: list[Claim] = field(default_factory=list)  # still on the PBX: follow them
    answered: list[Claim] = field(default_factory=list)  # over, but the flow saved answers


async def expire_leases(db: Database, config: DialerConfig, worker: str, now: datetime,
                        is_live: IsLive | None = None) -> ExpiryReport:
    """Settle every auto job whose lease ran out before `now` (see the module docstring)."""
    report = ExpiryReport()
    while await _expire_batch(db, config, worker, now, is_live, report) == BATCH:
        pass
    return report


async def _expire_batch(db: Database, config: DialerConfig, worker: str, now: datetime,
                        is_live: IsLive | None, report: ExpiryReport) -> int:
    async with db.transaction() as session:
        batch = await expired(session, now, BATCH)
        for job in batch:
            attempt = (await session.scalars(select(DialerAttemptRow).where(
                DialerAttemptRow.job_id == job.id, DialerAttemptRow.number == job.attempts,
            ))).first()
            open_attempt = attempt if attempt is not None and attempt.outcome is None else None
            live = open_attempt is not None and is_live is not None \
                and is_live(open_attempt.channel_id)
            if attempt is not None and open_attempt is not None and (live or attempt.answers):
                job.lease_owner, job.lease_until = worker, now + config.lease
                claim = Claim(job.id, attempt.number, attempt.channel_id, job.kind,
                              job.customer_id, job.phone, job.due_at, job.max_attempts)
                (report.adopted if live else report.answered).append(claim)
                continue
            if attempt is not None and attempt.outcome is None:
                attempt.outcome, attempt.ended_at = Outcome.INTERRUPTED.value, now
            zone_name = await customers.time_zone(session, job.customer_id)
            apply_decision(job, config, zone_name, Outcome.INTERRUPTED, now)
            report.interrupted.append(job.id)
    return len(batch)


def apply_decision(job: DialerJobRow, config: DialerConfig, zone_name: str | None,
                   outcome: Outcome, now: datetime) -> JobState:
    """Move a job on after an attempt without a flow result (retry, or fail when used up)."""
    facts = JobFacts(job.attempts, job.max_attempts, job.due_at, config.customer_zone(zone_name))
    decision = after_attempt(facts, outcome, None, False, now, config.policy)
    job.state, job.result = decision.state.value, decision.result
    job.lease_owner = job.lease_until = None
    job.updated_at = now
    if decision.slot is not None:
        job.next_attempt_at, job.window_closes_at = decision.slot.at, decision.slot.closes
        job.at_risk = decision.at_risk
    if decision.state.final:
        job.finished_at = now
    return decision.state


__all__ = ["ExpiryReport", "IsLive", "apply_decision", "expire_leases"]
