"""Logging in for pages: cookies, CSRF, logout, rate limiting and the audit trail."""

from __future__ import annotations

import time

import pytest

from callcenter.app import create_app
from callcenter.auth import login
from callcenter.auth.principal import Role
from callcenter.auth.ratelimit import Backoff
from tests.conftest import service_settings
from tests.integration.auth.conftest import AiohttpClient, audit_rows, log_in
from tests.integration.auth.support import Client, add_account, bearer, issue_token

pytestmark = pytest.mark.integration


async def test_login_sets_a_locked_down_session_cookie_and_a_readable_csrf_cookie(
    client: Client, database_url: str
) -> None:
    account_id = await add_account(database_url, "li.na", Role.AGENT)
    response = await client.post("/api/auth/login",
                                 json={"username": "Li.Na", "password": "correct horse battery"})
    assert response.status == 200
    body = await response.json()
    assert body["account"] == {"account_id": account_id, "username": "li.na", "role": "agent",
                               "agent_id": None, "via": "session"}
    session, csrf = response.cookies["cc_session"], response.cookies["cc_csrf"]
    assert session["httponly"]
    assert (session["samesite"], session["path"]) == ("Lax", "/")
    assert not csrf["httponly"]
    assert csrf["samesite"] == "Lax"
    assert csrf.value == body["csrf_token"]
    me = await client.get("/api/auth/me")
    assert me.status == 200
    assert (await me.json())["username"] == "li.na"


async def test_logout_ends_the_session(client: Client, database_url: str) -> None:
    await add_account(database_url, "li.na", Role.AGENT)
    csrf = await log_in(client, "li.na")
    refused = await client.post("/api/auth/logout")
    assert refused.status == 403
    assert (await refused.json())["error"]["id"] == "csrf-failed"
    assert (await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})).status == 204
    assert (await client.get("/api/auth/me")).status == 401
    logouts = await audit_rows(database_url, action="logout")
    assert [(r.username, r.entity) for r in logouts] == [("li.na", "account")]


async def test_a_stolen_cookie_is_useless_after_logout(
    client: Client, database_url: str
) -> None:
    await add_account(database_url, "li.na", Role.AGENT)
    csrf = await log_in(client, "li.na")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["cc_session"].value
    await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    replay = await client.get("/api/auth/me", cookies={"cc_session": cookie})
    assert replay.status == 401


async def test_wrong_password_and_unknown_user_get_the_same_answer_and_are_audited(
    client: Client, database_url: str
) -> None:
    account_id = await add_account(database_url, "li.na", Role.AGENT)
    wrong = await client.post("/api/auth/login", json={"username": "li.na", "password": "nope"})
    unknown = await client.post("/api/auth/login", json={"username": "who", "password": "nope"})
    assert wrong.status == unknown.status == 401
    assert (await wrong.json())["error"] == (await unknown.json())["error"] == {
        "id": "login-failed", "message": "wrong username or password", "details": {}}
    await log_in(client, "li.na")
    rows = await audit_rows(database_url, action="login")
    assert [(r.account_id, r.username, r.entity_id, r.detail["outcome"],
             r.detail.get("reason")) for r in rows] == [
        (account_id, "li.na", str(account_id), "failure", "bad-password"),
        (None, "who", "who", "failure", "unknown-user"),
        (account_id, "li.na", str(account_id), "success", None),
    ]
    assert all(r.detail["address"] == "127.0.0.1" for r in rows)


async def test_an_inactive_account_cannot_log_in(client: Client, database_url: str) -> None:
    admin = await issue_token(database_url, Role.ADMIN)
    account_id = await add_account(database_url, "li.na", Role.AGENT)
    changed = await client.put(f"/api/accounts/{account_id}", json={"active": False},
                               headers=bearer(admin))
    assert changed.status == 200
    refused = await client.post("/api/auth/login",
                                json={"username": "li.na", "password": "correct horse battery"})
    assert refused.status == 401
    (row,) = await audit_rows(database_url, action="login")
    assert row.detail["reason"] == "inactive"


@pytest.mark.parametrize("change", [{"active": False}, {"password": "a new password"}])
async def test_deactivation_or_a_new_password_ends_existing_sessions(
    client: Client, database_url: str, change: dict[str, object]
) -> None:
    admin = await issue_token(database_url, Role.ADMIN)
    account_id = await add_account(database_url, "li.na", Role.AGENT)
    await log_in(client, "li.na")
    assert (await client.get("/api/auth/me")).status == 200
    changed = await client.put(f"/api/accounts/{account_id}", json=change, headers=bearer(admin))
    assert changed.status == 200
    assert (await client.get("/api/auth/me")).status == 401


async def test_cookie_changes_need_the_csrf_header_and_reads_do_not(
    client: Client, database_url: str
) -> None:
    await add_account(database_url, "zhang", Role.SUPERVISOR)
    csrf = await log_in(client, "zhang")
    queue = {"name": "csrf-probe"}
    missing = await client.post("/api/queues", json=queue)
    wrong = await client.post("/api/queues", json=queue, headers={"X-CSRF-Token": "guess"})
    for refused in (missing, wrong):
        assert refused.status == 403
        assert (await refused.json())["error"]["id"] == "csrf-failed"
    assert (await client.get("/api/queues")).status == 200
    assert (await client.get("/api/queues/csrf-probe")).status == 404  # nothing was created
    ok = await client.post("/api/queues", json=queue, headers={"X-CSRF-Token": csrf})
    assert ok.status == 201
    deleted = await client.delete("/api/queues/csrf-probe", headers={"X-CSRF-Token": csrf})
    assert deleted.status == 204


async def test_a_bearer_token_needs_no_csrf_header(client: Client, database_url: str) -> None:
    token = await issue_token(database_url, Role.SUPERVISOR)
    created = await client.post("/api/queues", json={"name": "token-probe"}, headers=bearer(token))
    assert created.status == 201
    me = await client.get("/api/auth/me", headers=bearer(token))
    assert (await me.json())["via"] == "token"


async def test_a_bad_authorization_header_is_refused_even_where_public(
    client: Client,
) -> None:
    for header in ("Bearer cc_not-a-real-token", "Bearer ", "Basic dTpw"):
        response = await client.get("/api/openapi.json", headers={"Authorization": header})
        assert response.status == 401, header
        assert (await response.json())["error"]["id"] == "unauthenticated"


async def attempt(client: Client, username: str, password: str = "guess") -> int:
    """One login attempt from 127.0.0.1; its HTTP status."""
    response = await client.post("/api/auth/login",
                                 json={"username": username, "password": password})
    return response.status


@pytest.fixture
def fast_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The production curves scaled down to tenths of a second, so the test waits little."""
    monkeypatch.setattr(login, "USER_BACKOFF", Backoff(free=3, base_s=0.1, cap_s=0.4))
    monkeypatch.setattr(login, "ADDRESS_BACKOFF", Backoff(free=6, base_s=0.1, cap_s=0.2))


async def timed_attempt(client: Client, username: str, password: str = "guess"
                        ) -> tuple[int, float]:
    started = time.monotonic()
    status = await attempt(client, username, password)
    return status, time.monotonic() - started


async def test_a_wrong_password_attacker_is_slowed_and_the_right_password_still_admitted(
    client: Client, database_url: str, fast_backoff: None
) -> None:
    await add_account(database_url, "li.na", Role.AGENT)
    guesses = [await timed_attempt(client, "li.na") for _ in range(8)]
    assert [status for status, _ in guesses] == [401] * 8  # slowed, never refused
    # After 3 failures each guess waits its turn: 0.1 s doubling to the 0.4 s cap.
    slowest_possible = [0.1, 0.2, 0.4, 0.4, 0.4]
    assert all(took >= wait - 0.01 for (_, took), wait in zip(guesses[3:], slowest_possible,
                                                               strict=True)), guesses
    owner, took = await timed_attempt(client, "li.na", "correct horse battery")
    assert (owner, took >= 0.39) == (200, True)  # in its turn, and admitted
    logins = await audit_rows(database_url, action="login")
    assert [r.detail["outcome"] for r in logins] == ["failure"] * 8 + ["success"]


async def test_failures_from_one_address_slow_it_but_never_lock_its_people_out(
    client: Client, database_url: str, fast_backoff: None
) -> None:
    await add_account(database_url, "wang", Role.AGENT)
    misses = [await timed_attempt(client, f"user{n}") for n in range(12)]
    assert [status for status, _ in misses] == [401] * 12
    assert all(took >= 0.19 for _, took in misses[8:]), misses  # at the address's cap
    # Every request comes from 127.0.0.1, like a call centre's NAT: a colleague gets in.
    assert await attempt(client, "wang", "correct horse battery") == 200


async def test_a_shift_of_thirty_agents_behind_one_address_all_log_in(
    client: Client, database_url: str
) -> None:
    names = [f"agent{n:02d}" for n in range(30)]
    for name in names:
        await add_account(database_url, name, Role.AGENT)
    for name in names:  # every request comes from 127.0.0.1, like a call centre's NAT
        await log_in(client, name)
    logins = await audit_rows(database_url, action="login")
    assert [r.detail["outcome"] for r in logins] == ["success"] * 30


async def test_the_session_cookie_is_secure_when_a_trusted_proxy_forwarded_https(
    database_url: str, aiohttp_client: AiohttpClient
) -> None:
    await add_account(database_url, "li.na", Role.AGENT)
    forwarded = {"X-Forwarded-Proto": "https"}
    secure: dict[str, bool] = {}
    for trusted in ("127.0.0.1", "192.0.2.1"):  # the test client connects from 127.0.0.1
        app = create_app(service_settings(database_url, CALLCENTER_TRUSTED_PROXIES=trusted))
        browser: Client = await aiohttp_client(app)
        response = await browser.post("/api/auth/login", headers=forwarded, json={
            "username": "li.na", "password": "correct horse battery"})
        assert response.status == 200
        cookies = response.cookies
        secure[trusted] = bool(cookies["cc_session"]["secure"])
        assert bool(cookies["cc_csrf"]["secure"]) == secure[trusted]
    assert secure == {"127.0.0.1": True, "192.0.2.1": False}
