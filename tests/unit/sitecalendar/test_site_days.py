"""The site calendar on top of the library (R2): precedence, unknown days, coverage."""

from __future__ import annotations

from datetime import date

import pytest

from callcenter.rules.calendar import DayKind, DaySource, SiteDay, SiteDays, WorkingCalendar
from callcenter.rules.deadlines import ServiceZone, order_deadlines, repair_callback_due
from callcenter.sitecalendar.cli import report_lines
from tests.unit.rules.support import SHANGHAI, sh
from tests.unit.sitecalendar.support import SPRING_FESTIVAL_BREAK_2027, notice_2027

pytestmark = pytest.mark.unit

LIBRARY = WorkingCalendar(SHANGHAI)
WITH_NOTICE = WorkingCalendar(SHANGHAI, site=notice_2027())


def test_a_year_no_source_covers_is_unknown_and_counted_as_plain_weekdays() -> None:
    assert not LIBRARY.is_known(date(2027, 1, 1))
    assert LIBRARY.source(date(2027, 1, 1)) is DaySource.NONE
    assert LIBRARY.is_working_day(date(2027, 1, 1))  # a Friday, guessed
    assert LIBRARY.unknown_days(date(2026, 12, 30), date(2027, 1, 2)) == [
        date(2027, 1, 1), date(2027, 1, 2)]


def test_an_entered_notice_covers_its_year_holidays_and_makeup_days() -> None:
    assert WITH_NOTICE.is_known(date(2027, 7, 14))
    assert WITH_NOTICE.is_holiday(date(2027, 1, 1))
    assert all(WITH_NOTICE.is_holiday(day) for day in SPRING_FESTIVAL_BREAK_2027)
    assert WITH_NOTICE.is_working_day(date(2027, 2, 20))  # make-up Saturday
    assert not WITH_NOTICE.is_working_day(date(2027, 2, 21))  # a plain Sunday
    assert not WITH_NOTICE.is_holiday(date(2027, 2, 21))
    assert WITH_NOTICE.unknown_days(date(2027, 1, 1), date(2027, 12, 31)) == []


def test_a_site_exception_wins_over_the_library() -> None:
    national_day = date(2026, 10, 1)
    site = SiteDays.of([SiteDay(national_day, DayKind.WORKDAY, "duty day"),
                        SiteDay(date(2026, 10, 12), DayKind.HOLIDAY, "company day")])
    calendar = WorkingCalendar(SHANGHAI, site=site)
    assert LIBRARY.is_holiday(national_day)
    assert calendar.is_working_day(national_day)
    assert not calendar.is_holiday(national_day)
    assert LIBRARY.is_working_day(date(2026, 10, 12))
    assert calendar.is_holiday(date(2026, 10, 12))
    assert calendar.source(national_day) is DaySource.SITE


def test_an_entered_notice_wins_over_the_library_for_a_year_it_covers() -> None:
    corrected = SiteDays.of([SiteDay(date(2026, 1, 1), DayKind.HOLIDAY, "元旦")], [2026])
    calendar = WorkingCalendar(SHANGHAI, site=corrected)
    assert LIBRARY.is_holiday(date(2026, 2, 17))
    assert not calendar.is_holiday(date(2026, 2, 17))  # the entered notice names only 1 Jan
    assert calendar.year_coverage(2026).source == "site-notice"
    closed = SiteDays.of([SiteDay(date(2026, 12, 24), DayKind.HOLIDAY, "closed", True)])
    assert WorkingCalendar(SHANGHAI, site=closed).year_coverage(2026).source == (
        "chinese-calendar+site")


def test_working_day_deadlines_skip_the_entered_holidays_and_use_the_makeup_day() -> None:
    # Registered Thursday 4 Feb 2027 10:00: the break runs 5-13 Feb, so the 3 working days
    # are Mon 15, Tue 16, Wed 17 Feb; without the notice they would be 5, 8 and 9 Feb.
    due = order_deadlines(sh(2027, 2, 4, 10), ServiceZone.CITY, WITH_NOTICE)
    assert due.solved == sh(2027, 2, 17, 18)
    guessed = order_deadlines(sh(2027, 2, 4, 10), ServiceZone.CITY, LIBRARY)
    assert guessed.solved == sh(2027, 2, 9, 18)
    # Registered Friday 29 Jan 2027 17:00: 2 working hours = 1 h on Friday, then the
    # make-up Sunday 31 Jan opens at 09:00.
    plan = order_deadlines(sh(2027, 1, 29, 17), ServiceZone.CITY, WITH_NOTICE).handling_plan
    assert plan == sh(2027, 1, 31, 10)


def test_callback_days_do_not_count_the_entered_holidays() -> None:
    # R14: product back on Wed 3 Feb 2027; 4 Feb counts, 5-13 Feb do not, 14 and 15 Feb do.
    assert repair_callback_due(sh(2027, 2, 3, 15), WITH_NOTICE) == sh(2027, 2, 16)


def test_calendar_check_reports_the_source_and_counts_for_each_year() -> None:
    assert report_lines(LIBRARY, 2026)[0] == (
        "year=2026 covered=yes source=chinese-calendar holidays=33 makeup_workdays=6")
    assert report_lines(LIBRARY, 2027) == [
        "year=2027 covered=no source=none holidays=0 makeup_workdays=0"]
    lines = report_lines(WITH_NOTICE, 2027)
    assert lines[0] == "year=2027 covered=yes source=site-notice holidays=12 makeup_workdays=2"
    assert "2027-01-01 Fri holiday 元旦" in lines
    assert "2027-02-20 Sat makeup_workday 春节调休" in lines
    assert len(lines) == 1 + 12 + 2
