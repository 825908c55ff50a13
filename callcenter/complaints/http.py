"""REST handlers for /api/complaints: the ledger (R20-R23).

Roles (R28): agents register complaints and consultations on the call and can read the
ledger to answer a caller; supervisors and managers handle them (owner, resolution, status,
R20 "handled by the service manager in person or a named delegate"). Technicians are not
given the ledger: complaints are often about their own work. A major complaint is announced
on the hub to the manager role as soon as it is committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.complaints import service
from callcenter.complaints.schemas import (
    Complaint,
    ComplaintIn,
    ComplaintList,
    ComplaintPatch,
    ComplaintSearch,
    ComplaintStatusIn,
)
from callcenter.overdue import reminders
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.api import Api, IdPath
from callcenter.web.keys import HUB, SETTINGS
from callcenter.web.requests import database, number_plan


def _validation_context(request: web.Request) -> Mapping[str, Any]:
    """The contact number in a body is read with the site's number plan."""
    return {"plan": number_plan(request)}


API = Api("complaints", context=_validation_context)
routes = API.routes

READERS = (Role.AGENT, Role.SUPERVISOR, Role.MANAGER)
HANDLERS = (Role.SUPERVISOR, Role.MANAGER)


@API.get("/api/complaints", summary="The complaint ledger, newest first (audited read)",
         roles=READERS, query=ComplaintSearch, response=ComplaintList)
async def list_complaints(request: web.Request, query: ComplaintSearch) -> ComplaintList:
    clock = utcnow()
    async with database(request).transaction() as session:
        rows = await service.search(session, principal_of(request), query.status,
                                    query.number, query.customer_id or None, query.limit)
        return ComplaintList(complaints=[service.reply(r, clock) for r in rows])


@API.post("/api/complaints", summary="Register a complaint (R21 number; major → manager at "
          "once)", roles=READERS, body=ComplaintIn, response=Complaint)
async def create_complaint(request: web.Request, body: ComplaintIn) -> Complaint:
    clock = utcnow()
    async with database(request).transaction() as session:
        row, escalation = await service.register(session, principal_of(request), body,
                                                 request.app[SETTINGS].zone, clock)
        complaint = service.reply(row, clock)
    if escalation is not None:  # committed: the managers may be told
        await reminders.announce(request.app[HUB], [escalation])
    return complaint


@API.get("/api/complaints/{id}", summary="One ledger entry", roles=READERS,
         path_params=IdPath, response=Complaint, errors=(404,))
async def get_complaint(request: web.Request, path: IdPath) -> Complaint:
    async with database(request).transaction() as session:
        row = await service.read(session, principal_of(request), path.id)
        return service.reply(row, utcnow())


@API.patch("/api/complaints/{id}", summary="Owner, resolution, follow-up", roles=HANDLERS,
           path_params=IdPath, body=ComplaintPatch, response=Complaint, errors=(404,))
async def patch_complaint(request: web.Request, path: IdPath, body: ComplaintPatch
                          ) -> Complaint:
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.change(session, principal_of(request), path.id, body, clock)
        return service.reply(row, clock)


@API.post("/api/complaints/{id}/status", summary="Move the complaint (timed, audited; "
          "resolved → R15 outbox)", roles=HANDLERS, path_params=IdPath,
          body=ComplaintStatusIn, response=Complaint, status=200, errors=(404, 409))
async def change_status(request: web.Request, path: IdPath, body: ComplaintStatusIn
                        ) -> Complaint:
    clock = utcnow()
    async with database(request).transaction() as session:
        row = await service.move(session, principal_of(request), path.id, body.status,
                                 body.note, site_calendar(request), clock,
                                 resolution=body.resolution, follow_up=body.follow_up)
        return service.reply(row, clock)
