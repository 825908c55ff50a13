"""REST handlers for /api/orders: register, read, edit and move service orders (R7-R14).

Roles (R28): agents register orders on the call; technicians read theirs, log the first
contact and the handling plan, and move the status on site; supervisors dispatch; managers
may do all of it. Admins run accounts, not customer service, and are refused. A technician
sees only the orders dispatched to them: a colleague's order is a 404, like an unknown one
(`service.visible_to`). Reads and changes are audited (R27): an order is part of the
customer's record.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.orders import service
from callcenter.orders.schemas import (
    Order,
    OrderIn,
    OrderList,
    OrderPatch,
    OrderSearch,
    OrderStatusIn,
)
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.api import Api, IdPath
from callcenter.web.requests import database

API = Api("orders")
routes = API.routes

STAFF = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)
REGISTRARS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
_ONLY_THEIRS = ("A technician reaches only the orders dispatched to them; any other is not "
                "found (R28).")


@API.get("/api/orders", summary="Service orders, newest first (audited read)", roles=STAFF,
         query=OrderSearch, response=OrderList,
         description="A technician gets only the orders dispatched to them (R28).")
async def list_orders(request: web.Request, query: OrderSearch) -> OrderList:
    clock, calendar = utcnow(), site_calendar(request)
    async with database(request).transaction() as session:
        rows = await service.search(session, principal_of(request), query.customer_id or None,
                                    query.status, query.technician, query.limit)
        return OrderList(orders=[service.reply(r, clock, calendar) for r in rows])


@API.post("/api/orders", summary="Register a service order; deadlines R7-R10 are stored",
          roles=REGISTRARS, body=OrderIn, response=Order)
async def create_order(request: web.Request, body: OrderIn) -> Order:
    clock, calendar = utcnow(), site_calendar(request)
    async with database(request).transaction() as session:
        row = await service.register(session, principal_of(request), body, calendar, clock)
        return service.reply(row, clock, calendar)


@API.get("/api/orders/{id}", summary="One order with deadlines and timed transitions",
         roles=STAFF, path_params=IdPath, response=Order, errors=(404,),
         description=_ONLY_THEIRS)
async def get_order(request: web.Request, path: IdPath) -> Order:
    async with database(request).transaction() as session:
        row = await service.read(session, principal_of(request), path.id)
        return service.reply(row, utcnow(), site_calendar(request))


@API.patch("/api/orders/{id}", summary="Technician, description, class, R7/R8 clock stops",
           roles=STAFF, path_params=IdPath, body=OrderPatch, response=Order, errors=(404,),
           description=_ONLY_THEIRS)
async def patch_order(request: web.Request, path: IdPath, body: OrderPatch) -> Order:
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.change(session, principal_of(request), path.id, body, clock)
        return service.reply(row, clock, site_calendar(request))


@API.post("/api/orders/{id}/status", summary="Move the order to another status (timed, "
          "audited; R14 outbox)", roles=STAFF, path_params=IdPath, body=OrderStatusIn,
          response=Order, status=200, errors=(404, 409), description=_ONLY_THEIRS)
async def change_status(request: web.Request, path: IdPath, body: OrderStatusIn) -> Order:
    clock, calendar = utcnow(), site_calendar(request)
    async with database(request).transaction() as session:
        row = await service.move(session, principal_of(request), path.id, body.status,
                                 body.note, body.technician, calendar, clock)
        return service.reply(row, clock, calendar)
