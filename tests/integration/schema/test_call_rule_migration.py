"""Migration 0009 gives every stored call the R1 rule it was judged by: the columns match the
model, inbound calls already stored get the rule the service judged them by until then (their
queue's in the directory, else the site's from the settings), outbound calls none; and the
columns go away on downgrade."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from callcenter.schema import migrate
from callcenter.schema.tables import Base
from callcenter.storage.database import Database, open_database

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
NEW_COLUMNS = {"rule_max_rings", "rule_ring_cycle_s"}


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def _call_columns(db: Database) -> set[str]:
    async with db.engine.connect() as connection:
        return await connection.run_sync(
            lambda c: {col["name"] for col in inspect(c).get_columns("calls")})


async def test_the_rule_columns_match_the_model(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert [d for d in differences if "'calls'" in repr(d) or "rule_" in repr(d)] == []
    assert await _call_columns(db) >= NEW_COLUMNS


async def test_stored_calls_get_their_queue_rule_or_the_site_rule_and_outbound_none(
        db: Database, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    await db.dispose()
    await asyncio.to_thread(migrate.downgrade, database_url, "0007")
    old = open_database(database_url)
    try:
        assert not NEW_COLUMNS & await _call_columns(old)
        async with old.transaction() as session:
            await session.execute(text(
                "INSERT INTO queues (name, display_name, greeting, ring_threshold, "
                "ring_cycle_s, wrapup_s, source, created_at, updated_at) VALUES "
                "('sales', 'Sales', '', 2, 7.5, 30, 'directory', :at, :at)"), {"at": AT})
            for call_id, queue, direction in (("1.1", "sales", "inbound"),
                                              ("1.2", "walk-in", "inbound"),
                                              ("1.3", None, "inbound"),
                                              ("dial-1", None, "outbound")):
                await session.execute(text(
                    "INSERT INTO calls (call_id, caller_num_raw, caller_name, queue, "
                    "entered_at, ended_at, exit_reason, interrupted, direction) VALUES "
                    "(:call_id, '13800000001', '', :queue, :at, :at, 'answered', false, "
                    ":direction)"),
                    {"call_id": call_id, "queue": queue, "at": AT, "direction": direction})
    finally:
        await old.dispose()
    monkeypatch.setenv("CALLCENTER_SLA_MAX_RINGS", "4")
    monkeypatch.setenv("CALLCENTER_RING_CYCLE_SECONDS", "6")
    await asyncio.to_thread(migrate.upgrade, database_url)
    upgraded = open_database(database_url)
    try:
        async with upgraded.sessions() as session:
            rows = (await session.execute(text(
                "SELECT call_id, rule_max_rings, rule_ring_cycle_s FROM calls "
                "ORDER BY call_id"))).all()
        assert [tuple(r) for r in rows] == [
            ("1.1", 2, 7.5), ("1.2", 4, 6.0), ("1.3", 4, 6.0), ("dial-1", None, None)]
    finally:
        await upgraded.dispose()
