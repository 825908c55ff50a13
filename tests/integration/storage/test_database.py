from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from callcenter.directory.models import QueueRow
from callcenter.storage.database import Database, open_database

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
