"""Who may use the agent desk (R28): agents linked to a directory agent, nobody else.

"Allowed" means the role check let the request through (any status but 401/403); anonymous
callers get 401. The websocket takes only a page's session cookie, never a bearer token.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from callcenter.app import create_app
from callcenter.auth.context import build_auth
from callcenter.auth.principal import Role
from callcenter.auth.schemas import NewToken
from callcenter.directory.schemas import AgentSpec
from callcenter.directory.service import DirectoryService
from callcenter.settings import load_settings
from callcenter.storage.database import open_database
from tests.integration.auth.support import add_account, bearer, cheap_passwords

pytestmark = pytest.mark.integration

MATRIX: list[tuple[str, str]] = [
    ("GET", "/api/agent/desk"),
    ("POST", "/api/agent/login"),
    ("POST", "/api/agent/pause"),
    ("POST", "/api/agent/resume"),
    ("POST", "/api/agent/logout"),
    ("POST", "/api/agent/wrapup"),
    ("POST", "/api/agent/transfer"),
    ("POST", "/api/agent/dial"),
    ("GET", "/api/agent/figures"),
    ("GET", "/api/agent/callbacks"),
    ("POST", "/api/agent/callbacks/999999/done"),
]


async def _token(database_url: str, role: Role, agent_id: str | None) -> str:
    name = f"{role}-{agent_id or 'x'}"
    await add_account(database_url, name, role, agent_id=agent_id)
    db = open_database(database_url)
    try:
        _, token = await build_auth(db).tokens.create(NewToken(name, "tests"), None)
    finally:
        await db.dispose()
    return token


@pytest.fixture
async def client(database_url: str, aiohttp_client: Any,
                 monkeypatch: pytest.MonkeyPatch) -> TestClient[web.Request, web.Application]:
    cheap_passwords(monkeypatch)
    db = open_database(database_url)
    await DirectoryService(db).put_agent(AgentSpec("li.na", "Li Na", "", ("zh",),
                                                   ("PJSIP/5001",)))
    await db.dispose()
    app = create_app(load_settings({"DATABASE_URL": database_url,
                                    "CALLCENTER_AMI_PORT": "1"}))  # no PBX needed here
    result: TestClient[web.Request, web.Application] = await aiohttp_client(app)
    return result


async def test_every_desk_endpoint_admits_linked_agents_only(
        client: TestClient[web.Request, web.Application], database_url: str) -> None:
    tokens = {role: await _token(database_url, role, "li.na" if role is Role.AGENT else None)
              for role in Role}
    unlinked = await _token(database_url, Role.AGENT, None)
    wrong: list[str] = []
    for method, path in MATRIX:
        anonymous = await client.request(method, path, json={})
        if anonymous.status != 401:
            wrong.append(f"anonymous {method} {path}: {anonymous.status}")
        for role, token in tokens.items():
            status = (await client.request(method, path, json={},
                                           headers=bearer(token))).status
            if (status == 403) == (role is Role.AGENT) or status == 401:
                wrong.append(f"{role} {method} {path}: {status}")
        response = await client.request(method, path, json={}, headers=bearer(unlinked))
        if response.status != 409 or (await response.json())["error"]["id"] != "not-an-agent":
            wrong.append(f"unlinked agent {method} {path}: {response.status}")
    assert wrong == []


async def test_the_feed_refuses_tokens_foreign_origins_and_anonymous_pages(
        client: TestClient[web.Request, web.Application], database_url: str) -> None:
    token = await _token(database_url, Role.AGENT, "li.na")
    origin = str(client.make_url("/")).rstrip("/")
    assert (await client.get("/ws/agent", headers={"Origin": origin})).status == 401
    by_token = await client.get("/ws/agent", headers={**bearer(token), "Origin": origin})
    assert by_token.status == 401
    login = await client.post("/api/auth/login", json={"username": "agent-li.na",
                                                       "password": "correct horse battery"})
    assert login.status == 200
    foreign = await client.get("/ws/agent", headers={"Origin": "http://evil.example"})
    assert foreign.status == 403
    ws = await client.ws_connect("/ws/agent", headers={"Origin": origin})
    snapshot = await ws.receive_json(timeout=5)
    assert (snapshot["type"], snapshot["agent_id"], snapshot["seq"]) == ("snapshot", "li.na", 0)
    assert snapshot["presence"]["state"] == "logged_out"
    await ws.close()


async def test_desk_actions_without_a_pbx_say_so_and_change_nothing(
        client: TestClient[web.Request, web.Application], database_url: str) -> None:
    token = await _token(database_url, Role.AGENT, "li.na")
    desk = await client.get("/api/agent/desk", headers=bearer(token))
    body = await desk.json()
    assert body["interfaces"] == ["PJSIP/5001"]
    assert body["presence"]["state"] == "logged_out"
    refused = await client.post("/api/agent/pause", json={"reason": "nap"},
                                headers=bearer(token))
    assert (refused.status, (await refused.json())["error"]["details"]["field"]) == (
        400, "reason")
    not_in = await client.post("/api/agent/pause", json={"reason": "break"},
                               headers=bearer(token))
    assert not_in.status == 409


async def test_the_page_and_only_its_own_files_are_served(
        client: TestClient[web.Request, web.Application]) -> None:
    page = await client.get("/agent")
    assert page.status == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert '<html lang="zh-CN">' in await page.text()
    script = await client.get("/agent/static/agent.js")
    assert (script.status, script.content_type) == (200, "text/javascript")
    for name in ("agent.py", ".hidden.js", "..%2F__init__.py", "missing.css"):
        assert (await client.get(f"/agent/static/{name}")).status == 404, name
