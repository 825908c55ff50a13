"""Claiming a due job together with its attempt row, under a lease (one job per transaction).

On PostgreSQL one statement does it: pick the oldest due job with `FOR UPDATE SKIP LOCKED`
(concurrent workers skip a row another has locked instead of waiting for it, so they never
take the same job and never queue behind each other), mark it dialling under this worker's
lease and count the attempt, and insert the attempt row numbered with that count. Being one
statement, it is one transaction even in autocommit, one round trip. `(job_id, number)` is
unique, so even a bug elsewhere could not store a second attempt for the same slot.

SQLite has no SKIP LOCKED; there the claim is a read then a conditional update (`WHERE
state = 'pending' AND attempts = <seen>`), which is safe but serialises writers: run one
dialer worker on SQLite (README).

On PostgreSQL claims commit asynchronously (`synchronous_commit = off` on the claim pool
only, `claim_engine`): a claim is visible to every other worker the moment it commits, so
the exclusion above is untouched, but its WAL flush is not waited for — the flush (about
3 ms on these disks) would otherwise cap claiming at a few hundred jobs a second. Durability
is restored where it matters, before anything irreversible: `mark_dialled` is an ordinary
synchronous commit made right before the Originate, and committing it flushes the WAL up to
and including the claim. If PostgreSQL crashes in between, the claim may be lost, but no
call was placed for it.

A worker renews its leases while its calls last; a dead worker stops renewing, and once the
lease is over `expire_leases` hands its jobs back (`reconcile.py` decides each one's fate).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine

from callcenter.customers import queries as customers
from callcenter.storage.database import Database
from dialer.kinds import JobMode, JobState
from dialer.models import DialerAttemptRow, DialerJobRow


@dataclass(frozen=True, slots=True)
class Claim:
    """A job this worker now holds, and the attempt it is about to place."""

    job_id: int
    attempt: int
    channel_id: str
    kind: str
    customer_id: int
    phone: str | None
    due_at: datetime
    max_attempts: int


def channel_id(job_id: int, attempt: int) -> str:
    """The Originate ChannelId (= the leg's Uniqueid): names the job and the attempt."""
    return f"dialer-{job_id}-{attempt}"


def parse_channel_id(value: str) -> tuple[int, int] | None:
    """(job, attempt) from a ChannelId or a leg id derived from it (`...;2`)."""
    prefix, _, rest = value.partition(";")[0].partition("dialer-")
    job, _, attempt = rest.partition("-")
    if prefix or not job.isdigit() or not attempt.isdigit():
        return None
    return int(job), int(attempt)


_PG_CLAIM = """
WITH picked AS (
    SELECT j.id FROM dialer_jobs j
    WHERE j.state = 'pending' AND j.mode = 'auto'
      AND j.next_attempt_at <= $1 AND j.window_closes_at > $1
      AND j.attempts < j.max_attempts
      AND j.kind = ANY($4::varchar[])
      AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = j.customer_id AND c.do_not_call)
    ORDER BY j.next_attempt_at
    LIMIT 1
    FOR UPDATE OF j SKIP LOCKED
), claimed AS (
    UPDATE dialer_jobs j
    SET state = 'dialling', attempts = j.attempts + 1, lease_owner = $3,
        lease_until = $2, updated_at = $1
    FROM picked WHERE j.id = picked.id
    RETURNING j.id, j.attempts, j.kind, j.customer_id, j.phone, j.due_at, j.max_attempts
), attempt AS (
    INSERT INTO dialer_attempts (job_id, number, channel_id, worker, claimed_at, answers)
    SELECT id, attempts, 'dialer-' || id || '-' || attempts, $3, $1, '{}'
    FROM claimed
    RETURNING job_id, channel_id
)
SELECT c.id, c.attempts, a.channel_id, c.kind, c.customer_id, c.phone, c.due_at,
       c.max_attempts
FROM claimed c JOIN attempt a ON a.job_id = c.id
"""


async def claim_pg(conn: AsyncConnection, worker: str, kinds: Collection[str], now: datetime,
                   lease: timedelta) -> Claim | None:
    """PostgreSQL: claim in one statement on `conn` (in autocommit, its own transaction).

    Sent straight through the driver as a prepared statement: the statement is fixed, and
    skipping the ORM's per-call compile and type layers roughly halves the claim's CPU.
    """
    raw = (await conn.get_raw_connection()).driver_connection
    assert raw is not None
    row = await raw.fetchrow(_PG_CLAIM, now.astimezone(UTC), (now + lease).astimezone(UTC),
                             worker, list(kinds))
    if row is None:
        return None
    return Claim(row["id"], row["attempts"], row["channel_id"], row["kind"],
                 row["customer_id"], row["phone"], row["due_at"].astimezone(UTC),
                 row["max_attempts"])


async def _claim_sqlite(session: AsyncSession, worker: str, kinds: Collection[str],
                        now: datetime, lease: timedelta) -> Claim | None:
    blocked = customers.do_not_call_ids()
    job = (await session.scalars(
        select(DialerJobRow).where(
            DialerJobRow.state == JobState.PENDING.value,
            DialerJobRow.mode == JobMode.AUTO.value,
            DialerJobRow.next_attempt_at <= now, DialerJobRow.window_closes_at > now,
            DialerJobRow.attempts < DialerJobRow.max_attempts,
            DialerJobRow.kind.in_(list(kinds)),
            DialerJobRow.customer_id.not_in(blocked),
        ).order_by(DialerJobRow.next_attempt_at).limit(1))).first()
    if job is None:
        return None
    number = job.attempts + 1
    taken = await session.execute(
        update(DialerJobRow).where(DialerJobRow.id == job.id,
                                   DialerJobRow.state == JobState.PENDING.value,
                                   DialerJobRow.attempts == job.attempts)
        .values(state=JobState.DIALLING.value, attempts=number, lease_owner=worker,
                lease_until=now + lease, updated_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.add(DialerAttemptRow(job_id=job.id, number=number,
                                 channel_id=channel_id(job.id, number), worker=worker,
                                 claimed_at=now, answers={}))
    return Claim(job.id, number, channel_id(job.id, number), job.kind, job.customer_id,
                 job.phone, job.due_at, job.max_attempts)


def claim_engine(url: str) -> AsyncEngine:
    """The small PostgreSQL pool claims go through: UTC, asynchronous commit (see above)."""
    return create_async_engine(url, pool_size=2, max_overflow=2, pool_pre_ping=True,
                               pool_timeout=5, connect_args={"timeout": 5, "server_settings": {
                                   "timezone": "UTC", "synchronous_commit": "off"}})


async def claim_one(db: Database, worker: str, kinds: Collection[str], now: datetime,
                    lease: timedelta, engine: AsyncEngine | None = None) -> Claim | None:
    """Claim the oldest due job of one of `kinds`, with its attempt row, in one transaction.

    On PostgreSQL pass the `claim_engine` as `engine` (default: the database's own pool, which
    commits synchronously); call `mark_dialled` before placing the call either way.
    """
    if not kinds:
        return None
    if db.backend == "postgresql":
        async with (engine or db.engine).connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            return await claim_pg(conn, worker, kinds, now, lease)
    async with db.transaction() as session:
        return await _claim_sqlite(session, worker, kinds, now, lease)


async def mark_dialled(db: Database, claim: Claim, worker: str, now: datetime) -> bool:
    """Record that the call is about to be placed, durably; False if the claim is gone.

    A synchronous commit: it also makes the (asynchronously committed) claim durable. The
    condition makes sure this worker still holds the job (its lease was not taken over).
    """
    async with db.transaction() as session:
        held = await session.execute(
            update(DialerJobRow).where(DialerJobRow.id == claim.job_id,
                                       DialerJobRow.lease_owner == worker,
                                       DialerJobRow.state == JobState.DIALLING.value)
            .values(updated_at=now).execution_options(synchronize_session=False))
        if held.rowcount != 1:  # type: ignore[attr-defined]
            return False
        await session.execute(
            update(DialerAttemptRow).where(DialerAttemptRow.channel_id == claim.channel_id)
            .values(dialled_at=now).execution_options(synchronize_session=False))
        return True


async def renew_leases(db: Database, worker: str, job_ids: Sequence[int], now: datetime,
                       lease: timedelta) -> int:
    """Extend this worker's leases on the jobs it is still calling; how many it still holds."""
    if not job_ids:
        return 0
    async with db.transaction() as session:
        result = await session.execute(
            update(DialerJobRow).where(DialerJobRow.id.in_(list(job_ids)),
                                       DialerJobRow.lease_owner == worker,
                                       DialerJobRow.state == JobState.DIALLING.value)
            .values(lease_until=now + lease).execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]


async def expired(session: AsyncSession, now: datetime, limit: int = 100) -> list[DialerJobRow]:
    """Auto jobs whose lease ran out, locked for this transaction (others skip them)."""
    query = (select(DialerJobRow).where(
        DialerJobRow.state == JobState.DIALLING.value,
        DialerJobRow.mode == JobMode.AUTO.value,
        DialerJobRow.lease_until < now,
    ).order_by(DialerJobRow.lease_until).limit(limit).with_for_update(skip_locked=True))
    return list((await session.scalars(query)).all())


__all__ = ["Claim", "channel_id", "claim_engine", "claim_one", "claim_pg", "expired",
           "mark_dialled", "parse_channel_id", "renew_leases"]
