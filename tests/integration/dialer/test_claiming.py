"""Claiming on real PostgreSQL: four workers, 10,000 due jobs, no job dialled twice.

The check is an independent query over the attempt rows (grouped by job), not what the
workers say they claimed. The "killed" worker is a real separate connection pool that is
cancelled mid-run (possibly between its claim's commit and its reading the answer) and
never used again, finishing and releasing nothing, as a crashed process would leave it.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from callcenter.devtools.bench.claim import claim_until_empty, seed_due_jobs
from callcenter.storage.database import Database, open_database
from dialer.claim import claim_one, parse_channel_id, renew_leases
from dialer.kinds import JobState
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.reconcile import expire_leases
from tests.integration.dialer.support import add_customer, attempt_slots, config, jobs

pytestmark = pytest.mark.integration

JOBS = 10_000
ANY_TIME = {"CALLCENTER_DIALER_WINDOWS": "00:00-24:00",
            "CALLCENTER_DIALER_RETRY_MIN_GAP": "1", "CALLCENTER_DIALER_RETRY_MAX_GAP": "1"}


async def _claim_on(db: Database, worker: str, lease: timedelta, enough: asyncio.Event,
                    claimed: list[int]) -> None:
    """A worker that claims until it is killed; `enough` is set after 100 claims."""
    while True:
        claim = await claim_one(db, worker, ("technician_survey",), datetime.now(UTC), lease)
        if claim is None:
            return
        claimed.append(claim.job_id)
        if len(claimed) >= 100:
            enough.set()


async def test_four_workers_claim_ten_thousand_jobs_each_exactly_once(pg_url: str) -> None:
    seeder = open_database(pg_url)
    await seed_due_jobs(seeder, JOBS, datetime.now(UTC))
    await seeder.dispose()
    start_line = time.time() + 1.0  # every worker connected before any claims
    counts = await asyncio.gather(*(claim_until_empty(pg_url, f"worker-{n}",
                                                      start_at=start_line)
                                    for n in range(4)))
    assert sum(counts) == JOBS
    assert all(count > 0 for count in counts)  # they really ran side by side
    check = open_database(pg_url)
    try:
        slots = await attempt_slots(check)
        assert len(slots) == JOBS
        assert set(slots.values()) == {1}
        assert {job for job, _ in slots} == {job.id for job in await jobs(check)}
        assert {number for _, number in slots} == {1}
    finally:
        await check.dispose()


async def test_a_killed_workers_jobs_come_back_after_its_lease_and_no_slot_twice(
        pg_url: str) -> None:
    """Worker 'doomed' (1 s lease) is killed mid-run; the others hold long leases. After
    the lease its jobs are interrupted (attempt 1, counted) and claimed again as attempt 2.
    The settling runs at chosen instants (before / after the lease), not on the wall clock."""
    seeder = open_database(pg_url)
    await seed_due_jobs(seeder, 2_000, datetime.now(UTC))
    await seeder.dispose()
    started = datetime.now(UTC)
    doomed_db = open_database(pg_url)
    doomed_claims: list[int] = []
    enough = asyncio.Event()
    doomed = asyncio.create_task(_claim_on(doomed_db, "doomed", timedelta(seconds=1), enough,
                                           doomed_claims))
    survivors = [open_database(pg_url) for _ in range(3)]
    first_round = [asyncio.create_task(claim_until_empty(pg_url, f"survivor-{n}"))
                   for n in range(3)]
    await asyncio.wait_for(enough.wait(), 60)
    doomed.cancel()  # killed mid-run (perhaps mid-claim): nothing released or finished
    await asyncio.gather(doomed, return_exceptions=True)
    survived = sum(await asyncio.gather(*first_round))
    settle = open_database(pg_url)
    async with settle.sessions() as session:  # what it really claimed, committed or not seen
        doomed_claims = list((await session.scalars(select(DialerAttemptRow.job_id).where(
            DialerAttemptRow.worker == "doomed"))).all())
    assert len(doomed_claims) >= 100
    assert survived + len(doomed_claims) == 2_000

    rules = config(pg_url, **ANY_TIME)
    report = await expire_leases(settle, rules, "survivor-0", started)
    assert report.interrupted == []  # no lease is over yet
    after_lease = datetime.now(UTC) + timedelta(seconds=2)
    report = await expire_leases(settle, rules, "survivor-0", after_lease)
    assert sorted(report.interrupted) == sorted(doomed_claims)
    later = after_lease + timedelta(seconds=2)
    second: list[int] = []
    for n, db in enumerate(survivors):
        while (claim := await claim_one(db, f"survivor-{n}", ("technician_survey",), later,
                                        timedelta(minutes=5))) is not None:
            assert claim.attempt == 2
            second.append(claim.job_id)
    assert sorted(second) == sorted(doomed_claims)

    slots = await attempt_slots(settle)
    assert set(slots.values()) == {1}  # no (job, attempt) slot twice
    assert sum(1 for _, number in slots if number == 2) == len(doomed_claims)
    async with settle.sessions() as session:
        interrupted = (await session.scalars(select(DialerAttemptRow.job_id).where(
            DialerAttemptRow.outcome == "interrupted"))).all()
        counted = (await session.scalars(select(DialerJobRow.attempts).where(
            DialerJobRow.id.in_(doomed_claims)))).all()
    assert sorted(interrupted) == sorted(doomed_claims)
    assert set(counted) == {2}  # the interrupted attempt counts
    for db in (*survivors, settle, doomed_db):
        await db.dispose()


async def test_renewed_lease_is_not_taken_over(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        await seed_due_jobs(db, 1, datetime.now(UTC))
        now = datetime.now(UTC)
        claim = await claim_one(db, "alive", ("technician_survey",), now, timedelta(seconds=1))
        assert claim is not None
        assert parse_channel_id(claim.channel_id) == (claim.job_id, 1)
        assert await renew_leases(db, "alive", [claim.job_id], now + timedelta(seconds=0.9),
                                  timedelta(seconds=60)) == 1
        report = await expire_leases(db, config(pg_url, **ANY_TIME), "other",
                                     now + timedelta(seconds=5))
        assert report.interrupted == []
    finally:
        await db.dispose()


async def test_sqlite_single_worker_claims_with_its_attempt_row(sqlite_url: str) -> None:
    """The embedded default: one worker, same contract (attempt row in the same commit)."""
    db = open_database(sqlite_url)
    try:
        now = datetime.now(UTC)
        await seed_due_jobs(db, 30, now)
        claims = []
        while (claim := await claim_one(db, "solo", ("technician_survey",), now,
                                        timedelta(minutes=1))) is not None:
            claims.append(claim)
        assert len(claims) == 30
        assert set((await attempt_slots(db)).values()) == {1}
        assert {job.state for job in await jobs(db)} == {JobState.DIALLING.value}
    finally:
        await db.dispose()


async def test_do_not_call_and_other_kinds_are_not_claimed(database_url: str) -> None:
    db = open_database(database_url)
    try:
        now = datetime.now(UTC)
        await seed_due_jobs(db, 3, now)
        blocked = await add_customer(db, "Zhao", "+8613900001003", do_not_call=True, now=now)
        async with db.transaction() as session:
            first = (await session.scalars(select(DialerJobRow).limit(1))).one()
            first.customer_id = blocked
        claimed = []
        while (claim := await claim_one(db, "w", ("technician_survey",), now,
                                        timedelta(minutes=1))) is not None:
            claimed.append(claim.job_id)
        assert len(claimed) == 2
        assert first.id not in claimed
        assert await claim_one(db, "w", ("renewal_notice",), now, timedelta(minutes=1)) is None
    finally:
        await db.dispose()
