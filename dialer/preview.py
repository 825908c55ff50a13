"""Agent-assisted (preview) jobs: calls a person makes, from a list (R6, R15, R16, R13).

They come from a call-back an agent promised (the agent desk's `promised_callbacks`, R6), a
customer who pressed "call me" in a flow, and a complaint call-back answered "not solved".
A logged-in agent takes one from the list (`take`: theirs for an hour, then back on the
list), dials it with the agent desk's click-to-dial (`POST /api/agent/dial` with the number
and customer the take returns), and reports how it went (`report`): reached closes the job
(and the promised call-back); not reached counts an attempt and puts it back on the list
until the attempts are used up.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.agents import callbacks
from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.errors import Conflict, NotFound
from dialer.config import DialerConfig
from dialer.event_jobs import JobPlan
from dialer.kinds import JobKind, JobMode, JobState, Outcome
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.planning_pass import create_job

TAKE_FOR = timedelta(hours=1)
PROMISED = "promised_callback"


async def open_jobs(session: AsyncSession, now: datetime, limit: int) -> list[DialerJobRow]:
    """Preview jobs an agent may take: open, or taken by someone whose hour is over."""
    query = select(DialerJobRow).where(
        DialerJobRow.mode == JobMode.PREVIEW.value,
        or_(DialerJobRow.state == JobState.PENDING.value,
            (DialerJobRow.state == JobState.DIALLING.value) & (DialerJobRow.lease_until < now)),
    ).order_by(DialerJobRow.due_at, DialerJobRow.id).limit(limit)
    return list((await session.scalars(query)).all())


async def take(session: AsyncSession, who: Principal, job_id: int,
               now: datetime) -> DialerJobRow:
    """Give the job to this agent for an hour (nobody else can take it meanwhile)."""
    taken = await session.execute(update(DialerJobRow).where(
        DialerJobRow.id == job_id, DialerJobRow.mode == JobMode.PREVIEW.value,
        or_(DialerJobRow.state == JobState.PENDING.value,
            (DialerJobRow.state == JobState.DIALLING.value) & (DialerJobRow.lease_until < now)),
    ).values(state=JobState.DIALLING.value, taken_by=who.username, lease_owner=who.username,
             lease_until=now + TAKE_FOR, updated_at=now
             ).execution_options(synchronize_session=False))
    job = await session.get(DialerJobRow, job_id)
    if job is None or job.mode != JobMode.PREVIEW.value:
        raise NotFound("preview job", str(job_id))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"job {job_id} is {job.state}, taken by {job.taken_by}",
                       state=job.state, taken_by=job.taken_by)
    await session.refresh(job)
    record(session, who, "update", "dialer_job", job_id, {"taken": True})
    return job


async def report(session: AsyncSession, who: Principal, job_id: int, reached: bool,
                 note: str, now: datetime) -> DialerJobRow:
    """The agent's call is over: record the attempt and close or requeue the job."""
    job = (await session.scalars(select(DialerJobRow).where(
        DialerJobRow.id == job_id).with_for_update())).first()
    if job is None or job.mode != JobMode.PREVIEW.value:
        raise NotFound("preview job", str(job_id))
    if job.state != JobState.DIALLING.value or job.taken_by != who.username:
        raise Conflict(f"job {job_id} is not yours to report (take it first)",
                       state=job.state, taken_by=job.taken_by)
    job.attempts += 1
    session.add(DialerAttemptRow(
        job_id=job.id, number=job.attempts, channel_id=f"preview-{job.id}-{job.attempts}",
        worker=who.username, agent=who.username, claimed_at=job.updated_at, dialled_at=now,
        ended_at=now, outcome=(Outcome.ANSWERED if reached else Outcome.NO_ANSWER).value,
        answers={}))
    job.lease_owner = job.lease_until = None
    job.updated_at = now
    job.note = "\n".join(filter(None, [job.note, note]))
    if reached or job.attempts >= job.max_attempts:
        job.state = (JobState.DONE if reached else JobState.FAILED).value
        job.result = "reached" if reached else "attempts_used_up"
        job.finished_at = job.written_back_at = now
        await _close_promise(session, job)
    else:
        job.state, job.taken_by = JobState.PENDING.value, None
    record(session, who, "update", "dialer_job", job.id,
           {"reached": reached, "attempts": job.attempts, "state": job.state})
    return job


async def _close_promise(session: AsyncSession, job: DialerJobRow) -> None:
    kind, _, ident = job.subject.partition(":")
    if kind == PROMISED and ident.isdigit():
        await callbacks.close_promise(session, int(ident))


def _imported(promise_id: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """A preview job exists for the promise already."""
    subject = PROMISED + ":" + cast(promise_id, DialerJobRow.subject.type)
    return select(DialerJobRow.id).where(DialerJobRow.subject == subject).exists()


async def import_promises(session: AsyncSession, config: DialerConfig, now: datetime,
                          limit: int = 200) -> int:
    """R6: open promised call-backs of known customers become preview jobs (once each)."""
    made = 0
    for promise in await callbacks.open_promises(session, _imported, limit):
        job = await create_job(session, JobPlan(
            kind=JobKind.AGENT_CALLBACK, customer_id=promise.customer_id,
            subject=f"{PROMISED}:{promise.id}", opens_at=promise.created_at,
            due_at=promise.due_at, payload={"reason": "promised", "agent": promise.agent_id,
                                            "call_id": promise.call_id},
        ), config, now, mode=JobMode.PREVIEW)
        if job is not None:
            job.note = promise.note
            made += 1
    return made


__all__ = ["TAKE_FOR", "import_promises", "open_jobs", "report", "take"]
