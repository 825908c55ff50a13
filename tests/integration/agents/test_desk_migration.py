"""Migrations 0005 and 0007 leave exactly the agent desk's tables and the registry's outbound
calls as the models describe them; 0007 goes back and forth without losing a click-to-dial."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from callcenter.calls.models import CallRow
from callcenter.schema import migrate
from callcenter.schema.tables import Base
from callcenter.storage.database import Database, open_database

pytestmark = pytest.mark.integration

TABLES = ("agent_wrapups", "promised_callbacks", "agent_dials", "'calls'")
AT = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_desk_tables_and_the_registry_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    assert [d for d in differences if any(t in repr(d) for t in TABLES)] == []
    assert "agent_dials" not in tables


async def test_click_to_dial_calls_go_back_to_agent_dials_and_return(
        db: Database, database_url: str) -> None:
    async with db.transaction() as session:
        for call_id, direction in (("dial-1", "outbound"), ("1.1", "inbound")):
            session.add(CallRow(call_id=call_id, caller_num_raw="13800000001",
                                caller_num_e164="+8613800000001", entered_at=AT, ended_at=AT,
                                exit_reason="answered", direction=direction,
                                answered_by_agent="li.na", answered_interface="PJSIP/5001",
                                customer_id=7))
    await db.dispose()
    await asyncio.to_thread(migrate.downgrade, database_url, "0005")
    reopened = open_database(database_url)
    try:
        async with reopened.sessions() as session:
            dials = (await session.execute(text(
                "SELECT leg_id, agent_id, interface, customer_id, number, result "
                "FROM agent_dials"))).all()
            calls = (await session.execute(text("SELECT call_id FROM calls"))).scalars().all()
        assert [tuple(d) for d in dials] == [
            ("dial-1", "li.na", "PJSIP/5001", 7, "+8613800000001", "answered")]
        assert calls == ["1.1"]
        await asyncio.to_thread(migrate.upgrade, database_url)
        async with reopened.sessions() as session:
            kept = (await session.scalars(select(CallRow))).all()
            assert [(c.call_id, c.direction) for c in kept] == [("1.1", "inbound")]
    finally:
        await reopened.dispose()
