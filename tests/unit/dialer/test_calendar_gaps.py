"""The dialer and the calendar's edges (R2, DOMAIN "No follow-up call is placed on a public
holiday"): no call on a day no source knows, none on an entered notice's holidays."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.settings import load_settings
from callcenter.sitecalendar.book import CalendarBook
from dialer.calling_windows import NoCallingWindow, first_slot, windows_from
from dialer.config import DialerConfig
from tests.unit.sitecalendar.support import SPRING_FESTIVAL_BREAK_2027, notice_2027

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YEARS_EVE = datetime(2026, 12, 31, 21, 0, tzinfo=SHANGHAI)


def _policy(book: CalendarBook) -> DialerConfig:
    return DialerConfig.from_settings(load_settings({}), book)


def _calling_days(config: DialerConfig, start: datetime, until: date) -> set[date]:
    days = set()
    for slot in windows_from(start, SHANGHAI, config.policy):
        day = slot.at.astimezone(SHANGHAI).date()
        if day > until:
            break
        days.add(day)
    return days


def test_a_day_beyond_every_source_is_refused_for_dialing() -> None:
    config = _policy(CalendarBook(SHANGHAI))
    assert config.policy.no_call_day(date(2027, 1, 4))  # an ordinary Monday, but unknown
    assert not config.policy.no_call_day(date(2026, 12, 30))
    with pytest.raises(NoCallingWindow):
        first_slot(NEW_YEARS_EVE, NEW_YEARS_EVE, SHANGHAI, config.policy)


def test_with_the_notice_entered_no_call_falls_on_new_year_or_the_spring_festival() -> None:
    config = _policy(CalendarBook(SHANGHAI, site=notice_2027()))
    slot = first_slot(NEW_YEARS_EVE, NEW_YEARS_EVE, SHANGHAI, config.policy)
    assert slot.at == datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI)  # 1-3 Jan are the break
    days = _calling_days(config, NEW_YEARS_EVE, date(2027, 3, 1))
    assert date(2027, 1, 1) not in days
    assert not days & set(SPRING_FESTIVAL_BREAK_2027)
    assert date(2027, 2, 14) in days  # a plain Sunday: an ordinary calling day
    assert date(2027, 2, 4) in days
    assert date(2027, 2, 15) in days
