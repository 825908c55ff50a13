"""GET /api/audit: filtering the trail by record and time (R27)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.auth.principal import Role
from tests.integration.auth.support import Client, bearer, issue_token

pytestmark = pytest.mark.integration


async def test_entries_are_filtered_by_record_and_time_newest_first(
    client: Client, database_url: str
) -> None:
    admin = bearer(await issue_token(database_url, Role.ADMIN, "root"))
    manager = bearer(await issue_token(database_url, Role.MANAGER, "boss"))
    before = datetime.now(UTC) - timedelta(seconds=1)
    made = await (await client.post("/api/accounts", headers=admin, json={
        "username": "li", "role": "agent", "password": "password1"})).json()
    await client.put(f"/api/accounts/{made['id']}", headers=admin, json={"role": "technician"})

    found = await client.get("/api/audit", headers=manager, params={
        "entity": "account", "entity_id": str(made["id"]), "since": before.isoformat()})
    assert found.status == 200
    entries = (await found.json())["entries"]
    assert [(e["action"], e["username"], e["role"]) for e in entries] == [
        ("update", "root", "admin"), ("create", "root", "admin")]
    assert datetime.fromisoformat(entries[0]["at"]) >= before

    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    none = await client.get("/api/audit", headers=manager, params={"since": later})
    assert (await none.json())["entries"] == []
    one = await client.get("/api/audit", headers=manager, params={"limit": "1"})
    assert len((await one.json())["entries"]) == 1


BAD_FILTERS: list[tuple[dict[str, str], str]] = [
    ({"since": "yesterday"}, "since"),
    ({"since": "2025-10-01T08:00:00"}, "since"),
    ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
    ({"limit": "0"}, "limit"),
    ({"limit": "1001"}, "limit"),
    ({"limit": "-1"}, "limit"),
    ({"entity": "x" * 41}, "entity"),
]


async def test_bad_filters_get_invalid_input(client: Client, database_url: str) -> None:
    admin = bearer(await issue_token(database_url, Role.ADMIN))
    for params, field in BAD_FILTERS:
        response = await client.get("/api/audit", headers=admin, params=params)
        error = (await response.json())["error"]
        assert (response.status, error["details"].get("field")) == (400, field), params
