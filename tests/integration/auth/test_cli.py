"""`callcenter account add` and `callcenter token add`, as an operator would run them."""

from __future__ import annotations

import asyncio
import io

import pytest

from callcenter.auth.context import build_auth
from callcenter.auth.principal import Role
from callcenter.cli import main
from callcenter.storage.database import open_database
from tests.integration.auth.conftest import audit_rows

pytestmark = pytest.mark.integration


def _run(monkeypatch: pytest.MonkeyPatch, database_url: str, argv: list[str],
         stdin: str = "") -> int:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_the_first_admin_and_a_token_come_from_the_command_line(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, database_url, ["account", "add", "Root", "--role", "admin"],
                "a long password\n") == 0
    assert "root (admin) created" in capsys.readouterr().out
    assert _run(monkeypatch, database_url, ["token", "add", "root", "--name", "crm"]) == 0
    token = capsys.readouterr().out.strip()
    asyncio.run(_check(database_url, token))


async def _check(database_url: str, token: str) -> None:
    db = open_database(database_url)
    try:
        auth = build_auth(db)
        resolved = await auth.credentials.token(token)
        assert resolved is not None
        assert (resolved.principal.username, resolved.principal.role) == ("root", Role.ADMIN)
        await auth.logins.login("root", "a long password", "127.0.0.1")
    finally:
        await db.dispose()
    rows = await audit_rows(database_url, role="system")
    assert [(r.action, r.entity) for r in rows] == [("create", "account"),
                                                    ("create", "api_token")]
    assert all(r.username.startswith("cli:") for r in rows)


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["account", "add", "li", "--role", "agent"], "short\n", "password"),
        (["account", "add", "li", "--role", "agent", "--agent", "nobody"], "password1\n",
         "agent_id"),
        (["token", "add", "nobody"], "", "no account"),
    ],
)
def test_mistakes_are_reported_without_a_traceback(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], stdin: str, message: str
) -> None:
    assert _run(monkeypatch, database_url, argv, stdin) == 1
    assert message in capsys.readouterr().err


def test_an_agent_account_without_an_agent_link_is_made_with_a_warning_saying_what_to_do(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(monkeypatch, sqlite_url, ["account", "add", "newbie", "--role", "agent"],
                "a long password\n") == 0
    out = capsys.readouterr().out
    assert "newbie (agent) created" in out
    assert "warning: no --agent given" in out
    assert "callcenter agents" in out
