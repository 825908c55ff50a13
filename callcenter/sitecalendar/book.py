"""The one live copy of the site's working calendar, for every part of the service.

Deadlines, the dialer and the health check read `current()`: a `WorkingCalendar` with the
site calendar's latest snapshot. The book reloads after each change made through this
instance and every few minutes (a change made through another instance arrives then), and
says loudly, in the log and on `/health`, when days ahead are known to no source (R2).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from callcenter.rules.calendar import NO_SITE_DAYS, SiteDays, WorkingCalendar
from callcenter.sitecalendar import store
from callcenter.storage.database import Database

log = logging.getLogger(__name__)

HORIZON_DAYS = 60
"""How far ahead a gap is worth a warning: the dialer plans this far, and the State Council
publishes a year's notice in its last weeks."""
RELOAD_S = 300.0


class CalendarBook:
    def __init__(self, zone: ZoneInfo, database: Database | None = None,
                 site: SiteDays = NO_SITE_DAYS) -> None:
        """Without a database the book holds `site` (the library alone by default)."""
        self._zone = zone
        self._database = database
        self._calendar = WorkingCalendar(zone, site=site)
        self._warned: tuple[date, date | None] | None = None

    def current(self) -> WorkingCalendar:
        return self._calendar

    async def reload(self) -> None:
        """Read the site calendar again; on a database error the last copy stays."""
        if self._database is None:
            return
        async with self._database.transaction() as session:
            site = await store.load(session)
        self._calendar = WorkingCalendar(self._zone, site=site)
        self._warn(datetime.now(UTC))

    def no_call_day(self, day: date) -> bool:
        """No follow-up call on a public holiday, nor on a day no source knows."""
        calendar = self._calendar
        return calendar.is_holiday(day) or not calendar.is_known(day)

    def health(self, now: datetime) -> dict[str, Any]:
        """`ok` is false when today itself is unknown; `first_unknown_day` and `warning`
        name the first gap within the horizon, so it is seen before it is reached."""
        today = now.astimezone(self._zone).date()
        gap = self._first_gap(today)
        body: dict[str, Any] = {"ok": self._calendar.is_known(today),
                                "first_unknown_day": gap.isoformat() if gap else None}
        if gap is not None:
            body["warning"] = _warning(gap)
        return body

    def _first_gap(self, today: date) -> date | None:
        unknown = self._calendar.unknown_days(today, today + timedelta(days=HORIZON_DAYS))
        return unknown[0] if unknown else None

    def _warn(self, now: datetime) -> None:
        """Log a gap once a day (and again whenever it changes)."""
        today = now.astimezone(self._zone).date()
        gap = self._first_gap(today)
        if gap is not None and self._warned != (today, gap):
            log.warning("%s", _warning(gap))
        self._warned = (today, gap)

    async def reload_forever(self) -> None:
        while True:
            await asyncio.sleep(RELOAD_S)
            try:
                await self.reload()
            except (SQLAlchemyError, OSError) as exc:
                log.error("site calendar not reloaded (database down): %s", exc)


def _warning(gap: date) -> str:
    return (f"calendar: no source knows {gap} (holidays and make-up working days): enter the "
            f"State Council's notice for {gap.year} (PUT /api/calendar/years/{gap.year}); "
            "until then no follow-up call is placed on such days and deadlines across them "
            "are flagged uncertain")
