"""Migration 0003 creates exactly the tables the models describe, on both back-ends."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from callcenter.schema.tables import Base
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration

TABLES = ("accounts", "api_tokens", "auth_sessions", "audit_log")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_the_tables_match_the_models(db: Database) -> None:
    async with db.engine.connect() as connection:
        differences = await connection.run_sync(_differences)
    mine = [d for d in differences if any(t in repr(d) for t in TABLES)]
    assert mine == []
