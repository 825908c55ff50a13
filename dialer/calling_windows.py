"""When a follow-up call may be placed, and when to try again (R13-R17; DOMAIN deadline table).

Pure functions of their arguments (the clock is a parameter), so every rule is tested with a
frozen `now` and no I/O:

- Calls go out only inside the calling windows (e.g. 09:00-12:00 and 14:00-20:00) read in
  the *customer's* time zone, and never on a public holiday ("No follow-up call is placed on
  a public holiday"); a weekend is an ordinary calling day.
- Retries are spread over the calling time left before the deadline so that the last one
  still lands before it: with `r` attempts left and `T` calling time left, the next one is
  `T / (r + 1)` of calling time away (never less than the minimum gap, never more than the
  maximum), which places the remaining attempts evenly and the last strictly before `T`.
- A job is at risk when even at the minimum gap its remaining attempts cannot all fit before
  the deadline; supervisors see the flag (R14/R15 deadlines are promises to customers).
- Sampling (R17) keeps a stable share of service requests: the same request is always in or
  out, whichever process asks.

Gaps are measured in calling-window time, not wall time, so "retry in 2 hours" at 11:30 with
a 12:00-14:00 lunch break lands at 15:30, not in the break.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Window = tuple[time, time]
DayRule = Callable[[date], bool]

SEARCH_DAYS = 60
"""How far ahead a calling window is looked for: longer than any holiday break."""


class NoCallingWindow(ValueError):
    """No calling window in the next SEARCH_DAYS days (e.g. every day a holiday)."""


@dataclass(frozen=True, slots=True)
class CallingPolicy:
    """The site's rules for placing follow-up calls (settings `CALLCENTER_DIALER_*`)."""

    windows: tuple[Window, ...]
    no_call_day: DayRule
    """A public holiday, or a day no calendar source knows (then it may be one)."""
    min_gap: timedelta
    max_gap: timedelta

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError("at least one calling window is needed")
        if self.min_gap > self.max_gap:
            raise ValueError("min_gap must not exceed max_gap")


@dataclass(frozen=True, slots=True)
class Slot:
    """An attempt may start at `at` and must start before `closes` (end of that window)."""

    at: datetime
    closes: datetime


def _aware(name: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value.isoformat()}")
    return value.astimezone(UTC)


def _instant(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Wall-clock `clock` on `day` in `zone` as UTC; time.max means the next midnight."""
    if clock == time.max:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def windows_from(start: datetime, zone: ZoneInfo, policy: CallingPolicy) -> Iterator[Slot]:
    """Calling windows from `start` on, in order, the first clipped to begin at `start`."""
    start = _aware("start", start)
    first_day = start.astimezone(zone).date() - timedelta(days=1)  # a window may span UTC days
    for offset in range(SEARCH_DAYS + 2):
        day = first_day + timedelta(days=offset)
        if policy.no_call_day(day):
            continue
        for opens, closes in policy.windows:
            begin, end = _instant(day, opens, zone), _instant(day, closes, zone)
            if end > start:
                yield Slot(max(begin, start), end)


def next_slot(after: datetime, zone: ZoneInfo, policy: CallingPolicy) -> Slot:
    """The first moment at or after `after` inside a calling window on a non-holiday."""
    for slot in windows_from(after, zone, policy):
        return slot
    raise NoCallingWindow(f"no calling window within {SEARCH_DAYS} days of {after.isoformat()}")


def in_window(at: datetime, zone: ZoneInfo, policy: CallingPolicy) -> bool:
    """Whether a call may be placed at `at` (inside a window, not a holiday)."""
    slot = next_slot(at, zone, policy)
    return slot.at == _aware("at", at)


def calling_time_between(a: datetime, b: datetime, zone: ZoneInfo,
                         policy: CallingPolicy) -> timedelta:
    """Calling-window time in [a, b); zero when b is not after a."""
    b = _aware("b", b)
    total = timedelta(0)
    if b <= _aware("a", a):
        return total
    for slot in windows_from(a, zone, policy):
        if slot.at >= b:
            break
        total += min(slot.closes, b) - slot.at
    return total


def advance(start: datetime, amount: timedelta, zone: ZoneInfo, policy: CallingPolicy) -> Slot:
    """The slot reached after `amount` of calling time from `start` (inside a window)."""
    remaining = amount
    for slot in windows_from(start, zone, policy):
        length = slot.closes - slot.at
        if remaining < length:
            return Slot(slot.at + remaining, slot.closes)
        remaining -= length
    raise NoCallingWindow(f"{amount} of calling time is beyond {SEARCH_DAYS} days")


def first_slot(now: datetime, opens_at: datetime, zone: ZoneInfo, policy: CallingPolicy) -> Slot:
    """Where a new job's first attempt goes: the first window once the job is open."""
    return next_slot(max(_aware("now", now), _aware("opens_at", opens_at)), zone, policy)


def retry_slot(now: datetime, remaining: int, due_at: datetime, zone: ZoneInfo,
               policy: CallingPolicy) -> Slot:
    """Where the next of `remaining` attempts goes, spread so the last lands before `due_at`.

    Past the deadline (or with no calling time left) the minimum gap applies: a late call
    is still better than none, and the job is flagged at risk meanwhile.
    """
    if remaining < 1:
        raise ValueError("no attempts remaining")
    left = calling_time_between(now, due_at, zone, policy)
    gap = min(max(left / (remaining + 1), policy.min_gap), policy.max_gap)
    return advance(now, gap, zone, policy)


def at_risk(next_at: datetime, remaining: int, due_at: datetime, zone: ZoneInfo,
            policy: CallingPolicy) -> bool:
    """True when the remaining attempts cannot all be placed before the deadline.

    The next attempt at `next_at`, then one every minimum gap of calling time: if the last
    of them would not start before `due_at`, the promise is at risk. A job with no attempt
    left that is not done has missed it.
    """
    if remaining < 1 or _aware("next_at", next_at) >= _aware("due_at", due_at):
        return True
    needed = policy.min_gap * (remaining - 1)
    return calling_time_between(next_at, due_at, zone, policy) <= needed


_GOLDEN = 2654435761  # Knuth's multiplicative hash: spreads consecutive ids evenly


def sampled(key: int, percent: float) -> bool:
    """R17: whether the request with id `key` is surveyed at a sampling ratio of `percent`.

    Deterministic, so a restart or a second instance decides the same; 100 keeps everyone.
    """
    if percent >= 100:
        return True
    bucket = (key * _GOLDEN) % 2**32 / 2**32 * 100
    return bucket < percent


__all__ = [
    "CallingPolicy",
    "NoCallingWindow",
    "Slot",
    "advance",
    "at_risk",
    "calling_time_between",
    "first_slot",
    "in_window",
    "next_slot",
    "retry_slot",
    "sampled",
    "windows_from",
]
