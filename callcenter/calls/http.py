"""REST views of the call registry and live calls: /api/calls, /api/sla, /api/calls/live.

Intervals are given as ISO-8601 times (a time without a zone is read in the site's zone) and
default to today in the site zone, which is what a supervisor means by "today's figures".

Supervisors and managers read them; an administrator, who manages accounts, agents and
queues, does not see caller numbers and names (R27, R28). Every call listed, live or in a
breach list is a record view, audited before the answer leaves (R27).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.audit.log import entry, write
from callcenter.auth.roles import Role, principal_of
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.registry import CallRegistry
from callcenter.calls.schemas import (
    CallInterval,
    CallList,
    LiveCallList,
    RegisteredCall,
    ServiceLevelFigures,
    SlaBreach,
    SlaReport,
)
from callcenter.calls.sla import Breach
from callcenter.calls.tracker import CallTracker
from callcenter.clock import utcnow
from callcenter.web.api import Api
from callcenter.web.keys import DATABASE, SETTINGS

API = Api("calls")
routes = API.routes

# The registry and the live-state owner, kept on the app by the pipeline that makes them.
CALL_REGISTRY = web.AppKey("call_registry", CallRegistry)
CALL_TRACKER = web.AppKey("call_tracker", CallTracker)

REPORT_ROLES = (Role.SUPERVISOR, Role.MANAGER)


async def _audit_reads(request: web.Request, via: str, call_ids: list[str]) -> None:
    """One "read call" row per call shown, in one statement (R27)."""
    who = principal_of(request)
    rows = [entry(who, "read", "call", call_id, {"via": via}) for call_id in call_ids]
    if rows:
        async with request.app[DATABASE].autocommit() as conn:
            await write(conn, rows)


@API.get("/api/calls", summary="Registered calls (R4) entered in an interval",
         roles=REPORT_ROLES, query=CallInterval, response=CallList)
async def list_calls(request: web.Request, query: CallInterval) -> CallList:
    since, until = query.bounds(request.app[SETTINGS].zone, utcnow())
    calls = await request.app[CALL_REGISTRY].fetch_calls(since, until, query.queue)
    await _audit_reads(request, "list", [c.call_id for c in calls])
    return CallList(since=since, until=until, calls=[RegisteredCall.of(c) for c in calls])


@API.get("/api/sla", summary="R1 service level (both formulas) and the breaching calls",
         roles=REPORT_ROLES, query=CallInterval, response=SlaReport)
async def service_level(request: web.Request, query: CallInterval) -> SlaReport:
    since, until = query.bounds(request.app[SETTINGS].zone, utcnow())
    registry = request.app[CALL_REGISTRY]
    level = await registry.service_level(since, until, query.queue)
    found = await registry.breaches(since, until, query.queue)
    await _audit_reads(request, "sla", [b.call.call_id for b in found])
    return SlaReport(since=since, until=until, queue=query.queue,
                     service_level=ServiceLevelFigures.model_validate(level),
                     breaches=[SlaBreach.of(b) for b in found])


@API.get("/api/calls/live", summary="Calls live on the PBX now", roles=REPORT_ROLES,
         response=LiveCallList)
async def live_calls(request: web.Request) -> LiveCallList:
    calls = request.app[CALL_TRACKER].live_calls()
    await _audit_reads(request, "live", [c.call_id for c in calls])
    return LiveCallList.of(calls)


def call_json(call: FinishedCall) -> dict[str, Any]:
    """One call as the JSON value /api/calls writes (for tools and tests comparing)."""
    return RegisteredCall.of(call).model_dump(mode="json")


def breach_json(breach: Breach) -> dict[str, Any]:
    """One breach as the JSON value /api/sla writes (for tools and tests comparing)."""
    return SlaBreach.of(breach).model_dump(mode="json")


__all__ = ["API", "CALL_REGISTRY", "CALL_TRACKER", "breach_json", "call_json", "routes"]
