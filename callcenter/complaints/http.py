"""REST handlers for /api/complaints: the ledger (R20-R23).

Roles (R28): agents register complaints and consultations on the call and can read the
ledger to answer a caller; supervisors and managers handle them (owner, resolution, status,
R20 "handled by the service manager in person or a named delegate"). Technicians are not
given the ledger: complaints are often about their own work. A major complaint is announced
on the hub to the manager role as soon as it is committed.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.audit.log import record
from callcenter.auth.roles import Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.complaints import service
from callcenter.complaints.schemas import MAX_BATCH, parse_create, parse_patch, parse_status
from callcenter.customers import fields as f
from callcenter.overdue import reminders
from callcenter.rules.classification import CrisisKind, RequestKind
from callcenter.rules.numbering import parse_complaint_number
from callcenter.rules.status import ComplaintStatus
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.inputs import MAX_ID, path_id
from callcenter.web.keys import HUB, SETTINGS
from callcenter.web.middleware import read_json
from callcenter.web.requests import created, database, number_plan, query_int, query_text

routes = web.RouteTableDef()

READERS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
HANDLERS = (Role.SUPERVISOR, Role.MANAGER)


@routes.get("/api/complaints")
@require(*READERS)
async def list_complaints(request: web.Request) -> web.Response:
    status = query_text(request, "status", limit=20)
    if status is not None:
        status = f.choice({"status": status}, "status", ComplaintStatus).value
    raw_number = query_text(request, "number", limit=20)
    number = str(parse_complaint_number(raw_number)) if raw_number else None
    customer_id = query_int(request, "customer_id", 0, low=0, high=MAX_ID) or None
    limit = query_int(request, "limit", 50, low=1, high=200)
    clock = utcnow()
    async with database(request).transaction() as session:
        rows = await service.search(session, status, number, customer_id, limit)
        who = principal_of(request)
        for row in rows:
            record(session, who, "read", "complaint", row.id, {"via": "list"})
        body = [service.complaint_json(r, clock) for r in rows]
    return web.json_response({"complaints": body})


@routes.post("/api/complaints")
@require(*READERS)
async def create_complaint(request: web.Request) -> web.Response:
    values = parse_create(await read_json(request), number_plan(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row, escalation = await service.register(session, principal_of(request), values,
                                                 request.app[SETTINGS].zone, clock)
        body = service.complaint_json(row, clock)
    if escalation is not None:
        await reminders.announce(request.app[HUB], [escalation])
    return created(body)


@routes.get("/api/complaints/{id}")
@require(*READERS)
async def get_complaint(request: web.Request) -> web.Response:
    complaint_id = path_id(request)
    async with database(request).transaction() as session:
        row = await service.load(session, complaint_id)
        record(session, principal_of(request), "read", "complaint", row.id)
        body = service.complaint_json(row, utcnow())
    return web.json_response(body)


@routes.patch("/api/complaints/{id}")
@require(*HANDLERS)
async def patch_complaint(request: web.Request) -> web.Response:
    complaint_id = path_id(request)
    values = parse_patch(await read_json(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.change(session, principal_of(request), complaint_id, values, clock)
        body = service.complaint_json(row, clock)
    return web.json_response(body)


@routes.post("/api/complaints/{id}/status")
@require(*HANDLERS)
async def change_status(request: web.Request) -> web.Response:
    complaint_id = path_id(request)
    target, note, extra = parse_status(await read_json(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.move(session, principal_of(request), complaint_id, target, note,
                                 extra, site_calendar(request), clock)
        body = service.complaint_json(row, clock)
    return web.json_response(body)


# -- OpenAPI -------------------------------------------------------------------------------

_STATUSES = [s.value for s in ComplaintStatus]
_CLOCK = {"type": "object", "properties": {
    "due": f.DATE_TIME, "done_at": f.NULLABLE_DATE_TIME,
    "state": {"type": "string", "enum": ["on_time", "due_soon", "overdue", "met", "missed"]}}}
_NSTR = f.nullable({"type": "string"})
_COMPLAINT_OUT: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "integer"}, "number": {"type": "string", "pattern": "^[0-9]{8,}$"},
    "registered_at": f.DATE_TIME,
    "kind": {"type": "string", "enum": [k.value for k in RequestKind]},
    "severity": {"type": "string", "enum": ["general", "major"]},
    "major_reasons": {"type": "array", "items": {"type": "string"}},
    "crises": {"type": "array", "items": {"type": "string"}},
    "subject": {"type": "string"}, "content": {"type": "string"},
    "complainant": {"type": "string"}, "contact": {"type": "string"},
    "customer_id": f.nullable({"type": "integer"}), "order_id": f.nullable({"type": "integer"}),
    "call_id": _NSTR, "owner": _NSTR, "registered_by": {"type": "string"},
    "status": {"type": "string", "enum": _STATUSES}, "resolution": {"type": "string"},
    "follow_up": {"type": "string"}, "overseas": {"type": "boolean"},
    "escalated_at": f.NULLABLE_DATE_TIME, "resolved_at": f.NULLABLE_DATE_TIME,
    "closed_at": f.NULLABLE_DATE_TIME,
    "deadlines": {"type": "object", "additionalProperties": _CLOCK},
    "transitions": {"type": "array", "items": {"type": "object"}},
    "updated_at": f.DATE_TIME}}
_ID_IN = f.nullable({"type": "integer", "minimum": 1, "maximum": MAX_ID})
_NON_BLANK = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/complaints": {
            "get": {"summary": "The complaint ledger, newest first (audited read)",
                    "tags": ["complaints"], "parameters": [
                        {"name": "status", "in": "query",
                         "schema": {"type": "string", "enum": _STATUSES}},
                        {"name": "number", "in": "query",
                         "schema": {"type": "string", "maxLength": 20}},
                        {"name": "customer_id", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                    "responses": f.responses(200, "ComplaintList", 400)},
            "post": {"summary": "Register a complaint (R21 number; major → manager at once)",
                     "tags": ["complaints"], "requestBody": f.json_body("ComplaintIn"),
                     "responses": f.responses(201, "Complaint", 400)},
        },
        "/api/complaints/{id}": {
            "parameters": [f.id_param()],
            "get": {"summary": "One ledger entry", "tags": ["complaints"],
                    "responses": f.responses(200, "Complaint", 404)},
            "patch": {"summary": "Owner, resolution, follow-up", "tags": ["complaints"],
                      "requestBody": f.json_body("ComplaintPatch"),
                      "responses": f.responses(200, "Complaint", 400, 404)},
        },
        "/api/complaints/{id}/status": {
            "parameters": [f.id_param()],
            "post": {"summary": "Move the complaint (timed, audited; resolved → R15 outbox)",
                     "tags": ["complaints"], "requestBody": f.json_body("ComplaintStatusIn"),
                     "responses": f.responses(200, "Complaint", 400, 404, 409)},
        },
    },
    "schemas": {
        "ComplaintIn": {"type": "object", "additionalProperties": False,
                        "required": ["subject", "complainant"], "properties": {
            "kind": {"type": "string", "enum": [k.value for k in RequestKind]},
            "subject": _NON_BLANK, "content": {"type": "string", "maxLength": 8000},
            "complainant": _NON_BLANK,
            "contact": f.nullable({"type": "string", "maxLength": 40,
                                   "description": "a phone number, any format"}),
            "customer_id": _ID_IN, "order_id": _ID_IN,
            "call_id": f.nullable({"type": "string", "maxLength": 64}),
            "owner": f.nullable({"type": "string", "maxLength": 120}),
            "crises": {"type": "array", "uniqueItems": True, "maxItems": len(CrisisKind),
                       "items": {"type": "string", "enum": [c.value for c in CrisisKind]}},
            "batch": f.nullable({"type": "object", "additionalProperties": False,
                                 "required": ["faulty", "batch_size"], "properties": {
                                     "faulty": {"type": "integer", "minimum": 0,
                                                "maximum": MAX_BATCH},
                                     "batch_size": {"type": "integer", "minimum": 1,
                                                    "maximum": MAX_BATCH}}}),
            "answered_on_call": {"type": "boolean"},
            "overseas": {"type": "boolean"}}},
        "ComplaintPatch": {"type": "object", "additionalProperties": False, "properties": {
            "owner": f.nullable({"type": "string", "maxLength": 120}),
            "resolution": {"type": "string", "maxLength": 8000},
            "follow_up": {"type": "string", "maxLength": 8000}}},
        "ComplaintStatusIn": {"type": "object", "additionalProperties": False,
                              "required": ["status"], "properties": {
            "status": {"type": "string", "enum": _STATUSES},
            "note": {"type": "string", "maxLength": 2000},
            "resolution": f.nullable({"type": "string", "maxLength": 8000}),
            "follow_up": f.nullable({"type": "string", "maxLength": 8000})}},
        "Complaint": _COMPLAINT_OUT,
        "ComplaintList": {"type": "object", "properties": {"complaints": {
            "type": "array", "items": {"$ref": "#/components/schemas/Complaint"}}}},
    },
}
