"""Helpers for the pure-rule tests: the Shanghai site's zone and wall-clock times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock time at the Shanghai site."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
