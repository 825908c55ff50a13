"""Migration 0005 creates exactly the agent desk's tables as the models describe them."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from callcenter.storage.database import Database
from callcenter.storage.models import Base

pytestmark = pytest.mark.integration

TABLES = ("agent_wrapups", "promised_callbacks", "agent_dials")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_desk_tables_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    assert [d for d in differences if any(t in repr(d) for t in TABLES)] == []
