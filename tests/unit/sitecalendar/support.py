"""A year's holiday notice in the State Council's form, as the tests enter it.

The dates are an example written for these tests, shaped like a real notice (a New Year
break, a Spring Festival break around 春节 2027-02-06, the weekend days that pay for it), not
the official 2027 arrangement: the tests check what the service does with a notice, whatever
its content.
"""

from __future__ import annotations

from datetime import date, timedelta

from callcenter.rules.calendar import DayKind, SiteDay, SiteDays

EXAMPLE_HOLIDAYS_2027: tuple[tuple[date, str], ...] = (
    *((date(2027, 1, 1) + timedelta(days=n), "元旦") for n in range(3)),
    *((date(2027, 2, 5) + timedelta(days=n), "春节") for n in range(9)),
)
EXAMPLE_MAKEUP_2027: tuple[tuple[date, str], ...] = (
    (date(2027, 1, 31), "春节调休"), (date(2027, 2, 20), "春节调休"))
SPRING_FESTIVAL_BREAK_2027 = [d for d, name in EXAMPLE_HOLIDAYS_2027 if name == "春节"]


def notice_2027() -> SiteDays:
    """The example notice as the store loads it: the year covered, its days named."""
    days = [SiteDay(d, DayKind.HOLIDAY, n) for d, n in EXAMPLE_HOLIDAYS_2027]
    days += [SiteDay(d, DayKind.WORKDAY, n) for d, n in EXAMPLE_MAKEUP_2027]
    return SiteDays.of(days, [2027])


def notice_body() -> dict[str, object]:
    """The same notice as `PUT /api/calendar/years/2027` takes it."""
    return {"reference": "国办发明电〔2026〕example",
            "holidays": [{"date": d.isoformat(), "name": n} for d, n in EXAMPLE_HOLIDAYS_2027],
            "makeup_workdays": [{"date": d.isoformat(), "name": n}
                                for d, n in EXAMPLE_MAKEUP_2027]}
