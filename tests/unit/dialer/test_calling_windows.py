"""Planning rules with a frozen clock: windows, holidays, retry spacing, risk, sampling.

Every `now` is a fixed instant passed in; nothing reads the real clock.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.rules.calendar import WorkingCalendar
from dialer.calling_windows import (
    CallingPolicy,
    Slot,
    at_risk,
    calling_time_between,
    first_slot,
    in_window,
    next_slot,
    retry_slot,
    sampled,
)

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")  # UTC+6: two hours behind the site
LONDON = ZoneInfo("Europe/London")
CALENDAR = WorkingCalendar(SHANGHAI)
WINDOWS = ((time(9), time(12)), (time(14), time(20)))


def policy(min_gap: timedelta = timedelta(minutes=30),
           max_gap: timedelta = timedelta(hours=4)) -> CallingPolicy:
    return CallingPolicy(WINDOWS, CALENDAR.is_holiday, min_gap, max_gap)


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=zone)


# -- calling windows in the customer's zone -----------------------------------------------

def test_inside_a_window_the_call_goes_now() -> None:
    now = at(SHANGHAI, 2026, 3, 10, 10, 0)
    assert next_slot(now, SHANGHAI, policy()) == Slot(now, at(SHANGHAI, 2026, 3, 10, 12, 0))


def test_the_lunch_gap_waits_for_the_afternoon_window() -> None:
    slot = next_slot(at(SHANGHAI, 2026, 3, 10, 12, 30), SHANGHAI, policy())
    assert slot == Slot(at(SHANGHAI, 2026, 3, 10, 14, 0), at(SHANGHAI, 2026, 3, 10, 20, 0))


def test_evening_waits_for_next_morning() -> None:
    slot = next_slot(at(SHANGHAI, 2026, 3, 10, 20, 0), SHANGHAI, policy())
    assert slot.at == at(SHANGHAI, 2026, 3, 11, 9, 0)


def test_same_instant_is_callable_in_shanghai_but_not_in_urumqi() -> None:
    """09:30 at the site is 07:30 for a customer in Urumqi: their window opens at 09:00 local."""
    now = at(SHANGHAI, 2026, 3, 10, 9, 30)
    assert in_window(now, SHANGHAI, policy())
    assert not in_window(now, URUMQI, policy())
    slot = next_slot(now, URUMQI, policy())
    assert slot.at == at(URUMQI, 2026, 3, 10, 9, 0)
    assert slot.at.astimezone(SHANGHAI).hour == 11


def test_site_evening_is_an_overseas_customers_afternoon() -> None:
    """21:00 in Shanghai (closed there) is 13:00 in London (summer), not in a window either,
    and the London window opens at 14:00 local = 21:00 Shanghai."""
    now = at(SHANGHAI, 2026, 7, 1, 20, 30)
    slot = next_slot(now, LONDON, policy())
    assert slot.at == at(LONDON, 2026, 7, 1, 14, 0)
    assert slot.closes == at(LONDON, 2026, 7, 1, 20, 0)


def test_weekends_are_ordinary_calling_days() -> None:
    saturday = at(SHANGHAI, 2026, 3, 14, 10, 0)
    assert in_window(saturday, SHANGHAI, policy())


# -- public holidays ----------------------------------------------------------------------

def test_no_call_is_placed_on_a_public_holiday() -> None:
    """National Day 2025: 1-8 October are holidays; the next call is 9 October 09:00."""
    slot = next_slot(at(SHANGHAI, 2025, 9, 30, 20, 5), SHANGHAI, policy())
    assert slot.at == at(SHANGHAI, 2025, 10, 9, 9, 0)


def test_a_job_due_across_a_holiday_spreads_its_attempts_around_it() -> None:
    """R14: returned 29 Sep 2025; 30 Sep, 9 and 10 Oct count (1-8 Oct are holidays), so the
    call-back is due by the end of 10 October.

    Every attempt lands on a working window, none between 1 and 8 October, and the last one
    before the deadline.
    """
    returned = at(SHANGHAI, 2025, 9, 29, 16, 0)
    due = CALENDAR.add_calendar_days_skipping_holidays(returned, 3)
    assert due == at(SHANGHAI, 2025, 10, 11, 0, 0)
    rules = policy(max_gap=timedelta(days=10))
    slots = [first_slot(returned, returned, SHANGHAI, rules)]
    for remaining in (2, 1):
        slots.append(retry_slot(slots[-1].at, remaining, due, SHANGHAI, rules))
    for slot in slots:
        local = slot.at.astimezone(SHANGHAI)
        assert not CALENDAR.is_holiday(local.date()), local
        assert in_window(slot.at, SHANGHAI, rules)
    assert slots[-1].at < due
    assert [s.at.astimezone(SHANGHAI).date().isoformat() for s in slots] == [
        "2025-09-29", "2025-09-30", "2025-10-09"]


def test_holidays_are_not_calling_time() -> None:
    rules = policy()
    span = calling_time_between(at(SHANGHAI, 2025, 9, 30, 20, 0),
                                at(SHANGHAI, 2025, 10, 9, 12, 0), SHANGHAI, rules)
    assert span == timedelta(hours=3)  # only the morning of the 9th


# -- retry spacing against the deadline ---------------------------------------------------

def test_retries_spread_evenly_and_the_last_lands_before_the_deadline() -> None:
    """27 h of calling time left (3 days x 9 h), 2 attempts left: one every 9 h of it, so
    the attempts fall on three mornings and the last a day before the deadline."""
    now = at(SHANGHAI, 2026, 3, 10, 9, 0)
    due = at(SHANGHAI, 2026, 3, 13, 0, 0)
    rules = policy(max_gap=timedelta(days=1))
    second = retry_slot(now, 2, due, SHANGHAI, rules)
    assert second.at == at(SHANGHAI, 2026, 3, 11, 9, 0)
    third = retry_slot(second.at, 1, due, SHANGHAI, rules)
    assert third.at == at(SHANGHAI, 2026, 3, 12, 9, 0)
    assert third.at < due


def test_retry_never_comes_sooner_than_the_minimum_gap() -> None:
    now = at(SHANGHAI, 2026, 3, 10, 19, 0)
    due = at(SHANGHAI, 2026, 3, 10, 20, 0)
    slot = retry_slot(now, 2, due, SHANGHAI, policy(min_gap=timedelta(minutes=30)))
    assert slot.at == at(SHANGHAI, 2026, 3, 10, 19, 30)


def test_retry_waits_at_most_the_maximum_gap_of_calling_time() -> None:
    """A month-long R16 deadline does not push the second try a week away: 4 h of calling
    time from 11:00 is 1 h before lunch and 3 h after it."""
    now = at(SHANGHAI, 2026, 3, 10, 11, 0)
    due = at(SHANGHAI, 2026, 4, 10, 0, 0)
    slot = retry_slot(now, 2, due, SHANGHAI, policy(max_gap=timedelta(hours=4)))
    assert slot.at == at(SHANGHAI, 2026, 3, 10, 17, 0)


def test_retry_after_the_deadline_still_uses_the_minimum_gap() -> None:
    now = at(SHANGHAI, 2026, 3, 10, 10, 0)
    slot = retry_slot(now, 1, now - timedelta(hours=1), SHANGHAI, policy())
    assert slot.at == now + timedelta(minutes=30)


# -- deadline at risk ---------------------------------------------------------------------

def test_enough_calling_time_is_not_at_risk() -> None:
    now = at(SHANGHAI, 2026, 3, 10, 9, 0)
    assert not at_risk(now, 3, at(SHANGHAI, 2026, 3, 11, 0, 0), SHANGHAI, policy())


def test_too_little_calling_time_for_the_attempts_left_is_at_risk() -> None:
    """Three attempts 30 min apart need more than 1 h of window before the deadline."""
    now = at(SHANGHAI, 2026, 3, 10, 19, 0)
    assert at_risk(now, 3, at(SHANGHAI, 2026, 3, 10, 20, 0), SHANGHAI, policy())
    assert not at_risk(now, 2, at(SHANGHAI, 2026, 3, 10, 20, 0), SHANGHAI, policy())


def test_a_deadline_inside_a_holiday_break_is_at_risk_when_no_window_is_left() -> None:
    now = at(SHANGHAI, 2025, 9, 30, 20, 0)
    assert at_risk(now, 1, at(SHANGHAI, 2025, 10, 5, 0, 0), SHANGHAI, policy())


def test_past_deadline_or_no_attempts_left_is_at_risk() -> None:
    now = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    assert at_risk(now, 2, now, SHANGHAI, policy())
    assert at_risk(now, 0, now + timedelta(days=3), SHANGHAI, policy())


# -- first attempt and sampling -----------------------------------------------------------

def test_first_attempt_waits_for_the_job_to_open() -> None:
    """R16 second call: the window opens two months before warranty end, not before
    (1 November 2026 is a Sunday: an ordinary calling day)."""
    now = at(SHANGHAI, 2026, 3, 10, 10, 0)
    opens = at(SHANGHAI, 2026, 11, 1, 0, 0)
    assert first_slot(now, opens, SHANGHAI, policy()).at == at(SHANGHAI, 2026, 11, 1, 9, 0)


def test_full_sampling_keeps_every_request() -> None:
    assert all(sampled(key, 100) for key in range(1, 1000))


def test_sampling_keeps_about_the_ratio_and_is_stable() -> None:
    """R17: a 25% ratio keeps about a quarter, always the same ones."""
    kept = [key for key in range(1, 10_001) if sampled(key, 25)]
    assert 2300 < len(kept) < 2700
    assert kept == [key for key in range(1, 10_001) if sampled(key, 25)]
    assert set(kept) <= {key for key in range(1, 10_001) if sampled(key, 50)}


def test_policy_rejects_a_minimum_gap_above_the_maximum() -> None:
    with pytest.raises(ValueError, match="min_gap"):
        CallingPolicy(WINDOWS, CALENDAR.is_holiday, timedelta(hours=5), timedelta(hours=4))
