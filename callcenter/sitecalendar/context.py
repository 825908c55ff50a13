"""The calendar book's place in the app: its typed key, its `cleanup_ctx` entry and the
request helper handlers use to read the site's working calendar."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from callcenter.rules.calendar import WorkingCalendar
from callcenter.sitecalendar.book import CalendarBook
from callcenter.web.keys import DATABASE, SETTINGS

log = logging.getLogger(__name__)

CALENDAR_BOOK = web.AppKey("calendar_book", CalendarBook)


async def calendar_context(app: web.Application) -> AsyncIterator[None]:
    book = CalendarBook(app[SETTINGS].zone, app[DATABASE])
    app[CALENDAR_BOOK] = book
    try:
        await book.reload()
    except (SQLAlchemyError, OSError) as exc:
        log.error("site calendar not loaded (database down), the library alone is used: %s",
                  exc)
    task = asyncio.create_task(book.reload_forever(), name="calendar-reload")
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def site_calendar(request: web.Request) -> WorkingCalendar:
    """The site's working calendar (R7-R10 working hours and days), with the site calendar
    an administrator keeps."""
    return request.app[CALENDAR_BOOK].current()
