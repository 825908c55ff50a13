"""REST for the dialer: supervisors' control and lists, agents' preview jobs (R13-R20, R28).

Roles: supervisors pause and resume the dialer, reschedule and cancel jobs; supervisors
and managers read the job list, the dialer's status and the R19 satisfaction figures;
agents (and supervisors) see the preview list; an agent takes a preview job, dials it
with the agent desk's click-to-dial (`POST /api/agent/dial`) and reports the result.
Changes are announced on the hub channel `dialer` after they commit. A job names a customer
and their number, so every job listed or opened is an audited record view (R27).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record
from callcenter.auth.roles import Principal, Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.customers import fields as f
from callcenter.errors import InvalidInput
from callcenter.web.inputs import MAX_ID, path_id
from callcenter.web.keys import HUB
from callcenter.web.middleware import read_json
from callcenter.web.requests import database, query_int, query_text
from dialer import control, notify, preview
from dialer.context import DIALER
from dialer.kinds import JobKind, JobMode, JobState
from dialer.satisfaction import figures, month_of

routes = web.RouteTableDef()

READERS = (Role.SUPERVISOR, Role.MANAGER)
_JOB_ID = r"/{id:\d+}"


def _audit_reads(session: AsyncSession, who: Principal, via: str, job_ids: list[int]) -> None:
    for job_id in job_ids:
        record(session, who, "read", "dialer_job", job_id, {"via": via})


def _when(request: web.Request, key: str) -> datetime | None:
    raw = query_text(request, key, limit=40)
    return f.instant({key: raw}, key) if raw else None


@routes.get("/api/dialer/status")
@require(*READERS)
async def status(request: web.Request) -> web.Response:
    dialer = request.app[DIALER]
    body = dialer.status()
    body["paused"] = await control.is_paused(database(request))
    return web.json_response(body)


async def _set_paused(request: web.Request, paused: bool) -> web.Response:
    clock = utcnow()
    async with database(request).transaction() as session:
        await control.set_paused(session, principal_of(request), paused, clock)
    request.app[DIALER].paused = paused
    if not paused:
        await request.app[DIALER].fill()
    await notify.publish(request.app[HUB], [{"type": "dialer.control", "paused": paused,
                                             "by": principal_of(request).username}])
    return web.json_response({"paused": paused})


@routes.post("/api/dialer/pause")
@require(Role.SUPERVISOR)
async def pause(request: web.Request) -> web.Response:
    return await _set_paused(request, True)


@routes.post("/api/dialer/resume")
@require(Role.SUPERVISOR)
async def resume(request: web.Request) -> web.Response:
    return await _set_paused(request, False)


@routes.get("/api/dialer/jobs")
@require(*READERS)
async def list_jobs(request: web.Request) -> web.Response:
    kind = query_text(request, "kind", limit=40)
    state = query_text(request, "state", limit=20)
    mode = query_text(request, "mode", limit=10)
    risk = query_text(request, "at_risk", limit=5)
    values = {"kind": kind, "state": state, "mode": mode}
    for key, enum in (("kind", JobKind), ("state", JobState), ("mode", JobMode)):
        if values[key] is not None:
            values[key] = f.choice(values, key, enum).value
    if risk not in (None, "true", "false"):
        raise InvalidInput("at_risk", "must be true or false")
    customer_id = query_int(request, "customer_id", 0, low=0, high=MAX_ID) or None
    limit = query_int(request, "limit", 100, low=1, high=500)
    async with database(request).transaction() as session:
        rows = await control.list_jobs(
            session, kind=values["kind"], state=values["state"], customer_id=customer_id,
            at_risk=None if risk is None else risk == "true", mode=values["mode"], limit=limit)
        _audit_reads(session, principal_of(request), "list", [row.id for row in rows])
        body = [control.job_json(row) for row in rows]
    return web.json_response({"jobs": body})


@routes.get("/api/dialer/jobs" + _JOB_ID)
@require(*READERS)
async def get_job(request: web.Request) -> web.Response:
    job_id = path_id(request)
    async with database(request).transaction() as session:
        job = await control.load(session, job_id)
        record(session, principal_of(request), "read", "dialer_job", job.id)
        body = control.job_json(job, await control.attempts_of(session, job_id))
    return web.json_response(body)


@routes.post("/api/dialer/jobs" + _JOB_ID + "/reschedule")
@require(Role.SUPERVISOR)
async def reschedule(request: web.Request) -> web.Response:
    job_id = path_id(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"at"}))
    at = f.instant(data, "at")
    if at is None:
        raise InvalidInput("at", "is required (an ISO 8601 instant with its offset)")
    async with database(request).transaction() as session:
        job = await control.reschedule(session, request.app[DIALER].config,
                                       principal_of(request), job_id, at, utcnow())
        body = control.job_json(job)
    await notify.publish(request.app[HUB], [{"type": "dialer.job", **body}])
    return web.json_response(body)


@routes.post("/api/dialer/jobs" + _JOB_ID + "/cancel")
@require(Role.SUPERVISOR)
async def cancel(request: web.Request) -> web.Response:
    job_id = path_id(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"note"}))
    note = f.text(data, "note", default="", limit=2000)
    async with database(request).transaction() as session:
        job = await control.cancel(session, principal_of(request), job_id, note, utcnow())
        body = control.job_json(job)
    await notify.publish(request.app[HUB], [{"type": "dialer.job", **body}])
    return web.json_response(body)


@routes.get("/api/dialer/satisfaction")
@require(*READERS)
async def satisfaction(request: web.Request) -> web.Response:
    """R19: this month by default, or [since, until)."""
    zone = request.app[DIALER].config.site_zone
    since, until = month_of(utcnow(), zone)
    since = _when(request, "since") or since
    until = _when(request, "until") or until
    async with database(request).sessions() as session:
        body = await figures(session, since, until)
    return web.json_response(body)


@routes.get("/api/dialer/preview")
@require(Role.AGENT, Role.SUPERVISOR)
async def preview_list(request: web.Request) -> web.Response:
    limit = query_int(request, "limit", 50, low=1, high=200)
    async with database(request).transaction() as session:
        rows = await preview.open_jobs(session, utcnow(), limit)
        _audit_reads(session, principal_of(request), "preview", [row.id for row in rows])
        body = [control.job_json(row) for row in rows]
    return web.json_response({"jobs": body})


@routes.post("/api/dialer/preview" + _JOB_ID + "/take")
@require(Role.AGENT)
async def preview_take(request: web.Request) -> web.Response:
    job_id = path_id(request)
    async with database(request).transaction() as session:
        job = await preview.take(session, principal_of(request), job_id, utcnow())
        body = control.job_json(job)
    body["dial"] = {"path": "/api/agent/dial",
                    "body": {"number": body["phone"], "customer_id": body["customer_id"]}}
    await notify.publish(request.app[HUB], [{"type": "dialer.job", **control.job_json(job)}])
    return web.json_response(body)


@routes.post("/api/dialer/preview" + _JOB_ID + "/report")
@require(Role.AGENT)
async def preview_report(request: web.Request) -> web.Response:
    job_id = path_id(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"reached", "note"}))
    if not isinstance(data.get("reached"), bool):
        raise InvalidInput("reached", "is required: true or false")
    note = f.text(data, "note", default="", limit=2000)
    async with database(request).transaction() as session:
        job = await preview.report(session, principal_of(request), job_id, data["reached"],
                                   note, utcnow())
        body = control.job_json(job)
    await notify.publish(request.app[HUB], [{"type": "dialer.job", **body}])
    return web.json_response(body)


# -- OpenAPI -------------------------------------------------------------------------------

_INT = {"type": "integer"}
_NINT = f.nullable(_INT)
_NSTR = f.nullable({"type": "string"})
_ATTEMPT: dict[str, Any] = {"type": "object", "properties": {
    "number": _INT, "channel_id": {"type": "string"}, "worker": {"type": "string"},
    "claimed_at": f.DATE_TIME, "dialled_at": f.NULLABLE_DATE_TIME,
    "answered_at": f.NULLABLE_DATE_TIME, "ended_at": f.NULLABLE_DATE_TIME,
    "outcome": f.nullable({"type": "string", "enum": [
        "answered", "no_answer", "busy", "congestion", "invalid_number", "failed",
        "machine", "interrupted"]}),
    "originate_reason": _NINT, "hangup_cause": _NINT, "flow_outcome": _NSTR,
    "answers": {"type": "object", "additionalProperties": _INT}, "agent": _NSTR}}
_JOB: dict[str, Any] = {"type": "object", "properties": {
    "id": _INT, "kind": {"type": "string", "enum": [k.value for k in JobKind]},
    "mode": {"type": "string", "enum": [m.value for m in JobMode]},
    "state": {"type": "string", "enum": [s.value for s in JobState]}, "result": _NSTR,
    "customer_id": _INT, "order_id": _NINT, "complaint_id": _NINT, "product_id": _NINT,
    "contract_id": _NINT, "technician": _NSTR, "phone": _NSTR, "opens_at": f.DATE_TIME,
    "due_at": f.DATE_TIME, "next_attempt_at": f.NULLABLE_DATE_TIME, "attempts": _INT,
    "max_attempts": _INT, "at_risk": {"type": "boolean"}, "taken_by": _NSTR,
    "note": {"type": "string"}, "created_at": f.DATE_TIME,
    "finished_at": f.NULLABLE_DATE_TIME, "written_back_at": f.NULLABLE_DATE_TIME,
    "attempts_made": {"type": "array", "items": _ATTEMPT},
    "dial": {"type": "object", "description": "take only: the click-to-dial request"}}}
_RATE = {"type": "object", "properties": {
    "rate": f.nullable({"type": "number"}), "satisfied": _INT, "completed": _INT,
    "partial": _INT, "excluded": _INT, "meets_target": f.nullable({"type": "boolean"}),
    "per_item": {"type": "object"}}}


def _q(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


def _post(summary: str, body: str | None, ok: str, *errors: int) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "tags": ["dialer"],
                          "responses": f.responses(200, ok, *errors)}
    if body is not None:
        op["requestBody"] = f.json_body(body)
    return {"post": op}


_WITH_ID = {"parameters": [f.id_param()]}
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/dialer/status": {"get": {
            "summary": "Paused or not, calls in flight by kind, caps, PBX link",
            "tags": ["dialer"], "responses": f.responses(200, "DialerStatus")}},
        "/api/dialer/pause": _post("Stop placing new calls (every instance)", None,
                                   "DialerPaused"),
        "/api/dialer/resume": _post("Place calls again", None, "DialerPaused"),
        "/api/dialer/jobs": {"get": {
            "summary": "Follow-up jobs by kind and state, soonest deadline first",
            "tags": ["dialer"], "parameters": [
                _q("kind", {"type": "string", "enum": [k.value for k in JobKind]}),
                _q("state", {"type": "string", "enum": [s.value for s in JobState]}),
                _q("mode", {"type": "string", "enum": [m.value for m in JobMode]}),
                _q("at_risk", {"type": "string", "enum": ["true", "false"]}),
                _q("customer_id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}),
                _q("limit", {"type": "integer", "minimum": 1, "maximum": 500})],
            "responses": f.responses(200, "DialerJobList", 400)}},
        "/api/dialer/jobs/{id}": {**_WITH_ID, "get": {
            "summary": "One job with its attempts", "tags": ["dialer"],
            "responses": f.responses(200, "DialerJob", 404)}},
        "/api/dialer/jobs/{id}/reschedule": {**_WITH_ID, **_post(
            "Move a pending job's next attempt (to the first calling window from `at`)",
            "DialerReschedule", "DialerJob", 404, 409)},
        "/api/dialer/jobs/{id}/cancel": {**_WITH_ID, **_post(
            "Cancel a job that is not finished (409 while its call is in progress)",
            "DialerNote", "DialerJob", 404, 409)},
        "/api/dialer/satisfaction": {"get": {
            "summary": "R19 satisfaction: rate, partial, excluded, per item and technician",
            "tags": ["dialer"], "parameters": [
                _q("since", f.DATE_TIME), _q("until", f.DATE_TIME)],
            "responses": f.responses(200, "DialerSatisfaction", 400)}},
        "/api/dialer/preview": {"get": {
            "summary": "Preview jobs agents may take (call-backs, 'call me', not solved)",
            "tags": ["dialer"], "parameters": [
                _q("limit", {"type": "integer", "minimum": 1, "maximum": 200})],
            "responses": f.responses(200, "DialerJobList", 400)}},
        "/api/dialer/preview/{id}/take": {**_WITH_ID, **_post(
            "Take a preview job for an hour; returns the click-to-dial request", None,
            "DialerJob", 404, 409)},
        "/api/dialer/preview/{id}/report": {**_WITH_ID, **_post(
            "Report the call of a taken preview job", "DialerReport", "DialerJob", 404, 409)},
    },
    "schemas": {
        "DialerJob": _JOB,
        "DialerJobList": {"type": "object", "properties": {
            "jobs": {"type": "array", "items": _JOB}}},
        "DialerStatus": {"type": "object", "properties": {
            "worker": {"type": "string"}, "paused": {"type": "boolean"},
            "pbx_connected": {"type": "boolean"}, "in_flight": _INT,
            "in_flight_by_kind": {"type": "object"}, "caps": {"type": "object"}}},
        "DialerPaused": {"type": "object", "properties": {"paused": {"type": "boolean"}}},
        "DialerReschedule": {"type": "object", "required": ["at"], "properties": {
            "at": f.DATE_TIME}, "additionalProperties": False},
        "DialerNote": {"type": "object", "properties": {
            "note": {"type": "string", "maxLength": 2000}}, "additionalProperties": False},
        "DialerReport": {"type": "object", "required": ["reached"], "properties": {
            "reached": {"type": "boolean"}, "note": {"type": "string", "maxLength": 2000}},
            "additionalProperties": False},
        "DialerSatisfaction": {"type": "object", "properties": {
            "since": f.DATE_TIME, "until": f.DATE_TIME, "overall": _RATE,
            "technicians": {"type": "object", "additionalProperties": _RATE}}},
    },
}

__all__ = ["OPENAPI", "routes"]
