"""Deadlines of service orders, follow-up calls and complaints (R7-R10, R13-R16, R23).

Each function turns the instant a clock starts into the instant it is due, on the basis the
table "How each deadline is counted" gives: calendar hours are real elapsed time; working
hours and days come from the site's `WorkingCalendar`; calendar days are site-local dates.
A due instant means "must happen no later than this"; day-based deadlines are due at the
end of their last day, given as the next local midnight. Results are in the site zone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from callcenter.rules._time import (
    add_elapsed,
    add_months,
    at_local,
    end_of_local_day,
    local_date,
    require_aware,
)
from callcenter.rules.calendar import WorkingCalendar

FIRST_RESPONSE = timedelta(hours=24)  # R7, calendar hours
SOLVED_WORKING_DAYS = 3  # R7
HANDLING_PLAN_WORKING_HOURS = 2.0  # R8
UNITS_PER_WORKSHOP_DAY = 10  # R10
RENEWAL_NOTICE_DAYS = 30  # R13, calendar days before the contract ends
REPAIR_CALLBACK_DAYS = 3  # R14, public holidays not counted
COMPLAINT_CALLBACK_DAYS = 7  # R15, public holidays not counted
COMPLAINT_CASE_DAYS = 13  # R23, domestic customers
OVERSEAS_COMPLAINT_CASE_DAYS = 17  # R23, overseas customers
CONSULTATION_ANSWER = timedelta(hours=24)  # R23, calendar hours


class ServiceZone(StrEnum):
    """Where the customer is, which sets the R9 on-site limit."""

    CITY = "city"
    SUBURB = "suburb"

    @property
    def on_site_working_hours(self) -> float:
        """R9: 6 working hours from the call to arrival in the city, 7 in the suburbs."""
        return 6.0 if self is ServiceZone.CITY else 7.0


class DeadlineState(StrEnum):
    """Where a running clock stands, for the overdue watch (R23 reminders, dashboards)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class OrderDeadlines:
    """Every deadline of one service order, all counted from its registration."""

    first_response: datetime
    """R7: first contact within 24 calendar hours."""
    handling_plan: datetime
    """R8: handling plan back to the requester within 2 working hours."""
    on_site: datetime
    """R9: technician on site within 6 (city) or 7 (suburb) working hours."""
    solved: datetime
    """R7: solved by the end of the 3rd working day after the day of registration."""
    priority_dispatch_at: datetime
    """R9 carry-over: if the order was not dispatched on the day it was registered, it
    heads the dispatch queue at this instant (opening of the next working day)."""


@dataclass(frozen=True)
class Window:
    """A span in which something must happen: from `opens` (inclusive) to `closes`."""

    opens: datetime
    closes: datetime


@dataclass(frozen=True)
class DeliveryFollowUps:
    """R16 follow-ups of a newly delivered product under warranty."""

    first_call_due: datetime
    """First call within 1 calendar month of delivery."""
    second_follow_up: Window
    """Second follow-up inside the last two months of the warranty."""


def order_deadlines(
    registered_at: datetime, zone: ServiceZone, calendar: WorkingCalendar
) -> OrderDeadlines:
    """R7, R8 and R9 deadlines of a service order registered at `registered_at`.

    "Requests not dispatched today are dispatched first thing tomorrow" (R9, 000 §18) is a
    queueing rule, not a clock rule: it does not pause, reset or extend the on-site limit.
    The limit counts working hours only ("上班时间内", 000 §19), so the evening and the
    night already cost nothing; the carry-over just makes sure the order is dispatched
    first when the clock starts running again, at `priority_dispatch_at`.
    """
    require_aware("registered_at", registered_at)
    return OrderDeadlines(
        first_response=add_elapsed(registered_at, FIRST_RESPONSE, calendar.zone),
        handling_plan=calendar.add_working_hours(registered_at, HANDLING_PLAN_WORKING_HOURS),
        on_site=calendar.add_working_hours(registered_at, zone.on_site_working_hours),
        solved=calendar.add_working_days(registered_at, SOLVED_WORKING_DAYS),
        priority_dispatch_at=priority_dispatch_at(registered_at, calendar),
    )


def priority_dispatch_at(registered_at: datetime, calendar: WorkingCalendar) -> datetime:
    """R9 carry-over: the opening of the first working day after the registration's date.

    An order still undispatched when its registration day ends (which includes every order
    registered after closing time or on a day off) joins the priority queue, dispatched
    oldest first, before that morning's new orders. Dispatched orders ignore this instant.
    """
    require_aware("registered_at", registered_at)
    day = local_date(registered_at, calendar.zone)
    return calendar.opening(calendar.next_working_day(day))


def workshop_due(received_at: datetime, units: int, calendar: WorkingCalendar) -> datetime:
    """R10: a batch of `units` received for repair is due in ceil(units / 10) working days.

    Up to 10 units by the end of the 1st working day after receipt, up to 20 by the 2nd,
    and so on, counted like `WorkingCalendar.add_working_days` (receipt day not counted).
    """
    if units < 1:
        raise ValueError(f"units must be at least 1, got {units}")
    days = math.ceil(units / UNITS_PER_WORKSHOP_DAY)
    return calendar.add_working_days(received_at, days)


def renewal_notice_due(contract_end: datetime, zone: ZoneInfo) -> datetime:
    """R13: the renewal notice is due 30 calendar days before the contract ends.

    Counted in site-local dates, keeping the wall-clock time of `contract_end`, so a
    daylight-saving change in between does not shift the notice by an hour.
    """
    require_aware("contract_end", contract_end)
    local = contract_end.astimezone(zone)
    notice_day = local.date() - timedelta(days=RENEWAL_NOTICE_DAYS)
    return at_local(notice_day, local.time(), zone)


def repair_callback_due(returned_at: datetime, calendar: WorkingCalendar) -> datetime:
    """R14: call the customer back within 3 days of getting the product back.

    Calendar days after the return day, public holidays not counted.
    """
    return calendar.add_calendar_days_skipping_holidays(returned_at, REPAIR_CALLBACK_DAYS)


def complaint_callback_due(resolved_at: datetime, calendar: WorkingCalendar) -> datetime:
    """R15: call the complainant back within 7 days of the complaint being resolved.

    Calendar days after the resolution day, public holidays not counted.
    """
    return calendar.add_calendar_days_skipping_holidays(resolved_at, COMPLAINT_CALLBACK_DAYS)


def delivery_follow_ups(
    delivered_at: datetime, warranty_end: datetime, zone: ZoneInfo
) -> DeliveryFollowUps:
    """R16: first call within a calendar month of delivery; second in the warranty's last 2.

    The month ends on the corresponding day of the next month (clamped to its last day:
    delivered 31 Jan, called by the end of 28/29 Feb), as for any period in months.
    `warranty_end` is the instant the warranty expires; the second window opens two
    calendar months before it (same wall-clock time) and closes with it. A warranty
    shorter than two months opens the window at delivery.
    """
    require_aware("delivered_at", delivered_at)
    require_aware("warranty_end", warranty_end)
    if warranty_end <= delivered_at:
        raise ValueError("warranty_end must be after delivered_at")
    first_day = add_months(local_date(delivered_at, zone), 1)
    end_local = warranty_end.astimezone(zone)
    opens = at_local(add_months(end_local.date(), -2), end_local.time(), zone)
    return DeliveryFollowUps(
        first_call_due=end_of_local_day(first_day, zone),
        second_follow_up=Window(opens=max(opens, delivered_at.astimezone(zone)), closes=end_local),
    )


def complaint_case_due(registered_at: datetime, overseas: bool, zone: ZoneInfo) -> datetime:
    """R23: a complaint case is closed within 13 calendar days (17 for overseas customers).

    Counted like every day-based period: from the day after registration, due at the end
    of the 13th (17th) site-local day. Weekends and holidays count (calendar days).
    """
    require_aware("registered_at", registered_at)
    days = OVERSEAS_COMPLAINT_CASE_DAYS if overseas else COMPLAINT_CASE_DAYS
    return end_of_local_day(local_date(registered_at, zone) + timedelta(days=days), zone)


def consultation_answer_due(call_ended_at: datetime, zone: ZoneInfo) -> datetime:
    """R23: a consultation not answered on the call is answered within 24 calendar hours."""
    require_aware("call_ended_at", call_ended_at)
    return add_elapsed(call_ended_at, CONSULTATION_ANSWER, zone)


def deadline_state(due: datetime, now: datetime, warn_before: timedelta) -> DeadlineState:
    """Where a still-running clock stands at `now`.

    OVERDUE strictly after `due` (the due instant itself is still on time), DUE_SOON from
    `warn_before` ahead of it, ON_TIME before that. A clock that has stopped is judged by
    comparing its stop time with `due` instead.
    """
    require_aware("due", due)
    require_aware("now", now)
    if warn_before < timedelta(0):
        raise ValueError(f"warn_before must not be negative, got {warn_before}")
    if now > due:
        return DeadlineState.OVERDUE
    if now.astimezone(UTC) >= due.astimezone(UTC) - warn_before:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def clock_state(due: datetime, stopped_at: datetime | None, now: datetime,
                warn_before: timedelta, *, ended: bool = False) -> str:
    """Where one deadline of a record stands, as shown with the record.

    A clock that has stopped is "met" if it stopped by `due` (the due instant counts as in
    time, as in `deadline_state`) and "missed" after it. A clock still running on a record
    that `ended` without stopping it (a cancelled order) is "stopped": nothing can meet it
    any more, and it is neither late nor on time. Any other running clock is judged against
    `now` (`deadline_state`).
    """
    if stopped_at is not None:
        return "met" if stopped_at <= due else "missed"
    if ended:
        return "stopped"
    return deadline_state(due, now, warn_before).value
