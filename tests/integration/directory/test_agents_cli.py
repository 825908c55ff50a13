"""`callcenter agents`: the ids an administrator links accounts to."""

from __future__ import annotations

import asyncio

import pytest

from callcenter.cli import main
from callcenter.directory.schemas import AgentSpec
from callcenter.directory.service import DirectoryService
from callcenter.storage.database import open_database

pytestmark = pytest.mark.integration


async def _add_agent(database_url: str) -> None:
    db = open_database(database_url)
    try:
        await DirectoryService(db).put_agent(AgentSpec("li.na", "Li Na", "", ("zh",),
                                                       ("PJSIP/5001",)))
    finally:
        await db.dispose()


def test_the_agents_command_lists_ids_names_and_interfaces_or_says_where_they_come_from(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    assert main(["agents"]) == 0
    assert "no agents in the directory yet" in capsys.readouterr().out
    asyncio.run(_add_agent(sqlite_url))
    assert main(["agents"]) == 0
    out = capsys.readouterr().out
    assert "li.na  Li Na / PJSIP/5001 / directory" in out
    assert "--agent ID" in out
