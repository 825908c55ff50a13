"""Fixtures for the pure-rule tests."""

from __future__ import annotations

import pytest

from callcenter.rules.calendar import WorkingCalendar
from tests.unit.rules.support import SHANGHAI


@pytest.fixture
def calendar() -> WorkingCalendar:
    """The default site: Asia/Shanghai, 09:00-18:00, no lunch break."""
    return WorkingCalendar(SHANGHAI)
