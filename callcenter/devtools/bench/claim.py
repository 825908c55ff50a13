"""`callcenter bench claim`: dialer workers claiming due jobs on PostgreSQL, timed.

    callcenter bench claim [--jobs 10000] [--workers 4] [--database-url URL]

1. a fresh PostgreSQL database (or `--database-url`), migrated, gets `--jobs` due follow-up
   jobs (one customer per 100 jobs);
2. `--workers` processes (real processes, each with its own connection and event loop, as
   separate service instances would be) claim jobs as fast as they can with the dialer's
   own `claim_pg`: one job per transaction, which includes its attempt row (one statement,
   `FOR UPDATE SKIP LOCKED`), until none is left;
3. the clock stops when every worker has found nothing more to claim; then an independent
   query, not the workers' own counts, groups the attempt rows by job: a job with more than
   one attempt row, or a due job with none, is a double claim or a lost one.

Prints `claim_jobs_per_s=... double_claims=...` last (targets: >= 2000 and 0). A benchmark:
it prints figures and never fails on timing.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import queue
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy import insert, text

from callcenter.customers.models import CustomerPhoneRow, CustomerRow
from callcenter.schema import migrate
from callcenter.settings import Settings, database_url
from callcenter.storage.database import Database, open_database
from dialer.claim import claim_engine, claim_pg
from dialer.models import DialerJobRow

KIND = "technician_survey"
LEASE = timedelta(minutes=30)
JOBS_PER_CUSTOMER = 100


async def seed_due_jobs(db: Database, count: int, now: datetime) -> None:
    """`count` pending auto jobs, due now, inside an open calling window."""
    customers = max(1, -(-count // JOBS_PER_CUSTOMER))
    async with db.transaction() as session:
        ids = list((await session.scalars(insert(CustomerRow).returning(CustomerRow.id), [
            {"name": f"bench customer {n}", "created_at": now, "updated_at": now,
             "address": "", "zone": "city", "time_zone": "Asia/Shanghai", "overseas": False,
             "vip": False, "language": "zh", "do_not_call": False, "notes": ""}
            for n in range(customers)])).all())
        await session.execute(insert(CustomerPhoneRow), [
            {"customer_id": cid, "e164": f"+861390000{n:04d}", "label": ""}
            for n, cid in enumerate(ids)])
        rows = [{
            "kind": KIND, "mode": "auto", "state": "pending", "customer_id": ids[n % customers],
            "subject": f"bench:{n}", "phone": f"+861390000{n % customers:04d}",
            "opens_at": now - timedelta(hours=1), "due_at": now + timedelta(days=3),
            "next_attempt_at": now - timedelta(seconds=n % 600),
            "window_closes_at": now + timedelta(days=1), "attempts": 0, "max_attempts": 3,
            "at_risk": False, "note": "", "payload": {}, "created_at": now, "updated_at": now,
        } for n in range(count)]
        for start in range(0, count, 5000):
            await session.execute(insert(DialerJobRow), rows[start:start + 5000])


async def claim_until_empty(url: str, worker: str, lease: timedelta = LEASE,
                            start_at: float | None = None) -> int:
    """Claim jobs one per transaction, as the dialer does (its claim pool, autocommit: the
    statement is the transaction), until none is due; connected before `start_at`."""
    engine = claim_engine(url)
    claimed = 0
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            if start_at is not None:
                await asyncio.sleep(max(0.0, start_at - time.time()))
            while await claim_pg(conn, worker, (KIND,), datetime.now(UTC), lease) is not None:
                claimed += 1
    finally:
        await engine.dispose()
    return claimed


DOUBLE_CLAIMS = text("""
SELECT
  (SELECT count(*) FROM (SELECT job_id FROM dialer_attempts GROUP BY job_id
                         HAVING count(*) > 1) AS twice) AS double_claims,
  (SELECT count(*) FROM dialer_jobs j
   WHERE NOT EXISTS (SELECT 1 FROM dialer_attempts a WHERE a.job_id = j.id)) AS unclaimed,
  (SELECT count(*) FROM dialer_attempts) AS attempts
""")


def _worker(url: str, name: str, start_at: float, results: multiprocessing.Queue[int]) -> None:
    async def run() -> int:
        return await claim_until_empty(url, name, start_at=start_at)

    results.put(asyncio.run(run()))


@dataclass(frozen=True, slots=True)
class ClaimResult:
    jobs: int
    workers: int
    seconds: float
    claimed: int
    double_claims: int
    unclaimed: int
    attempts: int

    @property
    def per_second(self) -> float:
        return self.claimed / self.seconds if self.seconds else 0.0


def run_workers(url: str, workers: int) -> tuple[float, int]:
    """Start `workers` processes together; (seconds until the last is done, total claims)."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[int] = context.Queue()
    start_at = time.time() + 3.0  # time for every process to import and connect
    processes = [context.Process(target=_worker, args=(url, f"bench-{n}", start_at, results))
                 for n in range(workers)]
    for process in processes:
        process.start()
    counts: list[int] = []
    while len(counts) < workers:
        try:
            counts.append(results.get(timeout=1.0))
        except queue.Empty:
            if all(p.exitcode is not None for p in processes) and results.empty():
                raise RuntimeError("a claim worker died without reporting") from None
    elapsed = time.time() - start_at
    for process in processes:
        process.join()
    return elapsed, sum(counts)


async def _check(url: str) -> tuple[int, int, int]:
    db = open_database(url)
    try:
        async with db.engine.connect() as conn:
            row = (await conn.execute(DOUBLE_CLAIMS)).one()
    finally:
        await db.dispose()
    return int(row.double_claims), int(row.unclaimed), int(row.attempts)


def bench(url: str, jobs: int, workers: int) -> ClaimResult:
    migrate.upgrade(url)
    db = open_database(url)
    asyncio.run(_seed(db, jobs))
    seconds, claimed = run_workers(url, workers)
    double, unclaimed, attempts = asyncio.run(_check(url))
    return ClaimResult(jobs, workers, seconds, claimed, double, unclaimed, attempts)


async def _seed(db: Database, jobs: int) -> None:
    try:
        await seed_due_jobs(db, jobs, datetime.now(UTC))
    finally:
        await db.dispose()


async def _admin(dsn: str, sql: str) -> None:
    conn = await asyncpg.connect(dsn, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run(args: argparse.Namespace, settings: Settings) -> int:
    import os

    url = args.database_url
    admin = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = None
    if url is None:
        name = f"callcenter_bench_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
        url = "postgresql+asyncpg://" + admin.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    else:
        url = database_url(url)
        if not url.startswith("postgresql"):
            print("callcenter bench claim: needs PostgreSQL (SQLite runs one dialer worker)")
            return 2
    try:
        result = bench(url, args.jobs, args.workers)
    finally:
        if name is not None:
            asyncio.run(_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(f"jobs={result.jobs} workers={result.workers} claimed={result.claimed} "
          f"attempt_rows={result.attempts} unclaimed={result.unclaimed} "
          f"seconds={result.seconds:.2f}")
    print(f"claim_jobs_per_s={result.per_second:.0f} double_claims={result.double_claims}")
    return 0 if result.double_claims == 0 and result.unclaimed == 0 else 1


__all__ = ["DOUBLE_CLAIMS", "claim_until_empty", "run", "seed_due_jobs"]
