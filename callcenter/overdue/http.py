"""GET /api/overdue (the managers' list, R23), GET /api/reminders (my reminders) and
POST /api/reminders/{id}/acknowledge.

The list is computed live by the same query the watch uses, so a manager sees what is late
now, not what was late at the last run. Reminders are what the watch stored: each person
sees those addressed to them by name or to their role, and acknowledges them once read
(`?open=true` then lists only those still waiting). Someone else's reminder is a 404, like
an unknown one (see `reminders.acknowledge`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of, require
from callcenter.clock import iso, utcnow
from callcenter.customers import fields as f
from callcenter.overdue import reminders
from callcenter.overdue.watch import find_late
from callcenter.web.inputs import path_id
from callcenter.web.requests import database, query_flag, query_int

routes = web.RouteTableDef()


@routes.get("/api/overdue")
@require(Role.SUPERVISOR, Role.MANAGER)
async def overdue(request: web.Request) -> web.Response:
    clock = utcnow()
    async with database(request).transaction() as session:
        late = await find_late(session, clock)
    return web.json_response({"at": iso(clock), "items": [item.as_json() for item in late]})


@routes.get("/api/reminders")
@require(Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
async def my_reminders(request: web.Request) -> web.Response:
    open_only = query_flag(request, "open")
    limit = query_int(request, "limit", 50, low=1, high=200)
    async with database(request).transaction() as session:
        rows = await reminders.mine(session, principal_of(request), open_only=open_only,
                                    limit=limit)
        body = [reminders.reminder_json(r) for r in rows]
    return web.json_response({"reminders": body})


@routes.post("/api/reminders/{id}/acknowledge")
@require(Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
async def acknowledge_reminder(request: web.Request) -> web.Response:
    reminder_id = path_id(request)
    async with database(request).transaction() as session:
        row = await reminders.acknowledge(session, principal_of(request), reminder_id, utcnow())
        body = reminders.reminder_json(row)
    return web.json_response(body)


_LATE = {"type": "object", "properties": {
    "entity": {"type": "string", "enum": ["service_order", "complaint"]},
    "entity_id": {"type": "integer"}, "label": {"type": "string"},
    "deadline": {"type": "string"}, "due": f.DATE_TIME,
    "state": {"type": "string", "enum": ["due_soon", "overdue"]},
    "owner": f.nullable({"type": "string"}), "role": f.nullable({"type": "string"}),
    "customer_id": f.nullable({"type": "integer"})}}
_REMINDER = {"type": "object", "properties": {
    "type": {"type": "string"}, "id": {"type": "integer"}, "entity": {"type": "string"},
    "entity_id": {"type": "integer"}, "deadline": {"type": "string"},
    "state": {"type": "string"}, "due_at": f.NULLABLE_DATE_TIME,
    "owner": f.nullable({"type": "string"}), "role": f.nullable({"type": "string"}),
    "message": {"type": "string"}, "created_at": f.DATE_TIME,
    "acknowledged_at": f.NULLABLE_DATE_TIME}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/overdue": {"get": {
            "summary": "Orders and complaints past or near a deadline (R23 managers' list)",
            "tags": ["overdue"], "responses": f.responses(200, "OverdueList")}},
        "/api/reminders": {"get": {
            "summary": "Reminders addressed to me or my role, newest first", "tags": ["overdue"],
            "parameters": [{"name": "open", "in": "query",
                            "description": "true: only those not acknowledged yet",
                            "schema": {"type": "string", "enum": ["true", "false"]}},
                           {"name": "limit", "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
            "responses": f.responses(200, "ReminderList", 400)}},
        "/api/reminders/{id}/acknowledge": {
            "parameters": [f.id_param()],
            "post": {"summary": "Acknowledge a reminder addressed to me or my role",
                     "description": "Repeating it changes nothing: the first time is kept. "
                                    "A reminder to a role is acknowledged for the whole role. "
                                    "Someone else's reminder is not found.",
                     "tags": ["overdue"],
                     "responses": f.responses(200, "Reminder", 400, 404)}},
    },
    "schemas": {
        "OverdueList": {"type": "object", "properties": {
            "at": f.DATE_TIME, "items": {"type": "array", "items": _LATE}}},
        "Reminder": _REMINDER,
        "ReminderList": {"type": "object", "properties": {
            "reminders": {"type": "array", "items": {"$ref": "#/components/schemas/Reminder"}}}},
    },
}
