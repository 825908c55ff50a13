"""REST handlers for /api/orders: register, read, edit and move service orders (R7-R14).

Roles (R28): agents register orders on the call; technicians read theirs, log the first
contact and the handling plan, and move the status on site; supervisors dispatch; managers
may do all of it. Admins run accounts, not customer service, and are refused. A technician
sees only the orders dispatched to them: a colleague's order is a 404, like an unknown one
(`service.visible_to`). Reads and changes are audited (R27): an order is part of the
customer's record.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.customers import fields as f
from callcenter.orders import service
from callcenter.orders.schemas import OrderKind, parse_create, parse_patch, parse_status
from callcenter.rules.classification import ServiceClass
from callcenter.rules.status import OrderStatus
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.inputs import MAX_ID, path_id
from callcenter.web.middleware import read_json
from callcenter.web.requests import created, database, query_int, query_text

routes = web.RouteTableDef()

STAFF = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
REGISTRARS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)


@routes.get("/api/orders")
@require(*STAFF)
async def list_orders(request: web.Request) -> web.Response:
    customer_id = query_int(request, "customer_id", 0, low=0, high=MAX_ID) or None
    status = query_text(request, "status", limit=20)
    if status is not None:
        status = f.choice({"status": status}, "status", OrderStatus).value
    technician = query_text(request, "technician", limit=120)
    limit = query_int(request, "limit", 50, low=1, high=200)
    clock, calendar = utcnow(), site_calendar(request)
    async with database(request).transaction() as session:
        rows = await service.search(session, principal_of(request), customer_id, status,
                                    technician, limit)
        body = [service.order_json(r, clock, calendar) for r in rows]
    return web.json_response({"orders": body})


@routes.post("/api/orders")
@require(*REGISTRARS)
async def create_order(request: web.Request) -> web.Response:
    values = parse_create(await read_json(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.register(session, principal_of(request), values,
                                     site_calendar(request), clock)
        body = service.order_json(row, clock, site_calendar(request))
    return created(body)


@routes.get("/api/orders/{id}")
@require(*STAFF)
async def get_order(request: web.Request) -> web.Response:
    order_id = path_id(request)
    async with database(request).transaction() as session:
        row = await service.read(session, principal_of(request), order_id)
        body = service.order_json(row, utcnow(), site_calendar(request))
    return web.json_response(body)


@routes.patch("/api/orders/{id}")
@require(*STAFF)
async def patch_order(request: web.Request) -> web.Response:
    order_id = path_id(request)
    values = parse_patch(await read_json(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.change(session, principal_of(request), order_id, values, clock)
        body = service.order_json(row, clock, site_calendar(request))
    return web.json_response(body)


@routes.post("/api/orders/{id}/status")
@require(*STAFF)
async def change_status(request: web.Request) -> web.Response:
    order_id = path_id(request)
    target, note, technician = parse_status(await read_json(request))
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.move(session, principal_of(request), order_id, target, note,
                                 technician, site_calendar(request), clock)
        body = service.order_json(row, clock, site_calendar(request))
    return web.json_response(body)


# -- OpenAPI -------------------------------------------------------------------------------

_TEXT_120 = f.nullable({"type": "string", "maxLength": 120})
_CLOCK = {"type": "object", "properties": {
    "due": f.DATE_TIME, "done_at": f.NULLABLE_DATE_TIME,
    "state": {"type": "string", "enum": ["on_time", "due_soon", "overdue", "met", "missed",
                                         "stopped"]},
    "uncertain": {"type": "boolean", "description": "counted in working time across a day "
                  "no calendar source knows (a year whose holiday notice is not entered)"}}}
_ORDER_OUT: dict[str, Any] = {"type": "object", "properties": {
    "id": {"type": "integer"}, "customer_id": {"type": "integer"},
    "product_id": f.nullable({"type": "integer"}), "call_id": f.nullable({"type": "string"}),
    "kind": {"type": "string", "enum": [k.value for k in OrderKind]},
    "service_class": {"type": "string", "enum": [c.value for c in ServiceClass]},
    "zone": {"type": "string"}, "status": {"type": "string",
                                           "enum": [s.value for s in OrderStatus]},
    "description": {"type": "string"}, "technician": f.nullable({"type": "string"}),
    "registered_by": {"type": "string"}, "units": f.nullable({"type": "integer"}),
    "registered_at": f.DATE_TIME, "priority_dispatch_at": f.DATE_TIME,
    "deadlines": {"type": "object", "additionalProperties": _CLOCK},
    "transitions": {"type": "array", "items": {"type": "object", "properties": {
        "from": f.nullable({"type": "string"}), "to": {"type": "string"}, "at": f.DATE_TIME,
        "by": {"type": "string"}, "note": {"type": "string"}}}},
    "updated_at": f.DATE_TIME}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/orders": {
            "get": {"summary": "Service orders, newest first (audited read)", "tags": ["orders"],
                    "description": "A technician gets only the orders dispatched to them "
                                   "(R28).",
                    "parameters": [
                        {"name": "customer_id", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
                        {"name": "status", "in": "query",
                         "schema": {"type": "string", "enum": [s.value for s in OrderStatus]}},
                        {"name": "technician", "in": "query",
                         "schema": {"type": "string", "maxLength": 120}},
                        {"name": "limit", "in": "query",
                         "schema": {"type": "integer", "minimum": 1, "maximum": 200}}],
                    "responses": f.responses(200, "OrderList", 400)},
            "post": {"summary": "Register a service order; deadlines R7-R10 are stored",
                     "tags": ["orders"], "requestBody": f.json_body("OrderIn"),
                     "responses": f.responses(201, "Order", 400)},
        },
        "/api/orders/{id}": {
            "parameters": [f.id_param()],
            "description": "A technician reaches only the orders dispatched to them; any "
                           "other is not found (R28).",
            "get": {"summary": "One order with deadlines and timed transitions",
                    "tags": ["orders"], "responses": f.responses(200, "Order", 404)},
            "patch": {"summary": "Technician, description, class, R7/R8 clock stops",
                      "tags": ["orders"], "requestBody": f.json_body("OrderPatch"),
                      "responses": f.responses(200, "Order", 400, 404)},
        },
        "/api/orders/{id}/status": {
            "parameters": [f.id_param()],
            "description": "A technician moves only the orders dispatched to them; any "
                           "other is not found (R28).",
            "post": {"summary": "Move the order to another status (timed, audited; R14 outbox)",
                     "tags": ["orders"], "requestBody": f.json_body("OrderStatusIn"),
                     "responses": f.responses(200, "Order", 400, 404, 409)},
        },
    },
    "schemas": {
        "OrderIn": {"type": "object", "additionalProperties": False,
                    "required": ["customer_id", "kind", "service_class"], "properties": {
                        "customer_id": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                        "product_id": f.nullable({"type": "integer", "minimum": 1,
                                                  "maximum": MAX_ID}),
                        "call_id": f.nullable({"type": "string", "maxLength": 64}),
                        "kind": {"type": "string", "enum": [k.value for k in OrderKind]},
                        "service_class": {"type": "string",
                                          "enum": [c.value for c in ServiceClass]},
                        "description": {"type": "string", "maxLength": 4000},
                        "technician": _TEXT_120,
                        "units": f.nullable({"type": "integer", "minimum": 1,
                                             "maximum": 10_000})}},
        "OrderPatch": {"type": "object", "additionalProperties": False, "properties": {
            "technician": _TEXT_120,
            "description": {"type": "string", "maxLength": 4000},
            "first_contact_at": f.NULLABLE_DATE_TIME,
            "plan_sent_at": f.NULLABLE_DATE_TIME,
            "service_class": {"type": "string", "enum": [c.value for c in ServiceClass]}}},
        "OrderStatusIn": {"type": "object", "additionalProperties": False,
                          "required": ["status"], "properties": {
                              "status": {"type": "string",
                                         "enum": [s.value for s in OrderStatus]},
                              "note": {"type": "string", "maxLength": 2000},
                              "technician": _TEXT_120}},
        "Order": _ORDER_OUT,
        "OrderList": {"type": "object", "properties": {
            "orders": {"type": "array", "items": {"$ref": "#/components/schemas/Order"}}}},
    },
}
