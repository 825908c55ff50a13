"""Small date/time helpers shared by the rule modules (not part of the public API)."""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def require_aware(name: str, value: datetime) -> None:
    """Reject naive datetimes: a naive time is ambiguous between UTC and the site zone."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The site-local calendar date of an instant (day counts are always site-local)."""
    return at.astimezone(zone).date()


def at_local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant of wall-clock `clock` on `day` in `zone`."""
    return datetime.combine(day, clock, tzinfo=zone)


def end_of_local_day(day: date, zone: ZoneInfo) -> datetime:
    """The end of `day` in `zone`, as the (exclusive) instant of the next local midnight.

    Day-based deadlines mean "before this instant": work done at 23:59 on the last day is
    on time. Using the next midnight keeps the bound exact instead of 23:59:59.999999.
    """
    return at_local(day + timedelta(days=1), time(0), zone)


def add_elapsed(start: datetime, delta: timedelta, zone: ZoneInfo) -> datetime:
    """`start + delta` as real elapsed time (UTC arithmetic, DST-safe), shown in `zone`.

    Python adds timedeltas to aware datetimes in wall-clock time; across a DST change that
    would be off by an hour, so calendar-hour clocks go through UTC.
    """
    return (start.astimezone(UTC) + delta).astimezone(zone)


def add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later (or earlier); a missing day clamps to the month end.

    This is how a period "in months" ends in Chinese law (Civil Code art. 202: the
    corresponding day of the final month, or its last day if it has none).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
