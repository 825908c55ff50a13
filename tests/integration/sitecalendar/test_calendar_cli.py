"""`callcenter calendar check`, as an operator runs it, reading the site calendar stored."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from callcenter.auth.principal import Principal, Role
from callcenter.cli import main
from callcenter.schema import migrate
from callcenter.sitecalendar import store
from callcenter.storage.database import open_database
from tests.unit.sitecalendar.support import EXAMPLE_HOLIDAYS_2027, EXAMPLE_MAKEUP_2027

pytestmark = pytest.mark.integration

ADMIN = Principal(account_id=1, username="admin", role=Role.ADMIN)


async def _enter_notice(database_url: str) -> None:
    db = open_database(database_url)
    try:
        async with db.transaction() as session:
            await store.enter_notice(
                session, ADMIN, 2027, "example",
                [store.NamedDay(d, n) for d, n in EXAMPLE_HOLIDAYS_2027],
                [store.NamedDay(d, n) for d, n in EXAMPLE_MAKEUP_2027], datetime.now(UTC))
    finally:
        await db.dispose()


def test_check_says_a_year_is_uncovered_then_covered_by_the_entered_notice(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert main(["calendar", "check", "--year", "2027"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "year=2027 covered=no source=none holidays=0 makeup_workdays=0"]
    migrate.upgrade(database_url)
    asyncio.run(_enter_notice(database_url))
    assert main(["calendar", "check", "--year", "2027"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "year=2027 covered=yes source=site-notice holidays=12 makeup_workdays=2"
    assert lines[1] == "2027-01-01 Fri holiday 元旦"
    assert main(["calendar", "check", "--year", "1999"]) == 2
