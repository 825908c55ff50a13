"""Supervisor control of the dialer: pause/resume, the job list, reschedule, cancel.

Pause is a row every instance reads before claiming, so it stops the whole dialer, not one
process; calls already placed go on to their end. Every change is audited (R27).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def attempt_json(row: DialerAttemptRow) -> dict[str, Any]:
    return {"number": row.number, "channel_id": row.channel_id, "worker": row.worker,
            "claimed_at": _iso(row.claimed_at), "dialled_at": _iso(row.dialled_at),
            "answered_at": _iso(row.answered_at), "ended_at": _iso(row.ended_at),
            "outcome": row.outcome, "originate_reason": row.originate_reason,
            "hangup_cause": row.hangup_cause, "flow_outcome": row.flow_outcome,
            "answers": dict(row.answers or {}), "agent": row.agent}


def job_json(row: DialerJobRow, attempts: list[DialerAttemptRow] | None = None
             ) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id, "kind": row.kind, "mode": row.mode, "state": row.state,
        "result": row.result, "customer_id": row.customer_id, "order_id": row.order_id,
        "complaint_id": row.complaint_id, "product_id": row.product_id,
        "contract_id": row.contract_id, "technician": row.technician, "phone": row.phone,
        "opens_at": _iso(row.opens_at), "due_at": _iso(row.due_at),
        "next_attempt_at": _iso(row.next_attempt_at), "attempts": row.attempts,
        "max_attempts": row.max_attempts, "at_risk": row.at_risk, "taken_by": row.taken_by,
        "note": row.note, "created_at": _iso(row.created_at),
        "finished_at": _iso(row.finished_at), "written_back_at": _iso(row.written_back_at),
    }
    if attempts is not None:
        body["attempts_made"] = [attempt_json(a) for a in attempts]
    return body


async def list_jobs(session: AsyncSession, *, kind: str | None, state: str | None,
                    customer_id: int | None, at_risk: bool | None, mode: str | None,
                    limit: int) -> list[DialerJobRow]:
    """Jobs by kind and state, soonest deadline first."""
    query = select(DialerJobRow).order_by(DialerJobRow.due_at, DialerJobRow.id).limit(limit)
    for column, value in ((DialerJobRow.kind, kind), (DialerJobRow.state, state),
                          (DialerJobRow.customer_id, customer_id),
                          (DialerJobRow.at_risk, at_risk), (DialerJobRow.mode, mode)):
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


__all__ = ["attempt_json", "attempts_of", "cancel", "is_paused", "job_json", "list_jobs",
           "load", "reschedule", "set_paused"]
