"""GET /api/lookup?number=…: the caller lookup behind the screen-pop (R5), audited (R27).

The number comes as the PBX or the agent has it ("62345678", "010-6234-5678",
"+86 10 6234 5678", "008610…"); it is normalised with the site's region and area code
before matching. Each customer shown gets an audit row in the lookup's transaction; a
number that matches nobody is audited too, as a lookup, so probing the directory leaves a
trace. Agents, supervisors and managers may look up callers (R28); technicians and admins
are refused.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.customers import fields as f
from callcenter.customers.lookup import audited_lookup
from callcenter.errors import InvalidInput
from callcenter.web.requests import database, number_plan

routes = web.RouteTableDef()


@routes.get("/api/lookup")
@require(Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
async def lookup_caller(request: web.Request) -> web.Response:
    raw = request.query.get("number")
    if not raw:
        raise InvalidInput("number", "is required")
    number = number_plan(request).e164("number", raw)
    who, at = principal_of(request), utcnow()
    body = await database(request).on_autocommit(
        lambda conn: audited_lookup(conn, who, number, at))
    return web.json_response(body)


_N = f.nullable
_CLOCK = {"type": "object", "properties": {
    "due": f.DATE_TIME, "done_at": f.NULLABLE_DATE_TIME, "state": {"type": "string"}}}
_CALL = {"type": "object", "properties": {
    "call_id": {"type": "string"}, "entered_at": f.DATE_TIME, "queue": _N({"type": "string"}),
    "caller_number": _N({"type": "string"}), "answered_by": _N({"type": "string"}),
    "talk_s": _N({"type": "number"}), "exit_reason": {"type": "string"},
    "outcome": _N({"type": "string"})}}
_ITEMS: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
_CANDIDATE = {"type": "object", "properties": {
    "id": {"type": "integer"}, "name": {"type": "string"}, "address": {"type": "string"},
    "zone": {"type": "string"}, "time_zone": {"type": "string"},
    "overseas": {"type": "boolean"}, "vip": {"type": "boolean"},
    "language": {"type": "string"}, "do_not_call": {"type": "boolean"},
    "notes": {"type": "string"},
    "phones": {"type": "array", "items": {"type": "object", "properties": {
        "number": {"type": "string"}, "label": {"type": "string"}}}},
    "products": _ITEMS, "contracts": _ITEMS,
    "open_orders": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "status": {"type": "string"},
        "deadlines": {"type": "object", "additionalProperties": _CLOCK}}}},
    "open_complaints": {"type": "array", "items": {"type": "object", "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "status": {"type": "string"},
        "deadlines": {"type": "object", "additionalProperties": _CLOCK}}}},
    "last_calls": {"type": "array", "maxItems": 5, "items": _CALL},
    "last_surveys": _ITEMS}}

OPENAPI: dict[str, Any] = {
    "paths": {"/api/lookup": {"get": {
        "summary": "Screen-pop: who is calling from this number (R5, audited read R27)",
        "tags": ["customers"],
        "parameters": [{"name": "number", "in": "query", "required": True,
                        "description": "the caller's number in any format",
                        "schema": {"type": "string", "minLength": 3, "maxLength": 40,
                                   "pattern": r"^\+?[0-9][0-9 ()\-]{2,39}$"}}],
        "responses": f.responses(200, "Lookup", 400)}}},
    "schemas": {"Lookup": {"type": "object", "properties": {
        "number": {"type": "string", "description": "the number in E.164"},
        "match": {"type": "string", "enum": ["none", "unique", "ambiguous"]},
        "customers": {"type": "array", "items": _CANDIDATE},
        "number_calls": {"type": "array", "maxItems": 5, "items": _CALL}}}},
}
