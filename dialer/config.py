"""The dialer's settings turned into the objects its rules take, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from callcenter.rules.calendar import WorkingCalendar
from callcenter.settings import DialerSettings, Settings
from callcenter.sitecalendar.book import CalendarBook
from dialer.calling_windows import CallingPolicy
from dialer.kinds import JobKind


@dataclass(frozen=True, slots=True)
class DialerConfig:
    """Everything the dialer reads from the settings, in the types its modules use."""

    dialer: DialerSettings
    site_zone: ZoneInfo
    phone_region: str
    policy: CallingPolicy
    book: CalendarBook

    @classmethod
    def from_settings(cls, settings: Settings, book: CalendarBook | None = None
                      ) -> DialerConfig:
        """`book` is the service's live calendar; without one, the library's alone."""
        d = settings.dialer
        book = book or CalendarBook(settings.zone)
        policy = CallingPolicy(
            windows=d.calling_windows,
            no_call_day=_no_holiday if d.call_on_holidays else book.no_call_day,
            min_gap=timedelta(seconds=d.retry_min_gap_s),
            max_gap=timedelta(seconds=d.retry_max_gap_s),
        )
        return cls(d, settings.zone, settings.phone_region, policy, book)

    @property
    def calendar(self) -> WorkingCalendar:
        return self.book.current()

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.dialer.lease_s)

    @property
    def enabled_topics(self) -> frozenset[str]:
        return frozenset(self.dialer.job_events)

    def kind_cap(self, kind: str) -> int:
        """Concurrent calls allowed for `kind`: its own cap, never above the global one."""
        caps = dict(self.dialer.kind_caps)
        return min(caps.get(kind, self.dialer.max_calls), self.dialer.max_calls)

    def customer_zone(self, name: str | None) -> ZoneInfo:
        """A customer's own zone for calling windows; the site's when unset or unknown."""
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, KeyError):
                pass
        return self.site_zone


def _no_holiday(day: date) -> bool:
    """A site told to call on public holidays too (outside mainland China, or the bench)."""
    return False


AUTO_KINDS: tuple[str, ...] = tuple(k.value for k in JobKind if k is not JobKind.AGENT_CALLBACK)
"""Kinds the dialer calls by itself; agent call-backs are preview jobs for people."""

__all__ = ["AUTO_KINDS", "DialerConfig"]
