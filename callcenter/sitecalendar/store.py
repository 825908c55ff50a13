"""Reading and writing the site calendar, with every change audited (R27).

Bad input is refused with the field named: a notice's dates must lie in its year, a make-up
working day is a Saturday or Sunday (the State Council moves weekend days, never weekdays),
and no date may be both a holiday and a working day. A site exception in the past is kept,
with a warning: deadlines already stored are not recounted from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.errors import InvalidInput, NotFound
from callcenter.rules.calendar import DayKind, SiteDay, SiteDays
from callcenter.sitecalendar.models import CalendarDayRow, CalendarYearRow

NOTICE = "notice"
SITE = "site"


@dataclass(frozen=True, slots=True)
class NamedDay:
    day: date
    name: str


async def load(session: AsyncSession) -> SiteDays:
    """The whole site calendar as an immutable snapshot (a few dozen rows a year)."""
    days = (await session.scalars(select(CalendarDayRow))).all()
    years = (await session.scalars(select(CalendarYearRow.year))).all()
    return SiteDays.of((SiteDay(r.day, DayKind(r.kind), r.name, r.origin == SITE)
                        for r in days), years)


def _check_notice(year: int, holidays: Sequence[NamedDay],
                  workdays: Sequence[NamedDay]) -> None:
    seen: dict[date, str] = {}
    for field_name, days in (("holidays", holidays), ("makeup_workdays", workdays)):
        for index, entry in enumerate(days):
            where = f"{field_name}[{index}]"
            if entry.day.year != year:
                raise InvalidInput(where, f"{entry.day} is not in {year}")
            if field_name == "makeup_workdays" and entry.day.weekday() < 5:
                raise InvalidInput(where, f"{entry.day} is a weekday; make-up working days "
                                          "are Saturdays or Sundays")
            if entry.day in seen:
                raise InvalidInput(where, f"{entry.day} is already listed in {seen[entry.day]}")
            seen[entry.day] = where
    if not holidays:
        raise InvalidInput("holidays", "a year's notice names at least one holiday")


async def enter_notice(session: AsyncSession, who: Principal, year: int, reference: str,
                       holidays: Sequence[NamedDay], workdays: Sequence[NamedDay],
                       now: datetime) -> None:
    """A year's State Council notice, entered in full: it replaces an earlier entry of the
    same year and covers the year, ahead of the library. Site exceptions are kept."""
    _check_notice(year, holidays, workdays)
    await session.execute(delete(CalendarDayRow).where(
        CalendarDayRow.origin == NOTICE, CalendarDayRow.day >= date(year, 1, 1),
        CalendarDayRow.day <= date(year, 12, 31)))
    exceptions = set((await session.scalars(select(CalendarDayRow.day).where(
        CalendarDayRow.day >= date(year, 1, 1), CalendarDayRow.day <= date(year, 12, 31)))).all())
    for kind, days in ((DayKind.HOLIDAY, holidays), (DayKind.WORKDAY, workdays)):
        session.add_all(CalendarDayRow(day=d.day, kind=kind.value, name=d.name, origin=NOTICE,
                                       changed_by=who.username, changed_at=now)
                        for d in days if d.day not in exceptions)
    row = await session.get(CalendarYearRow, year)
    if row is None:
        session.add(CalendarYearRow(year=year, reference=reference, entered_by=who.username,
                                    entered_at=now))
    else:
        row.reference, row.entered_by, row.entered_at = reference, who.username, now
    record(session, who, "update", "calendar_year", year,
           {"holidays": len(holidays), "makeup_workdays": len(workdays),
            "reference": reference})


async def withdraw_notice(session: AsyncSession, who: Principal, year: int) -> None:
    """Remove a year's entered notice: the library (or nothing) decides that year again."""
    row = await session.get(CalendarYearRow, year)
    if row is None:
        raise NotFound("calendar notice", str(year))
    await session.delete(row)
    await session.execute(delete(CalendarDayRow).where(
        CalendarDayRow.origin == NOTICE, CalendarDayRow.day >= date(year, 1, 1),
        CalendarDayRow.day <= date(year, 12, 31)))
    record(session, who, "delete", "calendar_year", year)


async def set_exception(session: AsyncSession, who: Principal, day: date, kind: DayKind,
                        name: str, now: datetime, today: date) -> list[str]:
    """The site's own exception for one day (closed, or open on a day off); it wins over
    the notice and the library. Returns warnings for the person who made it."""
    row = await session.get(CalendarDayRow, day)
    if row is None:
        session.add(CalendarDayRow(day=day, kind=kind.value, name=name, origin=SITE,
                                   changed_by=who.username, changed_at=now))
    else:
        row.kind, row.name, row.origin = kind.value, name, SITE
        row.changed_by, row.changed_at = who.username, now
    record(session, who, "update", "calendar_day", day.isoformat(),
           {"kind": kind.value, "name": name})
    if day < today:
        return [f"{day} is in the past: deadlines already stored are not recounted"]
    return []


async def remove_exception(session: AsyncSession, who: Principal, day: date) -> None:
    """Drop a site exception (a notice's own days change only with the notice)."""
    row = await session.get(CalendarDayRow, day)
    if row is None or row.origin != SITE:
        raise NotFound("site calendar exception", day.isoformat())
    await session.delete(row)
    record(session, who, "delete", "calendar_day", day.isoformat())
