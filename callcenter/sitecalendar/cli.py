"""`callcenter calendar check --year Y`: what the service knows of a year, and from where.

The first line is machine-readable (`year=… covered=yes|no source=… holidays=N
makeup_workdays=M`), then one line a day: the holidays and the make-up working days.
"""

from __future__ import annotations

import argparse
import asyncio

from callcenter.rules.calendar import WorkingCalendar
from callcenter.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    calendar = sub.add_parser("calendar", help="the working calendar (holidays, make-up "
                                               "working days)").add_subparsers(
        dest="calendar", required=True)
    p = calendar.add_parser("check", help="what the calendar knows of a year, and its source")
    p.add_argument("--year", type=int, required=True)
    p.set_defaults(run=check)


def check(settings: Settings, args: argparse.Namespace) -> int:
    if not 2000 <= args.year <= 2100:
        print("callcenter calendar check: --year must be from 2000 to 2100")
        return 2
    calendar = asyncio.run(_site_calendar(settings))
    for line in report_lines(calendar, args.year):
        print(line)
    return 0


def report_lines(calendar: WorkingCalendar, year: int) -> list[str]:
    coverage = calendar.year_coverage(year)
    lines = [f"year={year} covered={'yes' if coverage.covered else 'no'} "
             f"source={coverage.source} holidays={len(coverage.holidays)} "
             f"makeup_workdays={len(coverage.makeup_workdays)}"]
    days = [(d, "holiday", n) for d, n in coverage.holidays]
    days += [(d, "makeup_workday", n) for d, n in coverage.makeup_workdays]
    lines += [f"{d.isoformat()} {d.strftime('%a')} {kind} {name}".rstrip()
              for d, kind, name in sorted(days)]
    return lines


async def _site_calendar(settings: Settings) -> WorkingCalendar:
    from callcenter.schema import migrate
    from callcenter.sitecalendar import store
    from callcenter.storage.database import open_database

    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    db = open_database(settings.database_url)
    try:
        async with db.transaction() as session:
            site = await store.load(session)
    finally:
        await db.dispose()
    return WorkingCalendar(settings.zone, site=site)
