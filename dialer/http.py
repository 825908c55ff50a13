"""REST for the dialer: supervisors' control and lists, agents' preview jobs (R13-R20, R28).

Roles: supervisors pause and resume the dialer, reschedule and cancel jobs; supervisors
and managers read the job list, the dialer's status and the R19 satisfaction figures;
agents (and supervisors) see the preview list; an agent takes a preview job, dials it
with the agent desk's click-to-dial (`POST /api/agent/dial`) and reports the result.
Changes are announced on the hub channel `dialer` after they commit. A job names a customer
and their number, so every job listed or opened is an audited record view (R27).
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record
from callcenter.auth.roles import Principal, Role, principal_of
from callcenter.clock import utcnow
from callcenter.web.api import Api, IdPath
from callcenter.web.keys import HUB
from callcenter.web.requests import database
from dialer import control, notify, preview
from dialer.context import DIALER
from dialer.satisfaction import figures, month_of
from dialer.schemas import (
    CancelNote,
    DialerJob,
    DialerJobDetail,
    DialerJobList,
    DialerStatus,
    JobFilter,
    Paused,
    Period,
    PreviewQuery,
    PreviewReport,
    Reschedule,
    SatisfactionFigures,
    TakenJob,
)

API = Api("dialer")
routes = API.routes

READERS = (Role.SUPERVISOR, Role.MANAGER)
_JOB = r"/api/dialer/jobs/{id:\d+}"
_PREVIEW = r"/api/dialer/preview/{id:\d+}"


def _audit_reads(session: AsyncSession, who: Principal, via: str, job_ids: list[int]) -> None:
    for job_id in job_ids:
        record(session, who, "read", "dialer_job", job_id, {"via": via})


async def _announce(request: web.Request, job: DialerJob) -> None:
    await notify.publish(request.app[HUB], [job.hub_message()])


@API.get("/api/dialer/status", summary="Paused or not, calls in flight by kind, caps, PBX link",
         roles=READERS, response=DialerStatus)
async def status(request: web.Request) -> DialerStatus:
    # The shared switch, not this instance's last reading of it: another may have changed it.
    paused = await control.is_paused(database(request))
    return request.app[DIALER].status().model_copy(update={"paused": paused})


async def _set_paused(request: web.Request, paused: bool) -> Paused:
    clock = utcnow()
    async with database(request).transaction() as session:
        await control.set_paused(session, principal_of(request), paused, clock)
    request.app[DIALER].paused = paused
    if not paused:
        await request.app[DIALER].fill()
    await notify.publish(request.app[HUB], [{"type": "dialer.control", "paused": paused,
                                             "by": principal_of(request).username}])
    return Paused(paused=paused)


@API.post("/api/dialer/pause", summary="Stop placing new calls (every instance)",
          roles=(Role.SUPERVISOR,), response=Paused, status=200)
async def pause(request: web.Request) -> Paused:
    return await _set_paused(request, True)


@API.post("/api/dialer/resume", summary="Place calls again", roles=(Role.SUPERVISOR,),
          response=Paused, status=200)
async def resume(request: web.Request) -> Paused:
    return await _set_paused(request, False)


@API.get("/api/dialer/jobs", summary="Follow-up jobs by kind and state, soonest deadline "
         "first", roles=READERS, query=JobFilter, response=DialerJobList)
async def list_jobs(request: web.Request, query: JobFilter) -> DialerJobList:
    async with database(request).transaction() as session:
        rows = await control.list_jobs(session, query)
        _audit_reads(session, principal_of(request), "list", [row.id for row in rows])
        return DialerJobList(jobs=[DialerJob.model_validate(row) for row in rows])


@API.get(_JOB, summary="One job with its attempts", roles=READERS, path_params=IdPath,
         response=DialerJobDetail, errors=(404,))
async def get_job(request: web.Request, path: IdPath) -> DialerJobDetail:
    async with database(request).transaction() as session:
        job = await control.load(session, path.id)
        record(session, principal_of(request), "read", "dialer_job", job.id)
        return DialerJobDetail.of(job, await control.attempts_of(session, job.id))


@API.post(_JOB + "/reschedule", summary="Move a pending job's next attempt (to the first "
          "calling window from `at`)", roles=(Role.SUPERVISOR,), path_params=IdPath,
          body=Reschedule, response=DialerJob, status=200, errors=(404, 409))
async def reschedule(request: web.Request, path: IdPath, body: Reschedule) -> DialerJob:
    async with database(request).transaction() as session:
        row = await control.reschedule(session, request.app[DIALER].config,
                                       principal_of(request), path.id, body.at, utcnow())
        job = DialerJob.model_validate(row)
    await _announce(request, job)
    return job


@API.post(_JOB + "/cancel", summary="Cancel a job that is not finished (409 while its call "
          "is in progress)", roles=(Role.SUPERVISOR,), path_params=IdPath, body=CancelNote,
          response=DialerJob, status=200, errors=(404, 409))
async def cancel(request: web.Request, path: IdPath, body: CancelNote) -> DialerJob:
    async with database(request).transaction() as session:
        row = await control.cancel(session, principal_of(request), path.id, body.note,
                                   utcnow())
        job = DialerJob.model_validate(row)
    await _announce(request, job)
    return job


@API.get("/api/dialer/satisfaction", summary="R19 satisfaction: rate, partial, excluded, "
         "per item and technician", description="This month (the site's) unless `since` or "
         "`until` say otherwise.", roles=READERS, query=Period, response=SatisfactionFigures)
async def satisfaction(request: web.Request, query: Period) -> SatisfactionFigures:
    since, until = month_of(utcnow(), request.app[DIALER].config.site_zone)
    async with database(request).sessions() as session:
        return await figures(session, query.since or since, query.until or until)


@API.get("/api/dialer/preview", summary="Preview jobs agents may take (call-backs, 'call "
         "me', not solved)", roles=(Role.AGENT, Role.SUPERVISOR), query=PreviewQuery,
         response=DialerJobList)
async def preview_list(request: web.Request, query: PreviewQuery) -> DialerJobList:
    async with database(request).transaction() as session:
        rows = await preview.open_jobs(session, utcnow(), query.limit)
        _audit_reads(session, principal_of(request), "preview", [row.id for row in rows])
        return DialerJobList(jobs=[DialerJob.model_validate(row) for row in rows])


@API.post(_PREVIEW + "/take", summary="Take a preview job for an hour; returns the "
          "click-to-dial request", roles=(Role.AGENT,), path_params=IdPath,
          response=TakenJob, status=200, errors=(404, 409))
async def preview_take(request: web.Request, path: IdPath) -> TakenJob:
    async with database(request).transaction() as session:
        row = await preview.take(session, principal_of(request), path.id, utcnow())
        job = DialerJob.model_validate(row)
    await _announce(request, job)
    return TakenJob.of(job)


@API.post(_PREVIEW + "/report", summary="Report the call of a taken preview job",
          roles=(Role.AGENT,), path_params=IdPath, body=PreviewReport, response=DialerJob,
          status=200, errors=(404, 409))
async def preview_report(request: web.Request, path: IdPath, body: PreviewReport) -> DialerJob:
    async with database(request).transaction() as session:
        row = await preview.report(session, principal_of(request), path.id, body.reached,
                                   body.note, utcnow())
        job = DialerJob.model_validate(row)
    await _announce(request, job)
    return job


__all__ = ["API", "routes"]
