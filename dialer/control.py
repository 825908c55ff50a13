"""Supervisor control of the dialer: pause/resume, the job list, reschedule, cancel.

Pause is a row every instance reads before claiming, so it stops the whole dialer, not one
process; calls already placed go on to their end. Every change is audited (R27).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.customers import queries as customers
from callcenter.errors import Conflict, NotFound
from callcenter.storage.database import Database
from dialer.calling_windows import NoCallingWindow, first_slot
from dialer.config import DialerConfig
from dialer.kinds import JobMode, JobState
from dialer.models import DialerAttemptRow, DialerControlRow, DialerJobRow
from dialer.schemas import JobFilter

CONTROL_ID = 1


async def is_paused(db: Database) -> bool:
    async with db.sessions() as session:
        return bool(await session.scalar(select(DialerControlRow.paused).where(
            DialerControlRow.id == CONTROL_ID)))


async def set_paused(session: AsyncSession, who: Principal, paused: bool,
                     now: datetime) -> None:
    row = await session.get(DialerControlRow, CONTROL_ID, with_for_update=True)
    if row is None:
        row = DialerControlRow(id=CONTROL_ID)
        session.add(row)
    row.paused, row.changed_by, row.changed_at = paused, who.username, now
    record(session, who, "update", "dialer", CONTROL_ID, {"paused": paused})


async def list_jobs(session: AsyncSession, filters: JobFilter) -> list[DialerJobRow]:
    """Jobs by kind and state, soonest deadline first."""
    query = (select(DialerJobRow).order_by(DialerJobRow.due_at, DialerJobRow.id)
             .limit(filters.limit))
    for column, value in ((DialerJobRow.kind, filters.kind),
                          (DialerJobRow.state, filters.state),
                          (DialerJobRow.customer_id, filters.customer_id or None),
                          (DialerJobRow.at_risk, filters.at_risk),
                          (DialerJobRow.mode, filters.mode)):
        if value is not None:
            query = query.where(column == value)
    return list((await session.scalars(query)).all())


async def attempts_of(session: AsyncSession, job_id: int) -> list[DialerAttemptRow]:
    return list((await session.scalars(select(DialerAttemptRow).where(
        DialerAttemptRow.job_id == job_id).order_by(DialerAttemptRow.number))).all())


async def load(session: AsyncSession, job_id: int, *, lock: bool = False) -> DialerJobRow:
    query = select(DialerJobRow).where(DialerJobRow.id == job_id)
    row = (await session.scalars(query.with_for_update() if lock else query)).first()
    if row is None:
        raise NotFound("dialer job", str(job_id))
    return row


async def reschedule(session: AsyncSession, config: DialerConfig, who: Principal,
                     job_id: int, at: datetime, now: datetime) -> DialerJobRow:
    """Move a pending job's next attempt to the first calling window from `at`."""
    job = await load(session, job_id, lock=True)
    if job.state != JobState.PENDING.value:
        raise Conflict(f"job {job_id} is {job.state}; only pending jobs are rescheduled",
                       state=job.state)
    if job.mode == JobMode.AUTO.value:
        zone = await customers.time_zone(session, job.customer_id)
        try:
            slot = first_slot(now, at, config.customer_zone(zone), config.policy)
        except NoCallingWindow as exc:
            raise Conflict(f"{exc}: public holidays, and days no calendar source knows (a "
                           "year whose holiday notice is not entered), are never called"
                           ) from None
        job.next_attempt_at, job.window_closes_at = slot.at, slot.closes
    else:
        job.opens_at = at
    job.updated_at = now
    record(session, who, "update", "dialer_job", job.id, {"rescheduled_to": at.isoformat()})
    return job


async def cancel(session: AsyncSession, who: Principal, job_id: int, note: str,
                 now: datetime) -> DialerJobRow:
    """Cancel a job not yet finished; a call in progress is left to end first (409)."""
    job = await load(session, job_id, lock=True)
    if job.state == JobState.DIALLING.value and job.mode == JobMode.AUTO.value:
        raise Conflict(f"job {job_id} has a call in progress", state=job.state)
    if JobState(job.state).final:
        raise Conflict(f"job {job_id} is already {job.state}", state=job.state)
    job.state, job.result, job.finished_at, job.updated_at = "cancelled", "cancelled", now, now
    job.note = note or job.note
    record(session, who, "update", "dialer_job", job.id, {"state": "cancelled"})
    return job


__all__ = ["attempts_of", "cancel", "is_paused", "list_jobs", "load", "reschedule",
           "set_paused"]
