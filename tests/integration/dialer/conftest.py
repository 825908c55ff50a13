"""Fixtures of the dialer's integration tests: a dialer on a frozen clock, on both back-ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.storage.database import Database, open_database
from dialer.engine import Dialer
from ivr_flows.prompts import load_prompts
from tests.integration.dialer.support import add_customer, config, returned_order

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
FAST = {"CALLCENTER_DIALER_WINDOWS": "00:00-24:00", "CALLCENTER_DIALER_RETRY_MIN_GAP": "60",
        "CALLCENTER_DIALER_RETRY_MAX_GAP": "60", "CALLCENTER_DIALER_ORIGINATES_PER_S": "1000",
        "CALLCENTER_DIALER_RING_SECONDS": "5", "CALLCENTER_DIALER_LEASE_SECONDS": "30",
        "CALLCENTER_DIALER_TICK_SECONDS": "1"}


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Bench:
    db: Database
    database_url: str
    clock: Clock
    dialers: list[Dialer] = field(default_factory=list)

    def dialer(self, **extra: str) -> Dialer:
        dialer = Dialer(self.db, config(self.database_url, **FAST, **extra), load_prompts(),
                        CallTracker(everywhere(RingRule()), lambda interface: None),
                        clock=self.clock)
        self.dialers.append(dialer)
        return dialer

    async def survey_for(self, name: str, number: str, technician: str = "tech-wang") -> int:
        customer = await add_customer(self.db, name, f"+86{number}", now=NOW)
        await returned_order(self.db, customer, technician, NOW)
        return customer


@pytest.fixture
async def bench(database_url: str) -> AsyncIterator[Bench]:
    db = open_database(database_url)
    bench = Bench(db, database_url, Clock())
    yield bench
    for dialer in bench.dialers:  # calls a finished one started meanwhile (refill)
        await dialer.stop()
    await db.dispose()


def channel(number: str) -> str:
    return f"PJSIP/{number}@trunk"


