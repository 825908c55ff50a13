"""Deadlines counted on the real Chinese calendar; every expected value worked out by hand.

Key dates: 2025-10-01..08 National Day + Mid-Autumn break, make-up working days Sunday
2025-09-28 and Saturday 2025-10-11. 2026: Mid-Autumn break 09-25..27, National Day
10-01..07, make-up days Sunday 09-20 and Saturday 10-10.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.deadlines import (
    DeadlineState,
    OrderDeadlines,
    ServiceZone,
    Window,
    clock_state,
    complaint_callback_due,
    complaint_case_due,
    consultation_answer_due,
    deadline_state,
    delivery_follow_ups,
    order_deadlines,
    priority_dispatch_at,
    renewal_notice_due,
    repair_callback_due,
    workshop_due,
)
from tests.unit.rules.support import SHANGHAI, sh

pytestmark = pytest.mark.unit


def test_repair_registered_before_national_day_is_due_after_the_break(
    calendar: WorkingCalendar,
) -> None:
    deadlines = order_deadlines(sh(2025, 9, 30, 16), ServiceZone.CITY, calendar)
    assert deadlines == OrderDeadlines(
        # R7: 24 calendar hours, so it falls inside the holiday (on-duty staff answer).
        first_response=sh(2025, 10, 1, 16),
        # R8: 16:00-18:00 is exactly the 2 working hours.
        handling_plan=sh(2025, 9, 30, 18),
        # R9 city: 2 h on 30 Sep + 4 h from 09:00 on Thursday 9 Oct.
        on_site=sh(2025, 10, 9, 13),
        # R7: working days 9 Oct, 10 Oct and make-up Saturday 11 Oct.
        solved=sh(2025, 10, 11, 18),
        # Not dispatched on 30 Sep, so first in the queue when work resumes.
        priority_dispatch_at=sh(2025, 10, 9, 9),
    )


def test_suburb_gets_one_more_working_hour_on_site(calendar: WorkingCalendar) -> None:
    # 2 h on 30 Sep + 5 h on 9 Oct.
    assert order_deadlines(sh(2025, 9, 30, 16), ServiceZone.SUBURB, calendar).on_site == sh(
        2025, 10, 9, 14
    )


def test_handling_plan_spills_over_the_break_when_the_day_has_less_than_two_hours(
    calendar: WorkingCalendar,
) -> None:
    deadlines = order_deadlines(sh(2025, 9, 30, 16, 30), ServiceZone.CITY, calendar)
    # 1.5 h on 30 Sep, 0.5 h on 9 Oct.
    assert deadlines.handling_plan == sh(2025, 10, 9, 9, 30)
    # 1.5 h on 30 Sep, 4.5 h on 9 Oct.
    assert deadlines.on_site == sh(2025, 10, 9, 13, 30)


def test_lunch_break_pushes_the_on_site_deadline() -> None:
    calendar = WorkingCalendar(SHANGHAI, lunch=(time(12), time(13)))
    deadlines = order_deadlines(sh(2025, 9, 30, 16), ServiceZone.CITY, calendar)
    # 2 h on 30 Sep; 9 Oct: 09:00-12:00 is 3 h, 13:00-14:00 the last.
    assert deadlines.on_site == sh(2025, 10, 9, 14)


def test_request_after_closing_is_dispatched_first_the_next_working_morning(
    calendar: WorkingCalendar,
) -> None:
    deadlines = order_deadlines(sh(2025, 10, 9, 20), ServiceZone.CITY, calendar)
    assert deadlines.priority_dispatch_at == sh(2025, 10, 10, 9)
    assert deadlines.handling_plan == sh(2025, 10, 10, 11)
    assert deadlines.on_site == sh(2025, 10, 10, 15)
    # Fri 10, make-up Sat 11, Mon 13.
    assert deadlines.solved == sh(2025, 10, 13, 18)


def test_request_on_a_make_up_saturday_carries_over_to_monday(
    calendar: WorkingCalendar,
) -> None:
    assert priority_dispatch_at(sh(2025, 10, 11, 10), calendar) == sh(2025, 10, 13, 9)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (1, sh(2025, 10, 10, 18)),
        (10, sh(2025, 10, 10, 18)),
        (11, sh(2025, 10, 11, 18)),  # make-up Saturday is the 2nd working day
        (30, sh(2025, 10, 13, 18)),
        (31, sh(2025, 10, 14, 18)),
    ],
)
def test_workshop_batch_gets_one_working_day_per_ten_units(
    calendar: WorkingCalendar, units: int, expected: datetime
) -> None:
    assert workshop_due(sh(2025, 10, 9, 10), units, calendar) == expected


def test_empty_workshop_batch_is_rejected(calendar: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="units"):
        workshop_due(sh(2025, 10, 9, 10), 0, calendar)


@pytest.mark.parametrize(
    ("contract_end", "expected"),
    [
        (sh(2026, 3, 31), sh(2026, 3, 1)),
        (sh(2026, 12, 31, 18), sh(2026, 12, 1, 18)),
    ],
)
def test_renewal_notice_is_due_thirty_days_before_the_contract_ends(
    contract_end: datetime, expected: datetime
) -> None:
    assert renewal_notice_due(contract_end, SHANGHAI) == expected


@pytest.mark.parametrize(
    ("returned_at", "expected"),
    [
        # 1 Oct-8 Oct not counted: 9, 10, 11 Oct.
        (sh(2025, 9, 30, 15), sh(2025, 10, 12)),
        # 30 Sep, then 9 and 10 Oct.
        (sh(2025, 9, 29, 10), sh(2025, 10, 11)),
        # Weekends count: Sat 18, Sun 19, Mon 20.
        (sh(2025, 10, 17, 15), sh(2025, 10, 21)),
    ],
)
def test_repair_callback_is_due_three_days_later_not_counting_holidays(
    calendar: WorkingCalendar, returned_at: datetime, expected: datetime
) -> None:
    assert repair_callback_due(returned_at, calendar) == expected


def test_complaint_callback_skips_both_2026_autumn_breaks(calendar: WorkingCalendar) -> None:
    # Resolved Thu 24 Sep 2026: 25-27 skipped, 28 (1), 29 (2), 30 (3), 1-7 Oct skipped,
    # 8 (4), 9 (5), make-up Sat 10 (6), Sun 11 (7): due at the end of 11 Oct.
    assert complaint_callback_due(sh(2026, 9, 24, 11), calendar) == sh(2026, 10, 12)


def test_callback_in_an_uncovered_year_counts_plain_calendar_days(
    calendar: WorkingCalendar,
) -> None:
    # 2030 has no official data yet: 1, 2, 3 Oct all count.
    assert repair_callback_due(sh(2030, 9, 30, 15), calendar) == sh(2030, 10, 4)


def test_delivery_follow_ups_use_calendar_months() -> None:
    follow_ups = delivery_follow_ups(sh(2026, 1, 31, 10), sh(2027, 1, 31), SHANGHAI)
    # One month after 31 Jan is the last day of February; due at its end.
    assert follow_ups.first_call_due == sh(2026, 3, 1)
    # Two months before 31 Jan 2027 is "30 Nov" (November has no 31st).
    assert follow_ups.second_follow_up == Window(opens=sh(2026, 11, 30), closes=sh(2027, 1, 31))


def test_short_warranty_opens_the_second_window_at_delivery() -> None:
    follow_ups = delivery_follow_ups(sh(2026, 1, 10, 10), sh(2026, 2, 10), SHANGHAI)
    assert follow_ups.second_follow_up == Window(opens=sh(2026, 1, 10, 10), closes=sh(2026, 2, 10))


def test_warranty_ending_before_delivery_is_rejected() -> None:
    with pytest.raises(ValueError, match="warranty_end"):
        delivery_follow_ups(sh(2026, 1, 10), sh(2026, 1, 10), SHANGHAI)


@pytest.mark.parametrize(
    ("overseas", "expected"),
    [
        (False, sh(2026, 3, 16)),  # end of 15 Mar, the 13th day after 2 Mar
        (True, sh(2026, 3, 20)),  # end of 19 Mar, the 17th day
    ],
)
def test_complaint_case_closes_within_13_days_or_17_overseas(
    overseas: bool, expected: datetime
) -> None:
    assert complaint_case_due(sh(2026, 3, 2, 10), overseas, SHANGHAI) == expected


def test_unanswered_consultation_is_due_24_calendar_hours_after_the_call() -> None:
    assert consultation_answer_due(sh(2025, 9, 30, 16, 5), SHANGHAI) == sh(2025, 10, 1, 16, 5)


def test_calendar_hours_are_real_hours_across_daylight_saving() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Clocks went forward on 2025-03-30 at 02:00: 24 h later is 13:00 on the wall clock.
    assert consultation_answer_due(datetime(2025, 3, 29, 12, tzinfo=berlin), berlin) == datetime(
        2025, 3, 30, 13, tzinfo=berlin
    )


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (sh(2025, 10, 9, 11, 59), DeadlineState.ON_TIME),
        (sh(2025, 10, 9, 12), DeadlineState.DUE_SOON),
        (sh(2025, 10, 9, 13), DeadlineState.DUE_SOON),
        (sh(2025, 10, 9, 13) + timedelta(seconds=1), DeadlineState.OVERDUE),
    ],
)
def test_deadline_state_warns_before_and_flags_after_the_due_time(
    now: datetime, state: DeadlineState
) -> None:
    assert deadline_state(sh(2025, 10, 9, 13), now, timedelta(hours=1)) is state


def test_deadline_state_rejects_a_negative_warning() -> None:
    with pytest.raises(ValueError, match="warn_before"):
        deadline_state(sh(2025, 10, 9, 13), sh(2025, 10, 9, 12), timedelta(hours=-1))


@pytest.mark.parametrize(
    ("stopped_at", "ended", "now", "state"),
    [
        (sh(2025, 10, 9, 13), False, sh(2025, 10, 20), "met"),  # on the due instant
        (sh(2025, 10, 9, 13, 1), False, sh(2025, 10, 9, 13, 1), "missed"),
        (sh(2025, 10, 9, 12), True, sh(2025, 10, 20), "met"),  # stopped before it ended
        (None, True, sh(2025, 10, 20), "stopped"),  # cancelled: late no more
        (None, False, sh(2025, 10, 9, 12, 30), "due_soon"),
        (None, False, sh(2025, 10, 9, 14), "overdue"),
    ],
)
def test_clock_state_judges_a_stopped_clock_by_its_stop_and_a_running_one_by_now(
    stopped_at: datetime | None, ended: bool, now: datetime, state: str
) -> None:
    assert clock_state(sh(2025, 10, 9, 13), stopped_at, now, timedelta(hours=1),
                       ended=ended) == state
