"""GET /api/overdue (the managers' list, R23), GET /api/reminders (my reminders) and
POST /api/reminders/{id}/acknowledge.

The list is computed live by the same query the watch uses, so a manager sees what is late
now, not what was late at the last run. Reminders are what the watch stored: each person
sees those addressed to them by name or to their role, and acknowledges them once read
(`?open=true` then lists only those still waiting). Someone else's reminder is a 404, like
an unknown one (see `reminders.acknowledge`).
"""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.overdue import reminders
from callcenter.overdue.schemas import (
    OverdueItem,
    OverdueList,
    Reminder,
    ReminderFilter,
    ReminderList,
)
from callcenter.overdue.watch import find_late
from callcenter.web.api import Api, IdPath
from callcenter.web.requests import database

API = Api("overdue")
routes = API.routes

EVERYONE = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER)


@API.get("/api/overdue", summary="Orders and complaints past or near a deadline (R23 "
         "managers' list)", roles=(Role.SUPERVISOR, Role.MANAGER), response=OverdueList)
async def overdue(request: web.Request) -> OverdueList:
    clock = utcnow()
    async with database(request).transaction() as session:
        late = await find_late(session, clock)
    return OverdueList(at=clock, items=[OverdueItem.model_validate(item) for item in late])


@API.get("/api/reminders", summary="Reminders addressed to me or my role, newest first",
         roles=EVERYONE, query=ReminderFilter, response=ReminderList)
async def my_reminders(request: web.Request, query: ReminderFilter) -> ReminderList:
    async with database(request).transaction() as session:
        rows = await reminders.mine(session, principal_of(request), open_only=query.open,
                                    limit=query.limit)
        return ReminderList(reminders=[Reminder.model_validate(r) for r in rows])


@API.post("/api/reminders/{id}/acknowledge", summary="Acknowledge a reminder addressed to me "
          "or my role", roles=EVERYONE, path_params=IdPath, response=Reminder, status=200,
          errors=(404,), description="Repeating it changes nothing: the first time is kept. "
          "A reminder to a role is acknowledged for the whole role. Someone else's reminder "
          "is not found.")
async def acknowledge_reminder(request: web.Request, path: IdPath) -> Reminder:
    async with database(request).transaction() as session:
        row = await reminders.acknowledge(session, principal_of(request), path.id, utcnow())
        return Reminder.model_validate(row)
