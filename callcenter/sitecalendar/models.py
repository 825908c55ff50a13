"""The site calendar's tables: entered notices (one row a year) and the days they name."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class CalendarYearRow(Base):
    """A year whose State Council notice is entered in full: every day of it is known."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    reference: Mapped[str] = mapped_column(String(200), default="")
    entered_by: Mapped[str] = mapped_column(String(80))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CalendarDayRow(Base):
    """One day the site calendar decides: `kind` holiday or workday.

    `origin` tells a day of an entered notice ("notice", replaced when the notice is entered
    again) from the site's own exception ("site", kept until removed).
    """

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(80), default="")
    origin: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[str] = mapped_column(String(80))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
