"""REST views of the call registry and live calls: /api/calls, /api/sla, /api/calls/live.

Intervals are given as ISO-8601 times (a time without a zone is read in the site's zone) and
default to today in the site zone, which is what a supervisor means by "today's figures".

Supervisors and managers read them; an administrator, who manages accounts, agents and
queues, does not see caller numbers and names (R27, R28). Every call listed, live or in a
breach list is a record view, audited before the answer leaves (R27).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time, timedelta
from typing import Any

from aiohttp import web

from callcenter.audit.log import entry, write
from callcenter.auth.roles import Role, principal_of, require
from callcenter.calls.call_records import AgentLeg, FinishedCall
from callcenter.calls.registry import CallRegistry
from callcenter.calls.sla import Breach, Figure, RingRule, ServiceLevel
from callcenter.calls.tracker import CallTracker
from callcenter.errors import InvalidInput
from callcenter.web.keys import DATABASE, SETTINGS
from callcenter.web.openapi import error, json_response, ref

routes = web.RouteTableDef()

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


def _interval(request: web.Request) -> tuple[datetime, datetime, str | None]:
    zone = request.app[SETTINGS].zone
    today = datetime.combine(datetime.now(zone).date(), time(0), zone)

    def parse(key: str, default: datetime) -> datetime:
        raw = request.query.get(key)
        if raw is None:
            return default
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(key, f"{raw!r} is not an ISO-8601 time") from None
        return value if value.tzinfo else value.replace(tzinfo=zone)

    since = parse("since", today)
    until = parse("until", since + timedelta(days=1))
    if until <= since:
        raise InvalidInput("until", "must be after since")
    return since, until, request.query.get("queue") or None


def _leg_json(leg: AgentLeg) -> dict[str, Any]:
    data = asdict(leg)
    data["rang_at"] = leg.rang_at.isoformat()
    data["ended_at"] = leg.ended_at.isoformat()
    return data


def _rule_json(rule: RingRule | None) -> dict[str, Any] | None:
    return None if rule is None else {"max_rings": rule.max_rings,
                                      "ring_cycle_s": rule.ring_cycle_s}


def call_json(call: FinishedCall) -> dict[str, Any]:
    """A stored call, with the R1 rule it was judged by (`rule`), which its rings and
    `within_rule` are counted against."""
    data = {k: v for k, v in asdict(call).items() if k not in ("visits", "legs", "rule")}
    data["rule"] = _rule_json(call.rule)
    for key in ("entered_at", "queued_at", "answered_at", "ended_at"):
        value = getattr(call, key)
        data[key] = value.isoformat() if value else None
    data["visits"] = [
        {**asdict(v), "joined_at": v.joined_at.isoformat(), "left_at": v.left_at.isoformat()}
        for v in call.visits
    ]
    data["legs"] = [_leg_json(leg) for leg in call.legs]
    data["precision"] = dict(call.precision)
    return data


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"name": figure.name, "formula": figure.formula, "numerator": figure.numerator,
            "denominator": figure.denominator, "value": figure.value}


def service_level_json(level: ServiceLevel) -> dict[str, Any]:
    counts = {k: getattr(level, k) for k in ("listed", "interrupted", "adopted", "offered",
                                             "answered", "answered_within", "abandoned",
                                             "short_abandons")}
    return {**counts, "standard": _figure_json(level.standard),
            "excluding_short_abandons": _figure_json(level.excluding_short_abandons)}


def breach_json(breach: Breach) -> dict[str, Any]:
    return {"call_id": breach.call.call_id, "rings": breach.rings,
            "wait_s": breach.call.wait_s, "queue": breach.call.queue,
            "caller": breach.call.caller_num_e164 or breach.call.caller_num_raw,
            "answered_by_agent": breach.call.answered_by_agent,
            "exit_reason": str(breach.call.exit_reason),
            "rule": _rule_json(breach.call.rule),
            "let_ring": [{"agent_id": leg.agent_id, "interface": leg.interface,
                          "rings": leg.rings, "ended_by": str(leg.ended_by)}
                         for leg in breach.let_ring]}


@routes.get("/api/calls")
@require(*REPORT_ROLES)
async def list_calls(request: web.Request) -> web.Response:
    since, until, queue = _interval(request)
    calls = await request.app[CALL_REGISTRY].fetch_calls(since, until, queue)
    await _audit_reads(request, "list", [c.call_id for c in calls])
    return web.json_response({"since": since.isoformat(), "until": until.isoformat(),
                              "calls": [call_json(c) for c in calls]})


@routes.get("/api/sla")
@require(*REPORT_ROLES)
async def service_level(request: web.Request) -> web.Response:
    since, until, queue = _interval(request)
    registry = request.app[CALL_REGISTRY]
    level = await registry.service_level(since, until, queue)
    found = await registry.breaches(since, until, queue)
    await _audit_reads(request, "sla", [b.call.call_id for b in found])
    return web.json_response({"since": since.isoformat(), "until": until.isoformat(),
                              "queue": queue, "service_level": service_level_json(level),
                              "breaches": [breach_json(b) for b in found]})


@routes.get("/api/calls/live")
@require(*REPORT_ROLES)
async def live_calls(request: web.Request) -> web.Response:
    calls = request.app[CALL_TRACKER].live_calls()
    await _audit_reads(request, "live", [c.call_id for c in calls])
    return web.json_response({"calls": [asdict(c) for c in calls]})


_INTERVAL_PARAMS: list[dict[str, Any]] = [
    {"name": "since", "in": "query", "required": False,
     "schema": {"type": "string", "format": "date-time"},
     "description": "ISO-8601 start (site zone when no offset); default: today 00:00"},
    {"name": "until", "in": "query", "required": False,
     "schema": {"type": "string", "format": "date-time"},
     "description": "ISO-8601 end, exclusive; default: since + 1 day"},
    {"name": "queue", "in": "query", "required": False,
     "schema": {"type": "string", "maxLength": 80}, "description": "first queue of the call"},
]
_OBJECT_LIST: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
_RULE: dict[str, Any] = {
    "description": "the R1 rule the call was judged by when it ended, stored with it: its "
                   "rings and verdict are counted against it, whatever the queue's rule is "
                   "now (null for an outbound call, which no rule judges)",
    "anyOf": [ref("CallRule"), {"type": "null"}]}
_CALL_LIST: dict[str, Any] = {"type": "array", "items": {
    "type": "object", "required": ["call_id", "rule"],
    "properties": {"call_id": {"type": "string"}, "caller_rings": {"type": ["integer", "null"]},
                   "within_rule": {"type": ["boolean", "null"]}, "rule": _RULE}}}
_BREACH_LIST: dict[str, Any] = {"type": "array", "items": {
    "type": "object", "required": ["call_id", "rings", "rule"],
    "properties": {"call_id": {"type": "string"}, "rings": {"type": "integer"},
                   "rule": _RULE}}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/calls": {"get": {
            "summary": "Registered calls (R4) entered in an interval", "tags": ["calls"],
            "parameters": _INTERVAL_PARAMS,
            "responses": {"200": json_response("Calls with visits and agent legs", {
                "type": "object", "required": ["calls"],
                "properties": {"since": {"type": "string"}, "until": {"type": "string"},
                               "calls": _CALL_LIST}}),
                "400": error("InvalidInput")}}},
        "/api/sla": {"get": {
            "summary": "R1 service level (both formulas) and the breaching calls",
            "tags": ["calls"], "parameters": _INTERVAL_PARAMS,
            "responses": {"200": json_response("Service level", {
                "type": "object", "required": ["service_level", "breaches"],
                "properties": {"service_level": {"type": "object"},
                               "breaches": _BREACH_LIST}}),
                "400": error("InvalidInput")}}},
        "/api/calls/live": {"get": {
            "summary": "Calls live on the PBX now", "tags": ["calls"],
            "responses": {"200": json_response("Live calls", {
                "type": "object", "required": ["calls"],
                "properties": {"calls": _OBJECT_LIST}})}}},
    },
    "schemas": {"CallRule": {
        "type": "object", "required": ["max_rings", "ring_cycle_s"],
        "description": "R1: answered before ring `max_rings` ends, a ring lasting "
                       "`ring_cycle_s` seconds",
        "properties": {"max_rings": {"type": "integer", "minimum": 1},
                       "ring_cycle_s": {"type": "number", "exclusiveMinimum": 0}}}},
}
