"""The admin's account and token API, and the audit rows each change leaves (R27, R28)."""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.auth.conftest import audit_rows, log_in
from tests.integration.auth.support import Client, bearer, issue_token

pytestmark = pytest.mark.integration


@pytest.fixture
async def admin(database_url: str) -> dict[str, str]:
    return bearer(await issue_token(database_url, Role.ADMIN, "root"))


async def test_an_account_is_created_listed_changed_and_every_change_audited(
    client: Client, database_url: str, admin: dict[str, str]
) -> None:
    created = await client.post("/api/accounts", headers=admin, json={
        "username": "Li.Na", "display_name": "李娜", "role": "agent",
        "password": "first password"})
    assert created.status == 201
    account = await created.json()
    assert {k: account[k] for k in ("username", "display_name", "role", "agent_id", "active")} \
        == {"username": "li.na", "display_name": "李娜", "role": "agent", "agent_id": None,
            "active": True}
    assert "password" not in account
    assert "password_hash" not in account
    listed = await (await client.get("/api/accounts", headers=admin)).json()
    assert [a["username"] for a in listed["accounts"]] == ["root", "li.na"]

    changed = await client.put(f"/api/accounts/{account['id']}", headers=admin, json={
        "role": "supervisor", "password": "second password"})
    assert changed.status == 200
    assert (await changed.json())["role"] == "supervisor"
    assert (await (await client.get(f"/api/accounts/{account['id']}", headers=admin)).json()
            )["role"] == "supervisor"

    rows = await audit_rows(database_url, entity="account", entity_id=str(account["id"]))
    assert [(r.username, r.role, r.action) for r in rows] == [
        ("root", "admin", "create"), ("root", "admin", "update")]
    assert rows[0].detail == {"username": "li.na", "display_name": "李娜", "role": "agent",
                              "agent_id": None, "active": True}
    assert rows[1].detail == {"changes": {"role": {"from": "agent", "to": "supervisor"},
                                          "password": "changed"}}
    await log_in(client, "li.na", "second password")


async def test_an_unchanged_put_leaves_no_audit_row(
    client: Client, database_url: str, admin: dict[str, str]
) -> None:
    me = await (await client.get("/api/auth/me", headers=admin)).json()
    same = await client.put(f"/api/accounts/{me['account_id']}", headers=admin,
                            json={"role": "admin"})
    assert same.status == 200
    assert await audit_rows(database_url, action="update") == []


async def test_a_demotion_takes_effect_on_the_next_request(
    client: Client, database_url: str, admin: dict[str, str]
) -> None:
    boss = bearer(await issue_token(database_url, Role.ADMIN, "boss"))
    assert (await client.get("/api/accounts", headers=boss)).status == 200
    boss_id = (await (await client.get("/api/auth/me", headers=boss)).json())["account_id"]
    await client.put(f"/api/accounts/{boss_id}", headers=admin, json={"role": "manager"})
    refused = await client.get("/api/accounts", headers=boss)
    assert refused.status == 403
    assert (await refused.json())["error"]["id"] == "forbidden"


async def test_the_last_active_admin_cannot_be_demoted_or_deactivated(
    client: Client, admin: dict[str, str]
) -> None:
    me = await (await client.get("/api/auth/me", headers=admin)).json()
    for change in ({"role": "manager"}, {"active": False}):
        refused = await client.put(f"/api/accounts/{me['account_id']}", headers=admin,
                                   json=change)
        assert refused.status == 409
        assert (await refused.json())["error"]["id"] == "conflict"


async def test_an_agent_account_links_to_one_existing_directory_agent(
    client: Client, admin: dict[str, str], database_url: str
) -> None:
    supervisor = bearer(await issue_token(database_url, Role.SUPERVISOR))
    await client.post("/api/agents", headers=supervisor, json={"id": "a-5001"})
    new = {"role": "agent", "password": "password1", "agent_id": "a-5001"}
    first = await client.post("/api/accounts", headers=admin, json={"username": "li", **new})
    assert first.status == 201
    assert (await first.json())["agent_id"] == "a-5001"
    second = await client.post("/api/accounts", headers=admin, json={"username": "wang", **new})
    assert second.status == 409
    assert (await second.json())["error"]["details"] == {"agent_id": "a-5001", "username": "li"}
    ghost = await client.post("/api/accounts", headers=admin,
                              json={**new, "username": "zhao", "agent_id": "nobody"})
    assert ghost.status == 400
    assert (await ghost.json())["error"]["details"] == {"field": "agent_id"}
    # Deleting the agent unlinks the account rather than deleting it.
    assert (await client.delete("/api/agents/a-5001", headers=supervisor)).status == 204
    account = await (await client.get(f"/api/accounts/{(await first.json())['id']}",
                                      headers=admin)).json()
    assert account["agent_id"] is None


BAD_ACCOUNT_REQUESTS: list[tuple[str, dict[str, object], int, str | None]] = [
    ("/api/accounts", {"username": "root", "role": "agent", "password": "password1"}, 409, None),
    ("/api/accounts", {"username": "x", "role": "boss", "password": "password1"}, 400, "role"),
    ("/api/accounts", {"username": "x", "role": "agent"}, 400, "password"),
    ("/api/accounts/0", {"role": "agent"}, 400, "id"),
    ("/api/accounts/99999999999999999999", {"role": "agent"}, 400, "id"),
    ("/api/accounts/4242", {"role": "agent"}, 404, None),
    ("/api/accounts/1", {"active": "no"}, 400, "active"),
]


async def test_bad_account_requests_get_a_clear_error(
    client: Client, admin: dict[str, str]
) -> None:
    for path, body, status, field in BAD_ACCOUNT_REQUESTS:
        send = client.post if path == "/api/accounts" else client.put
        response = await send(path, headers=admin, json=body)
        error = (await response.json())["error"]
        assert (response.status, error["details"].get("field")) == (status, field), (path, body)


async def test_a_token_is_made_shown_once_used_and_revoked(
    client: Client, database_url: str, admin: dict[str, str]
) -> None:
    await client.post("/api/accounts", headers=admin, json={
        "username": "crm", "role": "technician", "password": "password1"})
    made = await client.post("/api/tokens", headers=admin,
                             json={"username": "crm", "name": "CRM sync"})
    assert made.status == 201
    token = await made.json()
    assert token["token"].startswith("cc_")
    assert token["hint"] == token["token"][:10]
    me = await (await client.get("/api/auth/me", headers=bearer(token["token"]))).json()
    assert (me["username"], me["role"], me["via"]) == ("crm", "technician", "token")
    listed = await (await client.get("/api/tokens", headers=admin)).json()
    assert token["token"] not in str(listed)
    assert [t["name"] for t in listed["tokens"]] == ["tests", "CRM sync"]

    revoked = await client.delete(f"/api/tokens/{token['id']}", headers=admin)
    assert revoked.status == 200
    assert (await revoked.json())["revoked_at"] is not None
    assert (await client.get("/api/auth/me", headers=bearer(token["token"]))).status == 401
    rows = await audit_rows(database_url, entity="api_token", entity_id=str(token["id"]))
    assert [(r.username, r.action) for r in rows] == [("root", "create"), ("root", "revoke")]
    assert token["token"] not in str([r.detail for r in rows])


async def test_a_token_for_a_missing_or_inactive_account_is_refused(
    client: Client, admin: dict[str, str]
) -> None:
    missing = await client.post("/api/tokens", headers=admin, json={"username": "nobody"})
    assert missing.status == 400
    created = await client.post("/api/accounts", headers=admin, json={
        "username": "gone", "role": "agent", "password": "password1", "active": False})
    assert created.status == 201
    inactive = await client.post("/api/tokens", headers=admin, json={"username": "gone"})
    assert inactive.status == 409
