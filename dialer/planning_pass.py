"""The planning pass: outbox events → jobs, and keeping pending jobs' next slots right.

`plan_once(db, config, now)` is what the scheduler runs every tick (and tests run with a
frozen `now`):
1. intake: take the outbox events this consumer has not taken (topics from the settings) and
   create their jobs, in the same transaction as the `take`, so an event becomes jobs exactly
   once even with the dialer down for a week or two instances racing (the second one's
   insert hits the unique keys and rolls back);
2. skip jobs of customers who are now do-not-call;
3. move on jobs whose calling window closed before they were dialled (paused, at capacity):
   their next slot is recomputed, no attempt is spent;
4. flag jobs whose deadline is now at risk, and report them for the wallboard.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.customers import queries as customers
from callcenter.followups import outbox
from callcenter.followups.outbox import Topic
from callcenter.storage.database import Database
from dialer.after_attempt import plan_first
from dialer.calling_windows import NoCallingWindow, at_risk, next_slot
from dialer.config import DialerConfig
from dialer.event_jobs import JobPlan, plan_event
from dialer.kinds import JobMode, JobState
from dialer.models import DialerJobRow

log = logging.getLogger(__name__)

CONSUMER = "dialer"
BATCH = 200


@dataclass
class PlanReport:
    """What one planning pass did; `at_risk` lists jobs newly flagged (for the hub)."""

    events: int = 0
    created: int = 0
    skipped_do_not_call: int = 0
    replanned: int = 0
    at_risk: list[dict[str, Any]] = field(default_factory=list)


def schedule(job: DialerJobRow, config: DialerConfig, zone_name: str | None,
             now: datetime) -> None:
    """Give a pending job its first (or next, after a reschedule) slot and its risk flag."""
    zone = config.customer_zone(zone_name)
    remaining = max(job.max_attempts - job.attempts, 0)
    try:
        decision = plan_first(now, job.opens_at, job.due_at, max(remaining, 1), zone,
                              config.policy)
    except NoCallingWindow:
        job.next_attempt_at = job.window_closes_at = None
        job.at_risk = True
        return
    assert decision.slot is not None
    job.next_attempt_at, job.window_closes_at = decision.slot.at, decision.slot.closes
    job.at_risk = decision.at_risk or remaining < 1


async def create_job(session: AsyncSession, plan: JobPlan, config: DialerConfig,
                     now: datetime, mode: JobMode = JobMode.AUTO) -> DialerJobRow | None:
    """Insert one job (or refresh the open one for the same subject) and plan it."""
    target = await customers.call_target(session, plan.customer_id)
    if target is None:
        log.warning("follow-up %s for unknown customer %s dropped", plan.kind, plan.customer_id)
        return None
    job = await _open_job(session, plan) if plan.state is JobState.PENDING else None
    if job is None:
        job = DialerJobRow(kind=plan.kind.value, mode=mode.value, customer_id=plan.customer_id,
                           subject=plan.subject, attempts=0,
                           max_attempts=config.dialer.max_attempts, created_at=now, note="")
        session.add(job)
    for key in ("order_id", "complaint_id", "product_id", "contract_id", "technician",
                "source_event_id", "opens_at", "due_at", "payload", "result"):
        setattr(job, key, getattr(plan, key))
    job.state, job.phone, job.updated_at, job.at_risk = plan.state.value, target.phone, now, False
    if plan.state is JobState.PENDING:
        if target.do_not_call:
            job.state, job.result = JobState.SKIPPED.value, "do_not_call"
        elif target.phone is None:
            job.state, job.result = JobState.FAILED.value, "no_number"
        elif mode is JobMode.AUTO:
            schedule(job, config, target.time_zone, now)
    if JobState(job.state).final:
        job.finished_at = now
    await session.flush()
    return job


async def _open_job(session: AsyncSession, plan: JobPlan) -> DialerJobRow | None:
    """A not-yet-dialled job for the same kind and subject: a newer event supersedes it."""
    return (await session.scalars(select(DialerJobRow).where(
        DialerJobRow.kind == plan.kind.value, DialerJobRow.subject == plan.subject,
        DialerJobRow.state == JobState.PENDING.value, DialerJobRow.attempts == 0,
    ).limit(1))).first()


async def intake(db: Database, config: DialerConfig, now: datetime,
                 report: PlanReport) -> None:
    """Turn every outbox event not yet taken into jobs, a batch per transaction."""
    topics = [Topic(t) for t in config.dialer.job_events]
    while True:
        async with db.transaction() as session:
            rows = await outbox.pending_events(session, CONSUMER, topics=topics, limit=BATCH)
            for row in rows:
                plan = plan_event(row, enabled_topics=config.enabled_topics,
                                  sampling_percent=config.dialer.sampling_percent,
                                  zone=config.site_zone)
                for kind, subject in plan.cancel:
                    await session.execute(update(DialerJobRow).where(
                        DialerJobRow.kind == kind.value, DialerJobRow.subject == subject,
                        DialerJobRow.state == JobState.PENDING.value,
                    ).values(state=JobState.CANCELLED.value, result="superseded",
                             finished_at=now, updated_at=now))
                for job_plan in plan.jobs:
                    if await create_job(session, job_plan, config, now) is not None:
                        report.created += 1
            await outbox.take(session, CONSUMER, [row.id for row in rows])
        report.events += len(rows)
        if len(rows) < BATCH:
            return


async def _skip_do_not_call(db: Database, now: datetime, report: PlanReport) -> None:
    blocked = customers.do_not_call_ids()
    async with db.transaction() as session:
        result = await session.execute(update(DialerJobRow).where(
            DialerJobRow.state == JobState.PENDING.value,
            DialerJobRow.customer_id.in_(blocked),
        ).values(state=JobState.SKIPPED.value, result="do_not_call", finished_at=now,
                 updated_at=now).execution_options(synchronize_session=False))
        report.skipped_do_not_call += int(result.rowcount)  # type: ignore[attr-defined]


def _pending_auto(*conditions: ColumnElement[bool]) -> Select[DialerJobRow, str]:
    """Pending jobs the dialer calls by itself, with their customer's time zone."""
    joined = customers.join_customer(select(DialerJobRow, customers.time_zone_column()),
                                     DialerJobRow.customer_id)
    return joined.where(DialerJobRow.state == JobState.PENDING.value,
                        DialerJobRow.mode == JobMode.AUTO.value, *conditions)


async def _replan_stale(db: Database, config: DialerConfig, now: datetime,
                        report: PlanReport) -> None:
    """Pending auto jobs whose window closed undialled, or never planned: plan them again."""
    async with db.transaction() as session:
        rows = (await session.execute(
            _pending_auto((DialerJobRow.window_closes_at <= now)
                          | DialerJobRow.window_closes_at.is_(None))
            .limit(BATCH).with_for_update(of=DialerJobRow, skip_locked=True))).all()
        for job, zone_name in rows:
            was_at_risk = job.at_risk
            schedule(job, config, zone_name, now)
            job.updated_at = now
            report.replanned += 1
            if job.at_risk and not was_at_risk:
                report.at_risk.append(risk_json(job))


async def _flag_overdue(db: Database, config: DialerConfig, now: datetime,
                        report: PlanReport) -> None:
    """Jobs still pending whose next slot leaves no room before the deadline."""
    async with db.transaction() as session:
        rows = (await session.execute(
            _pending_auto(DialerJobRow.at_risk.is_(False),
                          DialerJobRow.next_attempt_at.is_not(None),
                          DialerJobRow.next_attempt_at > now)
            .order_by(DialerJobRow.due_at).limit(BATCH))).all()
        for job, zone_name in rows:
            zone = config.customer_zone(zone_name)
            assert job.next_attempt_at is not None
            slot = next_slot(max(now, job.next_attempt_at), zone, config.policy)
            remaining = job.max_attempts - job.attempts
            if at_risk(slot.at, remaining, job.due_at, zone, config.policy):
                job.at_risk = True
                job.updated_at = now
                report.at_risk.append(risk_json(job))


def risk_json(job: DialerJobRow) -> dict[str, Any]:
    """The wallboard's view of a job whose deadline is at risk."""
    return {"type": "dialer.at_risk", "job_id": job.id, "kind": job.kind,
            "customer_id": job.customer_id, "due_at": job.due_at.isoformat(),
            "attempts": job.attempts, "max_attempts": job.max_attempts}


async def plan_once(db: Database, config: DialerConfig, now: datetime) -> PlanReport:
    """One planning pass (see the module docstring); safe on several instances at once."""
    report = PlanReport()
    await intake(db, config, now, report)
    await _skip_do_not_call(db, now, report)
    await _replan_stale(db, config, now, report)
    await _flag_overdue(db, config, now, report)
    return report


__all__ = ["CONSUMER", "PlanReport", "create_job", "intake", "plan_once", "risk_json",
           "schedule"]
