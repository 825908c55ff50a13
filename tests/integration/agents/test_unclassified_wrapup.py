"""A wrap-up whose time ran out is stored once, as "not classified"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from callcenter.agents.models import AgentWrapupRow
from callcenter.agents.records import NOT_CLASSIFIED, record_unclassified
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


async def test_a_wrap_up_whose_time_ran_out_is_stored_once_as_not_classified(
        db: Database) -> None:
    assert await record_unclassified(db, "li.na", "call-1", None, NOW) is True
    assert await record_unclassified(db, "li.na", "call-1", None, NOW) is False
    async with db.sessions() as session:
        rows = (await session.scalars(select(AgentWrapupRow))).all()
    assert [(r.call_id, r.agent_id, r.classification) for r in rows] == [
        ("call-1", "li.na", NOT_CLASSIFIED)]
