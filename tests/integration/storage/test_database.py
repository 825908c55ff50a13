from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from callcenter.directory.models import QueueRow
from callcenter.storage.database import Database, open_database
from tests.conftest import PG_ADMIN_DSN

pytestmark = pytest.mark.integration


async def test_times_come_back_as_the_same_aware_utc_instant(db: Database) -> None:
    beijing = timezone(timedelta(hours=8))
    written = datetime(2026, 10, 1, 8, 30, 15, 123456, tzinfo=beijing)
    async with db.transaction() as session:
        session.add(QueueRow(name="tz", display_name="tz", created_at=written,
                             updated_at=written))
    async with db.sessions() as session:
        row = (await session.scalars(select(QueueRow).where(QueueRow.name == "tz"))).one()
    assert row.created_at == written
    assert row.created_at.tzinfo is not None
    assert row.created_at.utcoffset() == timedelta(0)
    assert row.created_at.hour == 0


async def test_naive_datetimes_are_refused(db: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with db.transaction() as session:
            session.add(QueueRow(name="naive", display_name="n",
                                 created_at=datetime(2026, 1, 1), updated_at=datetime.now(UTC)))


async def test_ping_reports_backend_and_latency(db: Database) -> None:
    report = await db.ping()
    assert report["ok"] is True
    assert report["backend"] in ("sqlite", "postgresql")
    assert report["latency_ms"] >= 0


async def test_ping_of_a_dead_postgresql_reports_the_error_instead_of_raising() -> None:
    dead = open_database("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    report = await dead.ping()
    await dead.dispose()
    assert report["ok"] is False
    assert report["error"]


async def _one(conn: AsyncConnection) -> int:
    return int((await conn.execute(text("SELECT 1"))).scalar_one())


async def _end_every_session_of(url: str) -> None:
    """What a server restart or failover does to the pool's connections, done by the real
    server: it terminates each session of the database."""
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = $1 AND pid <> pg_backend_pid()", name)
    finally:
        await admin.close()


async def test_the_hot_path_survives_connections_the_server_has_closed(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        assert await db.on_autocommit(_one) == 1  # the pool now holds an open connection
        await _end_every_session_of(pg_url)
        with pytest.raises(DBAPIError) as dead:  # unpinged: the statement finds it dead
            async with db.autocommit() as conn:
                await _one(conn)
        assert dead.value.connection_invalidated
        assert await db.on_autocommit(_one) == 1
        await _end_every_session_of(pg_url)
        assert await db.on_autocommit(_one) == 1  # retried on a fresh connection
    finally:
        await db.dispose()


async def test_a_failure_that_is_not_a_lost_connection_is_not_retried(db: Database) -> None:
    calls = 0

    async def bad(conn: AsyncConnection) -> int:
        nonlocal calls
        calls += 1
        return int((await conn.execute(text("SELECT * FROM no_such_table"))).scalar_one())

    with pytest.raises(DBAPIError):
        await db.on_autocommit(bad)
    assert calls == 1
