"""The site calendar API's requests and replies, each declared once (R2).

A day of a notice that is wrong is named as the administrator can find it in what they
sent, `holidays[3].date`, so the lists check their items themselves rather than leaving the
framework to name only the list. Text is refused with a NUL (PostgreSQL cannot store one).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)
from pydantic_core import ErrorDetails

from callcenter.errors import InvalidInput
from callcenter.rules.calendar import DayKind, WorkingCalendar
from callcenter.sitecalendar.store import NamedDay
from callcenter.web.api import Body, Query, Reply

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_DAYS = 366


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


DayName = Annotated[str, StringConstraints(max_length=80), AfterValidator(_no_nul)]
Reference = Annotated[str, StringConstraints(max_length=200), AfterValidator(_no_nul)]


def _in_range(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"must be a year from {FIRST_YEAR} to {LAST_YEAR}")
    return year


def _day_in_range(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"must be in the years {FIRST_YEAR} to {LAST_YEAR}")
    return day


Year = Annotated[int, AfterValidator(_in_range), Field(
    json_schema_extra={"minimum": FIRST_YEAR, "maximum": LAST_YEAR})]


class YearPath(Query):
    year: Year


class DayPath(Query):
    date: Annotated[dt.date, AfterValidator(_day_in_range)]


# -- requests ------------------------------------------------------------------------------

def _iso_date(value: object) -> object:
    """An ISO date string as a date, before the strict check: the list's own validator hands
    its items on as Python values, where strict mode takes no string for a date."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return value


class NoticeDay(Body):
    """A day a notice names: a holiday, or a make-up working day."""

    date: Annotated[dt.date, BeforeValidator(_iso_date)]
    name: DayName = ""

    def named(self) -> NamedDay:
        return NamedDay(self.date, self.name)


def _day_error(key: str, first: ErrorDetails) -> InvalidInput:
    """An item's error, named as the old API named it (`holidays[0].date`)."""
    location = first["loc"]
    if not location:
        return InvalidInput(key, f"must be a list of at most {MAX_DAYS} {{date, name}} objects")
    where = f"{key}[{location[0]}]"
    if len(location) == 1:
        return InvalidInput(where, "must be an object {date, name}")
    field = str(location[1])
    if first["type"] == "extra_forbidden":
        return InvalidInput(field, "is not a known field")
    if first["type"] == "missing":
        return InvalidInput(f"{where}.{field}", "is required")
    if field == "date":
        return InvalidInput(f"{where}.date",
                            f"{first['input']!r} is not an ISO date (YYYY-MM-DD)")
    return InvalidInput(f"{where}.{field}", "must be text of at most 80 characters")


NoticeDays = Annotated[list[NoticeDay], Field(max_length=MAX_DAYS)]


class CalendarNotice(Body):
    """A year's State Council notice in full: its holidays and its make-up working days."""

    reference: Reference = ""
    holidays: NoticeDays = Field(json_schema_extra={"minItems": 1})
    makeup_workdays: NoticeDays = Field(default_factory=list)

    @field_validator("holidays", "makeup_workdays", mode="wrap")
    @classmethod
    def _named_items(cls, value: Any, handler: ValidatorFunctionWrapHandler,
                     info: ValidationInfo) -> list[NoticeDay]:
        try:
            days: list[NoticeDay] = handler(value)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
            raise _day_error(str(info.field_name), first) from None
        return days


class CalendarException(Body):
    """A site exception: the site closed (holiday) or open (workday) that day."""

    kind: DayKind
    name: DayName = ""


# -- replies -------------------------------------------------------------------------------

class CalendarDay(Reply):
    date: dt.date
    name: str


class SiteException(Reply):
    date: dt.date
    kind: DayKind
    name: str


class CalendarYear(Reply):
    """A year as the service counts it (R2).

    `source` is site-notice (entered by an administrator), chinese-calendar (the library's
    official data), either with +site when site exceptions apply, or none: the year is
    unknown, no follow-up call is placed on its days and deadlines across them are flagged
    uncertain."""

    year: int
    covered: bool
    source: str
    holidays: list[CalendarDay]
    makeup_workdays: list[CalendarDay]
    exceptions: list[SiteException]

    @classmethod
    def of(cls, calendar: WorkingCalendar, year: int, **extra: Any) -> Self:
        """`year` as `calendar` counts it; `extra` fills a subclass's own fields."""
        coverage = calendar.year_coverage(year)
        return cls(
            year=year, covered=coverage.covered, source=coverage.source,
            holidays=[CalendarDay(date=d, name=n) for d, n in coverage.holidays],
            makeup_workdays=[CalendarDay(date=d, name=n) for d, n in coverage.makeup_workdays],
            exceptions=[SiteException(date=d.day, kind=d.kind, name=d.name)
                        for d in sorted(calendar.site.days.values(), key=lambda d: d.day)
                        if d.day.year == year],
            **extra)


class CalendarYearWarned(CalendarYear):
    """The year after a site exception, with what its author should know (a past day)."""

    warnings: list[str]
