"""The declared replies of the login, account and token API, as the client sees them."""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.auth.support import PASSWORD, Client, add_account, bearer, issue_token

pytestmark = pytest.mark.integration


async def test_instants_are_utc_with_a_z_like_everywhere_in_the_api(
    client: Client, database_url: str
) -> None:
    admin = bearer(await issue_token(database_url, Role.ADMIN, "root"))
    await add_account(database_url, "li.na", Role.AGENT)
    login = await (await client.post("/api/auth/login", json={
        "username": "li.na", "password": PASSWORD})).json()
    account = await (await client.get("/api/accounts/1", headers=admin)).json()
    made = await (await client.post("/api/tokens", headers=admin,
                                    json={"username": "li.na"})).json()
    assert [value[-1] for value in (login["expires_at"], account["created_at"],
                                    account["updated_at"], made["created_at"])] == ["Z"] * 4
    assert (made["name"], made["revoked_at"]) == ("", None)


async def test_a_login_with_a_field_it_does_not_know_is_refused_and_names_it(
    client: Client,
) -> None:
    response = await client.post("/api/auth/login", json={
        "username": "li.na", "password": PASSWORD, "remember": True})
    assert response.status == 400
    assert (await response.json())["error"]["details"] == {"field": "remember"}
