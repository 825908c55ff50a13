"""A running service with one logged-in account per role, for the back-office API tests.

Accounts and bearer tokens are made through the real auth services, so these tests go
through the same authentication middleware and `require(...)` checks as production.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from callcenter.app import create_app
from callcenter.audit.models import AuditRow
from callcenter.auth.principal import Role
from callcenter.storage.database import Database, open_database
from tests.conftest import service_settings
from tests.integration.auth.support import bearer, issue_token

AiohttpClient = Any


@dataclass
class Api:
    """The test client; `call` sends a request as a role (its account made on first use)."""

    client: TestClient[web.Request, web.Application]
    database_url: str
    db: Database
    tokens: dict[Role, str]

    async def call(self, role: Role, method: str, path: str, **kwargs: Any) -> ClientResponse:
        if role not in self.tokens:
            self.tokens[role] = await issue_token(self.database_url, role)
        headers = {**bearer(self.tokens[role]), **kwargs.pop("headers", {})}
        return await self.client.request(method, path, headers=headers, **kwargs)

    async def ok(self, role: Role, method: str, path: str, status: int = 200,
                 **kwargs: Any) -> Any:
        """Send and expect `status`; the JSON body (None for 204)."""
        response = await self.call(role, method, path, **kwargs)
        body = None if response.status == 204 else await response.json()
        assert response.status == status, (method, path, response.status, body)
        return body

    async def audit(self, entity: str, entity_id: object) -> list[tuple[str, str, str]]:
        """(action, username, role) of the audit rows about one record, oldest first."""
        async with self.db.sessions() as session:
            rows = (await session.scalars(select(AuditRow).where(
                AuditRow.entity == entity, AuditRow.entity_id == str(entity_id)
            ).order_by(AuditRow.id))).all()
        return [(r.action, r.username, r.role) for r in rows]


def username(role: Role) -> str:
    return f"{role}-user"


@pytest.fixture
async def api(database_url: str, aiohttp_client: AiohttpClient) -> AsyncIterator[Api]:
    app = create_app(service_settings(database_url))
    client: TestClient[web.Request, web.Application] = await aiohttp_client(app)
    db = open_database(database_url)
    yield Api(client, database_url, db, {})
    await db.dispose()


NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai, a working day
