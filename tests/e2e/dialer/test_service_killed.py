"""Fault: the service is killed (SIGKILL) mid-campaign on the real bench PBX, then started
again. No job may be dialled twice, and the attempts in flight at the kill must end
`interrupted` (counted) or reconciled from the PBX (followed to their hang-up, or settled
from the answers their flow had saved) — never left open, never written back twice.

The service runs as a real `callcenter serve` process on its own SQLite file; only it is
killed, never the shared PBX.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcenter.followups.models import SurveyResultRow
from callcenter.schema import migrate
from callcenter.storage.database import Database, open_database
from dialer.models import DialerAttemptRow, DialerJobRow
from tests.e2e.conftest import eventually
from tests.e2e.dialer import customers
from tests.e2e.dialer.conftest import dialer_env, free_port
from tests.e2e.service_process import Service
from tests.integration.dialer.support import add_customer, returned_order

pytestmark = pytest.mark.e2e

NUMBERS = [f"1390000300{n}" for n in range(1, 7)]


@pytest.fixture
def service(dialer_customers: str, tmp_path: Path) -> Iterator[Service]:
    database = f"sqlite+aiosqlite:///{tmp_path / 'killed.db'}"
    env = {**os.environ, "DATABASE_URL": database,
           "CALLCENTER_HTTP_PORT": str(free_port()), "CALLCENTER_AMI_PING_INTERVAL": "1",
           "CALLCENTER_AMI_PING_TIMEOUT": "1", "CALLCENTER_LOG_LEVEL": "INFO",
           **dialer_env(CALLCENTER_DIALER_MAX_ATTEMPTS="3")}
    running = Service(env, tmp_path / "service.log")
    yield running
    running.stop(signal.SIGTERM)


async def _seed(db: Database) -> None:
    now = datetime.now(UTC)
    for number in NUMBERS:
        customers.script(number, keys="43431", gap_ms=2000)
        customer = await add_customer(db, f"customer {number[-1]}", f"+86{number}", now=now)
        await returned_order(db, customer, "tech-kill", now)


async def _attempts(db: Database) -> list[DialerAttemptRow]:
    async with db.sessions() as session:
        return list((await session.scalars(select(DialerAttemptRow).order_by(
            DialerAttemptRow.job_id, DialerAttemptRow.number))).all())


async def test_service_killed_mid_campaign_dials_no_job_twice(service: Service,
                                                              tmp_path: Path) -> None:
    url = service.env["DATABASE_URL"]
    await asyncio.to_thread(migrate.upgrade, url)
    db = open_database(url)
    try:
        await _seed(db)
        service.start()

        async def mid_survey() -> bool:
            return sum(1 for a in await _attempts(db) if a.answers and a.outcome is None) >= 3

        await eventually(mid_survey, timeout_s=60, what="three surveys under way")
        service.stop()  # SIGKILL: no clean-up of any kind
        in_flight = {a.channel_id for a in await _attempts(db) if a.outcome is None}
        assert len(in_flight) >= 3

        service.start()  # a new worker: the old one's leases must lapse first

        async def all_finished() -> bool:
            async with db.sessions() as session:
                states = (await session.scalars(select(DialerJobRow.state))).all()
            return len(states) == len(NUMBERS) and set(states) <= {"done", "failed"}

        await eventually(all_finished, timeout_s=120, what="every job finished after restart")
        attempts = await _attempts(db)
        settled = {a.channel_id: a.outcome for a in attempts if a.channel_id in in_flight}
        assert set(settled.values()) <= {"interrupted", "answered"}
        assert None not in settled.values()

        by_job: dict[int, list[DialerAttemptRow]] = {}
        for attempt in attempts:
            by_job.setdefault(attempt.job_id, []).append(attempt)
        for job_attempts in by_job.values():
            assert [a.number for a in job_attempts] == list(range(1, len(job_attempts) + 1))
            for earlier, later in itertools.pairwise(job_attempts):
                assert earlier.ended_at is not None
                assert later.dialled_at is None or later.dialled_at >= earlier.ended_at, (
                    f"{later.channel_id} dialled while {earlier.channel_id} was still on")
            assert sum(a.outcome == "answered" for a in job_attempts) <= 1
        async with db.sessions() as session:
            jobs = (await session.scalars(select(DialerJobRow))).all()
            per_order = dict((await session.execute(
                select(SurveyResultRow.order_id, func.count())
                .group_by(SurveyResultRow.order_id))).all())
        assert all(job.attempts == len(by_job[job.id]) for job in jobs)  # interrupted counted
        assert {job.result for job in jobs} <= {"complete", "partial"}
        assert set(per_order.values()) == {1}  # written back exactly once per job
        assert len(per_order) == len(NUMBERS)
    finally:
        await db.dispose()
