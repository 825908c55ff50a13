"""The site calendar API (R2): what every role may read, what an administrator enters.

GET  /api/calendar/{year}            the year as the service counts it, and its source
PUT  /api/calendar/years/{year}      enter (or re-enter) the year's State Council notice
DELETE /api/calendar/years/{year}    withdraw it
PUT  /api/calendar/days/{date}       a site exception: closed (holiday) or open (workday)
DELETE /api/calendar/days/{date}     drop a site exception

Every change reloads the calendar book at once, so the dialer and new deadlines use it from
the next request on; the change is answered with the year as the reloaded book counts it.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.rules.calendar import WorkingCalendar
from callcenter.sitecalendar import store
from callcenter.sitecalendar.context import CALENDAR_BOOK
from callcenter.sitecalendar.schemas import (
    CalendarException,
    CalendarNotice,
    CalendarYear,
    CalendarYearWarned,
    DayPath,
    YearPath,
)
from callcenter.web.api import Api
from callcenter.web.requests import database

API = Api("calendar")
routes = API.routes

READERS = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
KEEPERS = (Role.ADMIN,)


@API.get("/api/calendar/{year}", summary="A year as the service counts it: holidays, "
         "make-up working days, site exceptions and the source (R2)", roles=READERS,
         path_params=YearPath, response=CalendarYear,
         description="source is site-notice (entered by an administrator), chinese-calendar "
                     "(the library's official data), either with +site when site exceptions "
                     "apply, or none: the year is unknown, no follow-up call is placed on its "
                     "days and deadlines across them are flagged uncertain.")
async def read_year(request: web.Request, path: YearPath) -> CalendarYear:
    return CalendarYear.of(request.app[CALENDAR_BOOK].current(), path.year)


@API.put("/api/calendar/years/{year}", summary="Enter a year's State Council holiday notice "
         "in full", roles=KEEPERS, path_params=YearPath, body=CalendarNotice,
         response=CalendarYear,
         description="Replaces an earlier entry of the same year; the site's own exceptions "
                     "are kept and still win.")
async def enter_notice(request: web.Request, path: YearPath,
                       body: CalendarNotice) -> CalendarYear:
    async with database(request).transaction() as session:
        await store.enter_notice(session, principal_of(request), path.year, body.reference,
                                 [d.named() for d in body.holidays],
                                 [d.named() for d in body.makeup_workdays], utcnow())
    return CalendarYear.of(await _reloaded(request), path.year)


@API.delete("/api/calendar/years/{year}", summary="Withdraw a year's entered notice",
            roles=KEEPERS, path_params=YearPath, response=CalendarYear, errors=(404,))
async def withdraw_notice(request: web.Request, path: YearPath) -> CalendarYear:
    async with database(request).transaction() as session:
        await store.withdraw_notice(session, principal_of(request), path.year)
    return CalendarYear.of(await _reloaded(request), path.year)


@API.put("/api/calendar/days/{date}", summary="A site exception: the site closed (holiday) "
         "or open (workday) that day", roles=KEEPERS, path_params=DayPath,
         body=CalendarException, response=CalendarYearWarned)
async def set_exception(request: web.Request, path: DayPath,
                        body: CalendarException) -> CalendarYearWarned:
    clock = utcnow()
    today = clock.astimezone(request.app[CALENDAR_BOOK].current().zone).date()
    async with database(request).transaction() as session:
        warnings = await store.set_exception(session, principal_of(request), path.date,
                                             body.kind, body.name, clock, today)
    return CalendarYearWarned.of(await _reloaded(request), path.date.year, warnings=warnings)


@API.delete("/api/calendar/days/{date}", summary="Drop a site exception", roles=KEEPERS,
            path_params=DayPath, response=CalendarYear, errors=(404,))
async def remove_exception(request: web.Request, path: DayPath) -> CalendarYear:
    async with database(request).transaction() as session:
        await store.remove_exception(session, principal_of(request), path.date)
    return CalendarYear.of(await _reloaded(request), path.date.year)


async def _reloaded(request: web.Request) -> WorkingCalendar:
    """After a change: the book reads it back at once, and answers from the new copy."""
    book = request.app[CALENDAR_BOOK]
    await book.reload()
    return book.current()
