"""Making accounts and tokens straight through the services, for tests of any module that
need someone logged in (`aiohttp_client(app, headers=bearer(token))`)."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from callcenter.auth import passwords
from callcenter.auth.context import build_auth
from callcenter.auth.principal import Role
from callcenter.auth.schemas import NewAccount, NewToken
from callcenter.storage.database import open_database

PASSWORD = "correct horse battery"
Client = TestClient[web.Request, web.Application]


async def add_account(database_url: str, username: str, role: Role, *,
                      password: str = PASSWORD, agent_id: str | None = None) -> int:
    db = open_database(database_url)
    try:
        row = await build_auth(db).accounts.create(
            NewAccount(username, username.title(), role, password, agent_id), None)
    finally:
        await db.dispose()
    return row.id


async def issue_token(database_url: str, role: Role, username: str | None = None) -> str:
    """An account of this role (named after it unless told) and a bearer token for it."""
    name = username or f"{role}-user"
    db = open_database(database_url)
    try:
        auth = build_auth(db)
        await auth.accounts.create(NewAccount(name, name.title(), role, PASSWORD), None)
        _, token = await auth.tokens.create(NewToken(name, "tests"), None)
    finally:
        await db.dispose()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production argon2 costs ~150 ms a hash; tests that log in dozens of times use the
    cheapest parameters instead (the real ones are covered by the unit tests)."""
    monkeypatch.setattr(passwords, "_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
