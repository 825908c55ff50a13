"""WorkingCalendar against the real 2025 Chinese calendar (National Day + Mid-Autumn).

2025-10-01..08 are the holiday break; 2025-09-28 (Sunday) and 2025-10-11 (Saturday) are the
make-up working days that pay for it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from callcenter.rules.calendar import WorkingCalendar
from tests.unit.rules.support import SHANGHAI, sh

pytestmark = pytest.mark.unit

LUNCH = (time(12), time(13))


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 9, 28), True),  # Sunday, make-up working day
        (date(2025, 9, 30), True),  # ordinary Tuesday
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 4), False),  # Saturday inside the break
        (date(2025, 10, 6), False),  # Mid-Autumn, a Monday
        (date(2025, 10, 8), False),  # last day of the break, a Wednesday
        (date(2025, 10, 9), True),  # back to work, Thursday
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2025, 10, 12), False),  # ordinary Sunday
        (date(2025, 10, 18), False),  # ordinary Saturday
    ],
)
def test_working_days_follow_the_official_calendar(
    calendar: WorkingCalendar, day: date, working: bool
) -> None:
    assert calendar.is_working_day(day) is working


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2025, 10, 1), True),
        (date(2025, 10, 4), True),  # a weekend day swallowed by the break is a holiday
        (date(2025, 10, 6), True),
        (date(2025, 10, 8), True),
        (date(2025, 10, 11), False),  # make-up Saturday is a working day
        (date(2025, 9, 28), False),  # make-up Sunday
        (date(2025, 10, 12), False),  # a plain Sunday is a weekend, not a holiday
        (date(2025, 9, 30), False),
    ],
)
def test_public_holiday_means_an_official_break_day_not_a_weekend(
    calendar: WorkingCalendar, day: date, holiday: bool
) -> None:
    assert calendar.is_holiday(day) is holiday


def test_years_without_official_data_fall_back_to_monday_to_friday(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.covered(2025)
    assert calendar.covered(2026)
    assert not calendar.covered(2030)
    assert calendar.is_working_day(date(2030, 1, 1))  # a Tuesday; New Year unknown
    assert not calendar.is_holiday(date(2030, 1, 1))
    assert not calendar.is_working_day(date(2030, 1, 5))  # a Saturday


def test_make_up_saturday_runs_the_working_hour_clock(calendar: WorkingCalendar) -> None:
    # Friday 17:00-18:00 is 1 h, the 2nd hour is on make-up Saturday 2025-10-11 09:00-10:00.
    assert calendar.add_working_hours(sh(2025, 10, 10, 17), 2) == sh(2025, 10, 11, 10)


def test_working_hours_that_fill_the_day_end_at_closing(calendar: WorkingCalendar) -> None:
    assert calendar.add_working_hours(sh(2025, 9, 30, 16), 2) == sh(2025, 9, 30, 18)


def test_working_hours_skip_the_whole_national_day_break(calendar: WorkingCalendar) -> None:
    # 16:00-18:00 on 30 Sep is 2 h; the remaining 4 h run on 9 Oct from 09:00.
    assert calendar.add_working_hours(sh(2025, 9, 30, 16), 6) == sh(2025, 10, 9, 13)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2025, 10, 9, 7), sh(2025, 10, 9, 10)),  # before opening
        (sh(2025, 10, 9, 19), sh(2025, 10, 10, 10)),  # after closing
        (sh(2025, 10, 18, 12), sh(2025, 10, 20, 10)),  # Saturday
        (sh(2025, 10, 3, 12), sh(2025, 10, 9, 10)),  # in the holiday break
    ],
)
def test_clock_started_outside_hours_begins_at_the_next_opening(
    calendar: WorkingCalendar, start: datetime, expected: datetime
) -> None:
    assert calendar.add_working_hours(start, 1) == expected


def test_zero_hours_outside_business_hours_is_the_next_opening(
    calendar: WorkingCalendar,
) -> None:
    assert calendar.add_working_hours(sh(2025, 9, 30, 20), 0) == sh(2025, 10, 9, 9)
    assert calendar.clock_start(sh(2025, 9, 30, 20)) == sh(2025, 10, 9, 9)
    assert calendar.clock_start(sh(2025, 9, 30, 10)) == sh(2025, 9, 30, 10)


def test_lunch_break_stops_the_clock() -> None:
    calendar = WorkingCalendar(SHANGHAI, lunch=LUNCH)
    # 11:00-12:00 is 1 h, lunch, 13:00-14:00 is the 2nd.
    assert calendar.add_working_hours(sh(2025, 9, 30, 11), 2) == sh(2025, 9, 30, 14)
    assert calendar.add_working_hours(sh(2025, 9, 30, 12, 30), 1) == sh(2025, 9, 30, 14)
    assert calendar.working_hours_between(sh(2025, 10, 9, 9), sh(2025, 10, 9, 14)) == 4.0


def test_results_are_in_the_site_zone_whatever_the_input_zone(
    calendar: WorkingCalendar,
) -> None:
    start = datetime(2025, 9, 30, 8, tzinfo=UTC)  # 16:00 in Shanghai
    due = calendar.add_working_hours(start, 2)
    assert due == datetime(2025, 9, 30, 10, tzinfo=UTC)
    assert due.tzinfo == SHANGHAI
    assert due.hour == 18


def test_working_hours_between_counts_only_business_hours(calendar: WorkingCalendar) -> None:
    assert calendar.working_hours_between(sh(2025, 9, 30, 16), sh(2025, 10, 9, 13)) == 6.0
    assert calendar.working_hours_between(sh(2025, 10, 9, 13), sh(2025, 9, 30, 16)) == -6.0
    assert calendar.working_hours_between(sh(2025, 10, 1), sh(2025, 10, 8, 23)) == 0.0
    # Friday 17:00 to make-up Saturday 10:00: 1 h + 1 h.
    assert calendar.working_hours_between(sh(2025, 10, 10, 17), sh(2025, 10, 11, 10)) == 2.0


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # 30 Sep: 9 Oct, 10 Oct, make-up Saturday 11 Oct.
        (sh(2025, 9, 30, 16), 3, sh(2025, 10, 11, 18)),
        # Tuesday 20:00: Wed, Thu, Fri; the registration day itself never counts.
        (sh(2025, 10, 14, 20), 3, sh(2025, 10, 17, 18)),
        (sh(2025, 10, 14, 7), 3, sh(2025, 10, 17, 18)),
        # Saturday: Mon, Tue, Wed.
        (sh(2025, 10, 18, 11), 3, sh(2025, 10, 22, 18)),
        (sh(2025, 10, 9, 10), 1, sh(2025, 10, 10, 18)),
    ],
)
def test_working_days_end_at_closing_of_the_nth_working_day_after_the_start_day(
    calendar: WorkingCalendar, start: datetime, days: int, expected: datetime
) -> None:
    assert calendar.add_working_days(start, days) == expected


def test_working_hours_are_measured_in_real_time_across_daylight_saving() -> None:
    # Europe/Berlin moved to summer time on Sunday 2025-03-30.
    berlin = ZoneInfo("Europe/Berlin")
    calendar = WorkingCalendar(berlin)
    friday = datetime(2025, 3, 28, 17, tzinfo=berlin)
    monday_10 = datetime(2025, 3, 31, 10, tzinfo=berlin)
    assert calendar.add_working_hours(friday, 2) == monday_10
    assert calendar.working_hours_between(friday, monday_10) == 2.0


@pytest.mark.parametrize(
    ("hours", "lunch"),
    [
        ((time(18), time(9)), None),
        ((time(9), time(9)), None),
        ((time(9), time(18)), (time(8), time(10))),
        ((time(9), time(18)), (time(13), time(12))),
        ((time(9, tzinfo=UTC), time(18)), None),
    ],
)
def test_impossible_business_hours_are_rejected(
    hours: tuple[time, time], lunch: tuple[time, time] | None
) -> None:
    with pytest.raises(ValueError, match=r"business hours|lunch"):
        WorkingCalendar(SHANGHAI, business_hours=hours, lunch=lunch)


def test_naive_times_and_negative_amounts_are_rejected(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_hours(datetime(2025, 9, 30, 16), 1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(sh(2025, 9, 30, 16), -1)
    with pytest.raises(ValueError, match="at least 1"):
        calendar.add_working_days(sh(2025, 9, 30, 16), 0)
    with pytest.raises(ValueError, match="at least 1"):
        calendar.add_calendar_days_skipping_holidays(sh(2025, 9, 30, 16), 0)
