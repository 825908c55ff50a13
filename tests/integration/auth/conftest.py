"""A running app on each back-end, and a way to log people in through it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from callcenter.app import create_app
from callcenter.audit.models import AuditRow
from callcenter.storage.database import open_database
from tests.conftest import service_settings
from tests.integration.auth.support import PASSWORD, Client, cheap_passwords

AiohttpClient = Any


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_passwords(monkeypatch)


@pytest.fixture
async def client(database_url: str, aiohttp_client: AiohttpClient) -> Client:
    """An anonymous browser: it keeps cookies, but sends no token of its own."""
    app = create_app(service_settings(database_url))
    test_client: Client = await aiohttp_client(app)
    return test_client


async def log_in(client: Client, username: str, password: str = PASSWORD) -> str:
    """Log in through the API; returns the CSRF token the pages would echo."""
    response = await client.post("/api/auth/login",
                                 json={"username": username, "password": password})
    assert response.status == 200, await response.text()
    token: str = (await response.json())["csrf_token"]
    return token


async def audit_rows(database_url: str, **where: Any) -> list[AuditRow]:
    db = open_database(database_url)
    try:
        async with db.sessions() as session:
            statement = select(AuditRow).filter_by(**where).order_by(AuditRow.id)
            return list((await session.scalars(statement)).all())
    finally:
        await db.dispose()
