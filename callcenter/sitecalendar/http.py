"""The site calendar API (R2): what every role may read, what an administrator enters.

GET  /api/calendar/{year}            the year as the service counts it, and its source
PUT  /api/calendar/years/{year}      enter (or re-enter) the year's State Council notice
DELETE /api/calendar/years/{year}    withdraw it
PUT  /api/calendar/days/{date}       a site exception: closed (holiday) or open (workday)
DELETE /api/calendar/days/{date}     drop a site exception

Every change reloads the calendar book at once, so the dialer and new deadlines use it from
the next request on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from callcenter.auth.roles import Role, principal_of, require
from callcenter.clock import utcnow
from callcenter.customers import fields as f
from callcenter.errors import InvalidInput
from callcenter.rules.calendar import DayKind, WorkingCalendar
from callcenter.sitecalendar import store
from callcenter.sitecalendar.context import CALENDAR_BOOK
from callcenter.web.middleware import read_json
from callcenter.web.requests import database

routes = web.RouteTableDef()

READERS = (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _year(request: web.Request) -> int:
    raw = request.match_info["year"]
    if not (raw.isascii() and raw.isdigit() and FIRST_YEAR <= int(raw) <= LAST_YEAR):
        raise InvalidInput("year", f"must be a year from {FIRST_YEAR} to {LAST_YEAR}")
    return int(raw)


def _day(request: web.Request) -> date:
    raw = request.match_info["date"]
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("date", f"{raw!r} is not an ISO date (YYYY-MM-DD)") from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput("date", f"must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


def _named_days(data: dict[str, Any], key: str) -> list[store.NamedDay]:
    items = data.get(key, [])
    if not isinstance(items, list) or len(items) > 366:
        raise InvalidInput(key, "must be a list of at most 366 {date, name} objects")
    days = []
    for index, item in enumerate(items):
        where = f"{key}[{index}]"
        if not isinstance(item, dict):
            raise InvalidInput(where, "must be an object {date, name}")
        f.reject_unknown(item, frozenset({"date", "name"}))
        raw = item.get("date")
        try:
            day = date.fromisoformat(raw if isinstance(raw, str) else "")
        except ValueError:
            raise InvalidInput(f"{where}.date",
                               f"{raw!r} is not an ISO date (YYYY-MM-DD)") from None
        name = item.get("name", "")
        if not isinstance(name, str) or len(name) > 80 or "\x00" in name:
            raise InvalidInput(f"{where}.name", "must be text of at most 80 characters")
        days.append(store.NamedDay(day, name))
    return days


def calendar_json(calendar: WorkingCalendar, year: int) -> dict[str, Any]:
    coverage = calendar.year_coverage(year)
    return {
        "year": year, "covered": coverage.covered, "source": coverage.source,
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in coverage.holidays],
        "makeup_workdays": [{"date": d.isoformat(), "name": n}
                            for d, n in coverage.makeup_workdays],
        "exceptions": [{"date": d.day.isoformat(), "kind": d.kind.value, "name": d.name}
                       for d in sorted(calendar.site.days.values(), key=lambda d: d.day)
                       if d.day.year == year],
    }


@routes.get("/api/calendar/{year}")
@require(*READERS)
async def read_year(request: web.Request) -> web.Response:
    year = _year(request)
    return web.json_response(calendar_json(request.app[CALENDAR_BOOK].current(), year))


@routes.put("/api/calendar/years/{year}")
@require(Role.ADMIN)
async def enter_notice(request: web.Request) -> web.Response:
    year = _year(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"reference", "holidays", "makeup_workdays"}))
    reference = f.text(data, "reference", default="", limit=200)
    holidays, workdays = _named_days(data, "holidays"), _named_days(data, "makeup_workdays")
    async with database(request).transaction() as session:
        await store.enter_notice(session, principal_of(request), year, reference, holidays,
                                 workdays, utcnow())
    return await _reloaded(request, year)


@routes.delete("/api/calendar/years/{year}")
@require(Role.ADMIN)
async def withdraw_notice(request: web.Request) -> web.Response:
    year = _year(request)
    async with database(request).transaction() as session:
        await store.withdraw_notice(session, principal_of(request), year)
    return await _reloaded(request, year)


@routes.put("/api/calendar/days/{date}")
@require(Role.ADMIN)
async def set_exception(request: web.Request) -> web.Response:
    day = _day(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"kind", "name"}))
    kind = f.choice(data, "kind", DayKind)
    name = f.text(data, "name", default="", limit=80)
    clock = utcnow()
    today = clock.astimezone(request.app[CALENDAR_BOOK].current().zone).date()
    async with database(request).transaction() as session:
        warnings = await store.set_exception(session, principal_of(request), day, kind, name,
                                             clock, today)
    return await _reloaded(request, day.year, warnings=warnings)


@routes.delete("/api/calendar/days/{date}")
@require(Role.ADMIN)
async def remove_exception(request: web.Request) -> web.Response:
    day = _day(request)
    async with database(request).transaction() as session:
        await store.remove_exception(session, principal_of(request), day)
    return await _reloaded(request, day.year)


async def _reloaded(request: web.Request, year: int, **extra: Any) -> web.Response:
    """After a change: the book reads it back at once, and the year is answered from it."""
    book = request.app[CALENDAR_BOOK]
    await book.reload()
    return web.json_response({**calendar_json(book.current(), year), **extra})


_DAY = {"type": "object", "required": ["date"], "properties": {
    "date": {"type": "string", "format": "date"}, "name": {"type": "string", "maxLength": 80}}}
_YEAR_PARAM = {"name": "year", "in": "path", "required": True,
               "schema": {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}}
_DATE_PARAM = {"name": "date", "in": "path", "required": True,
               "schema": {"type": "string", "format": "date"}}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/calendar/{year}": {"parameters": [_YEAR_PARAM], "get": {
            "summary": "A year as the service counts it: holidays, make-up working days, "
                       "site exceptions and the source (R2)",
            "description": "source is site-notice (entered by an administrator), "
                           "chinese-calendar (the library's official data), either with "
                           "+site when site exceptions apply, or none: the year is unknown, "
                           "no follow-up call is placed on its days and deadlines across "
                           "them are flagged uncertain.",
            "tags": ["calendar"], "responses": f.responses(200, "CalendarYear", 400)}},
        "/api/calendar/years/{year}": {"parameters": [_YEAR_PARAM], "put": {
            "summary": "Enter a year's State Council holiday notice in full",
            "description": "Replaces an earlier entry of the same year; the site's own "
                           "exceptions are kept and still win.",
            "tags": ["calendar"], "requestBody": f.json_body("CalendarNotice"),
            "responses": f.responses(200, "CalendarYear", 400)}, "delete": {
            "summary": "Withdraw a year's entered notice", "tags": ["calendar"],
            "responses": f.responses(200, "CalendarYear", 400, 404)}},
        "/api/calendar/days/{date}": {"parameters": [_DATE_PARAM], "put": {
            "summary": "A site exception: the site closed (holiday) or open (workday) that day",
            "tags": ["calendar"], "requestBody": f.json_body("CalendarException"),
            "responses": f.responses(200, "CalendarYear", 400)}, "delete": {
            "summary": "Drop a site exception", "tags": ["calendar"],
            "responses": f.responses(200, "CalendarYear", 400, 404)}},
    },
    "schemas": {
        "CalendarYear": {"type": "object", "properties": {
            "year": {"type": "integer"}, "covered": {"type": "boolean"},
            "source": {"type": "string"},
            "holidays": {"type": "array", "items": _DAY},
            "makeup_workdays": {"type": "array", "items": _DAY},
            "exceptions": {"type": "array", "items": {"type": "object"}},
            "warnings": {"type": "array", "items": {"type": "string"}}}},
        "CalendarNotice": {"type": "object", "additionalProperties": False,
                           "required": ["holidays"], "properties": {
            "reference": {"type": "string", "maxLength": 200},
            "holidays": {"type": "array", "items": _DAY, "minItems": 1, "maxItems": 366},
            "makeup_workdays": {"type": "array", "items": _DAY, "maxItems": 366}}},
        "CalendarException": {"type": "object", "additionalProperties": False,
                              "required": ["kind"], "properties": {
            "kind": {"type": "string", "enum": ["holiday", "workday"]},
            "name": {"type": "string", "maxLength": 80}}},
    },
}
