"""GET /api/overdue (the managers' list, R23) and GET /api/reminders (my reminders).

The list is computed live by the same query the watch uses, so a manager sees what is late
now, not what was late at the last run. Reminders are what the watch stored: each person
sees those addressed to them by name or to their role.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import or_, select

from callcenter.auth.roles import Role, principal_of, require
from callcenter.customers import fields as f
from callcenter.customers.httputil import database, now, query_int
from callcenter.overdue.models import ReminderRow
from callcenter.overdue.reminders import reminder_json
from callcenter.overdue.watch import find_late

routes = web.RouteTableDef()


@routes.get("/api/overdue")
@require(Role.SUPERVISOR, Role.MANAGER)
async def overdue(request: web.Request) -> web.Response:
    clock = now()
    async with database(request).transaction() as session:
        late = await find_late(session, clock)
    return web.json_response({"at": f.iso(clock), "items": [item.as_json() for item in late]})


@routes.get("/api/reminders")
@require(Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
async def my_reminders(request: web.Request) -> web.Response:
    who = principal_of(request)
    limit = query_int(request, "limit", 50, low=1, high=200)
    query = select(ReminderRow).where(or_(
        ReminderRow.owner == who.username, ReminderRow.role == who.role.value,
    )).order_by(ReminderRow.id.desc()).limit(limit)
    async with database(request).transaction() as session:
        rows = (await session.scalars(query)).all()
        body = [reminder_json(r) for r in rows]
    return web.json_response({"reminders": body})


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
            "summary": "Reminders addressed to me or my role", "tags": ["overdue"],
            "parameters": [{"name": "limit", "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
            "responses": f.responses(200, "ReminderList", 400)}},
    },
    "schemas": {
        "OverdueList": {"type": "object", "properties": {
            "at": f.DATE_TIME, "items": {"type": "array", "items": _LATE}}},
        "ReminderList": {"type": "object", "properties": {
            "reminders": {"type": "array", "items": _REMINDER}}},
    },
}
