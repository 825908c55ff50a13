"""The site's working calendar: business hours, working days, Chinese public holidays.

Working days and hours (DOMAIN "How each deadline is counted"): weekends are off except the
official make-up working days (调休上班), public holidays are off, and the clock runs only
inside the site's business hours. Chinese holidays and make-up days are set by the State
Council each year, so they come from maintained sources, in this order of precedence (R2):

1. the site calendar an administrator keeps (`SiteDays`): the State Council's notice for a
   year the library does not know yet, and the site's own exceptions;
2. the `chinese_calendar` package, which carries the official notices (holidays and make-up
   working days) up to its last covered year;
3. nothing: a day of a year no source covers is *unknown*. It is counted as an ordinary
   Monday-to-Friday day so that deadlines still have a value, but `is_known` says it is a
   guess: callers flag such deadlines as uncertain and place no follow-up call on it.

All arithmetic is done on instants (UTC), and every result is returned in the site zone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

from callcenter.rules._time import at_local, end_of_local_day, local_date, require_aware

_CALENDAR_YEARS = sorted({day.year for day in chinese_calendar.holidays})
#: First and last year for which `chinese_calendar` has official holiday data.
FIRST_COVERED_YEAR: int = _CALENDAR_YEARS[0]
LAST_COVERED_YEAR: int = _CALENDAR_YEARS[-1]

Period = tuple[datetime, datetime]


class DayKind(StrEnum):
    """What a site calendar entry makes of a day."""

    HOLIDAY = "holiday"  # inside a public holiday break (法定节假日), or a site closure
    WORKDAY = "workday"  # a make-up working day (调休上班), or a site working day


class DaySource(StrEnum):
    """Where the verdict on one day comes from (`WorkingCalendar.source`)."""

    SITE = "site"  # an administrator's entry: a notice's day or the site's own exception
    SITE_NOTICE = "site-notice"  # a year whose notice is entered: its other days are plain
    LIBRARY = "chinese-calendar"
    NONE = "none"  # no source: the day is unknown


@dataclass(frozen=True, slots=True)
class SiteDay:
    """One day of the site calendar: a holiday or a working day, with its name.

    `exception` marks the site's own decision, as opposed to a day of an entered notice.
    """

    day: date
    kind: DayKind
    name: str
    exception: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class SiteDays:
    """An immutable snapshot of the site calendar, as the calendar store last loaded it.

    `notice_years` are the years whose State Council notice an administrator entered in
    full: every day of such a year is known (entries for its holidays and make-up days,
    plain weekdays and weekends for the rest), whatever the library says.
    """

    days: Mapping[date, SiteDay] = field(default_factory=lambda: MappingProxyType({}))
    notice_years: frozenset[int] = frozenset()

    @classmethod
    def of(cls, days: Iterable[SiteDay], notice_years: Iterable[int] = ()) -> SiteDays:
        return cls(MappingProxyType({d.day: d for d in days}), frozenset(notice_years))


NO_SITE_DAYS = SiteDays()


@dataclass(frozen=True, slots=True)
class YearCoverage:
    """What the calendar knows of one year (`callcenter calendar check`, the health check)."""

    year: int
    covered: bool
    source: str
    holidays: tuple[tuple[date, str], ...]
    makeup_workdays: tuple[tuple[date, str], ...]


@dataclass(frozen=True)
class WorkingCalendar:
    """Business hours of one site, on top of the Chinese working-day calendar.

    `business_hours` is (opening, closing) in site-local wall-clock time; `lunch`, when
    given, is a break inside those hours during which the clock stops (e.g. 12:00-13:00).
    """

    zone: ZoneInfo
    business_hours: tuple[time, time] = (time(9, 0), time(18, 0))
    lunch: tuple[time, time] | None = None
    site: SiteDays = NO_SITE_DAYS

    def __post_init__(self) -> None:
        opening, closing = self.business_hours
        for clock in (opening, closing, *(self.lunch or ())):
            if clock.tzinfo is not None:
                raise ValueError("business hours are site-local wall-clock times, without tzinfo")
        if not opening < closing:
            raise ValueError(f"business hours must open before they close: {opening}-{closing}")
        if self.lunch is not None:
            start, end = self.lunch
            if not opening < start < end < closing:
                raise ValueError(
                    f"lunch {start}-{end} must lie strictly inside business hours "
                    f"{opening}-{closing}"
                )

    # -- days ---------------------------------------------------------------------------

    @staticmethod
    def covered(year: int) -> bool:
        """True when the library has the official notice of `year`."""
        return FIRST_COVERED_YEAR <= year <= LAST_COVERED_YEAR

    def source(self, day: date) -> DaySource:
        """Which source decides `day` (site entry, entered notice, library, or none)."""
        if day in self.site.days:
            return DaySource.SITE
        if day.year in self.site.notice_years:
            return DaySource.SITE_NOTICE
        if self.covered(day.year):
            return DaySource.LIBRARY
        return DaySource.NONE

    def is_known(self, day: date) -> bool:
        """False for a day no source covers: its verdict is a Monday-to-Friday guess."""
        return self.source(day) is not DaySource.NONE

    def unknown_days(self, first: date, last: date) -> list[date]:
        """The unknown days from `first` to `last` inclusive, in order."""
        return [first + timedelta(days=n) for n in range((last - first).days + 1)
                if not self.is_known(first + timedelta(days=n))]

    def is_working_day(self, day: date) -> bool:
        """Whether `day` is a working day: Mon-Fri or a make-up day, and not a holiday."""
        entry = self.site.days.get(day)
        if entry is not None:
            return entry.kind is DayKind.WORKDAY
        if day.year not in self.site.notice_years and self.covered(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5

    def is_holiday(self, day: date) -> bool:
        """Whether `day` is a public holiday (法定节假日), as opposed to an ordinary weekend.

        A day counts when it belongs to an official holiday break: the statutory days, the
        days taken in lieu and the weekend days swallowed by the break (e.g. 2025-10-04, a
        Saturday inside the National Day break), or when the site calendar closes it. A
        plain weekend and a make-up working day are not holidays. R14/R15 skip exactly
        these days, and no follow-up call is placed on them. An unknown day has no known
        holiday, so this returns False there (see `is_known`).
        """
        entry = self.site.days.get(day)
        if entry is not None:
            return entry.kind is DayKind.HOLIDAY
        if day.year in self.site.notice_years or not self.covered(day.year):
            return False
        on_rest, name = chinese_calendar.get_holiday_detail(day)
        return bool(on_rest) and name is not None

    def year_coverage(self, year: int) -> YearCoverage:
        """The holidays and make-up working days of `year`, and whether they are official."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        holidays = tuple((d, self._name(d)) for d in days if self.is_holiday(d))
        makeup = tuple((d, self._name(d)) for d in days
                       if d.weekday() >= 5 and self.is_working_day(d))
        if year in self.site.notice_years:
            source = DaySource.SITE_NOTICE.value
        elif self.covered(year):
            source = DaySource.LIBRARY.value
        else:
            source = DaySource.NONE.value
        if source != DaySource.NONE.value and any(
                d.day.year == year and d.exception for d in self.site.days.values()):
            source += "+site"
        return YearCoverage(year, source != DaySource.NONE.value, source, holidays, makeup)

    def _name(self, day: date) -> str:
        entry = self.site.days.get(day)
        if entry is not None:
            return entry.name
        if self.covered(day.year):
            _, holiday = chinese_calendar.get_holiday_detail(day)
            if holiday is not None:
                return str(getattr(holiday, "value", holiday))
        return ""

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        candidate = day + timedelta(days=1)
        while not self.is_working_day(candidate):
            candidate += timedelta(days=1)
        return candidate

    # -- business periods ---------------------------------------------------------------

    def periods(self, day: date) -> tuple[Period, ...]:
        """The clock-running intervals of `day` as UTC instants; empty on a day off."""
        if not self.is_working_day(day):
            return ()
        opening, closing = self.business_hours
        bounds = [opening, closing] if self.lunch is None else [opening, *self.lunch, closing]
        instants = [at_local(day, clock, self.zone).astimezone(UTC) for clock in bounds]
        return tuple(zip(instants[::2], instants[1::2], strict=True))

    def opening(self, day: date) -> datetime:
        """Opening time of `day` in the site zone (whether or not it is a working day)."""
        return at_local(day, self.business_hours[0], self.zone)

    def closing(self, day: date) -> datetime:
        """Closing ("end of business") of `day` in the site zone."""
        return at_local(day, self.business_hours[1], self.zone)

    def _periods_from(self, start: datetime) -> Iterator[Period]:
        """Business periods from `start` onwards, the first one clipped to start at `start`."""
        start_utc = start.astimezone(UTC)
        day = local_date(start, self.zone)
        while True:
            for begin, end in self.periods(day):
                if end > start_utc:
                    yield max(begin, start_utc), end
            day += timedelta(days=1)

    def clock_start(self, at: datetime) -> datetime:
        """When a working-hour clock started at `at` actually begins to run.

        That is `at` itself inside business hours, otherwise the next opening (or the end
        of lunch). Shown in the site zone.
        """
        require_aware("at", at)
        begin, _ = next(self._periods_from(at))
        return begin.astimezone(self.zone)

    # -- arithmetic ---------------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The instant at which `hours` of business time have elapsed since `start`.

        The clock runs only inside business hours on working days; a start outside them
        begins at the next opening. A deadline that uses up a day exactly lands on its
        closing time (16:00 + 2 h = 18:00 the same day), not on the next opening.
        """
        require_aware("start", start)
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        for begin, end in self._periods_from(start):
            if remaining <= end - begin:
                return (begin + remaining).astimezone(self.zone)
            remaining -= end - begin
        raise AssertionError("unreachable: the period iterator never ends")  # pragma: no cover

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Closing time of the `days`-th working day after the local day of `start`.

        The day of `start` itself is never counted, whatever the hour (as in the Civil
        Code, art. 201: a period in days starts on the following day), so a request gets
        `days` full working days plus whatever was left of its own day. A request
        registered on a Saturday, or at 20:00, gets exactly `days` full working days.
        Used for R7 "solved in 3 working days" and R10 workshop turnaround.
        """
        require_aware("start", start)
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        day = local_date(start, self.zone)
        for _ in range(days):
            day = self.next_working_day(day)
        return self.closing(day)

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Business hours elapsed from `a` to `b` (negative if `b` is before `a`)."""
        require_aware("a", a)
        require_aware("b", b)
        if b < a:
            return -self.working_hours_between(b, a)
        b_utc = b.astimezone(UTC)
        total = timedelta(0)
        for begin, end in self._periods_from(a):
            if begin >= b_utc:
                break
            total += min(end, b_utc) - begin
        return total / timedelta(hours=1)

    def add_calendar_days_skipping_holidays(self, start: datetime, days: int) -> datetime:
        """End of the `days`-th calendar day after the day of `start`, holidays not counted.

        Used for R14 (3 days) and R15 (7 days): every calendar day counts, weekends and
        make-up days included, except public holidays (`is_holiday`). The day of `start`
        is not counted (Civil Code art. 201). The result is the exclusive end of the last
        counted day: the next local midnight. Since that day is never a holiday, a call
        made by the deadline need never fall on a holiday.
        """
        require_aware("start", start)
        if days < 1:
            raise ValueError(f"days must be at least 1, got {days}")
        day = local_date(start, self.zone)
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if not self.is_holiday(day):
                counted += 1
        return end_of_local_day(day, self.zone)
