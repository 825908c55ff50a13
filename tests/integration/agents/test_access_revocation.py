"""Access ends when it is taken away (R27, R28): an agent's open desk websocket is closed
within a second of the account being deactivated, its role or password changed, or its
session logged out, with the close code the page explains (`callcenter.web.ws_close`), and
no screen-pop reaches it afterwards. With Redis, another service instance closes its
sockets too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from callcenter.agents.context import AGENT_DESK
from callcenter.app import create_app
from callcenter.auth.principal import Role
from callcenter.calls.http import CALL_TRACKER
from callcenter.directory.schemas import AgentSpec
from callcenter.directory.service import DirectoryService
from callcenter.events import AgentRung
from callcenter.storage.database import open_database
from callcenter.web import ws_close
from tests.conftest import TEST_REDIS_URL, service_settings
from tests.integration.auth.conftest import audit_rows, log_in
from tests.integration.auth.support import (
    Client,
    add_account,
    bearer,
    cheap_passwords,
    issue_token,
)

pytestmark = pytest.mark.integration

AiohttpClient = Any
AGENT = "li.na"
INTERFACE = "PJSIP/5001"


@pytest.fixture(autouse=True)
def _cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_passwords(monkeypatch)


async def _directory_agent(database_url: str) -> int:
    """The directory agent li.na on PJSIP/5001 and the account that answers as her."""
    db = open_database(database_url)
    try:
        await DirectoryService(db).put_agent(AgentSpec(AGENT, "Li Na", "", ("zh",),
                                                       (INTERFACE,)))
    finally:
        await db.dispose()
    return await add_account(database_url, AGENT, Role.AGENT, agent_id=AGENT)


async def _open_desk(client: Client) -> tuple[aiohttp.ClientWebSocketResponse, str]:
    """Log the agent in and open her desk feed; returns the socket and the CSRF token."""
    csrf = await log_in(client, AGENT)
    origin = str(client.make_url("/")).rstrip("/")
    ws = await client.ws_connect("/ws/agent", headers={"Origin": origin})
    assert (await ws.receive_json(timeout=5))["type"] == "snapshot"
    return ws, csrf


def _ring(app: web.Application, call_id: str) -> None:
    """The PBX rings the agent's phone for a call: the screen-pop moment (R5)."""
    app[CALL_TRACKER].on_event(AgentRung(
        time.time(), call_id, f"{call_id}-caller", f"{call_id}-agent", "hotline", INTERFACE,
        AGENT, "13800138000", "Chen"))


async def _next_pop(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = await ws.receive_json(timeout=5)
        if frame["type"] == "pop":
            return frame


async def _pop_reads(app: web.Application, database_url: str) -> list[str]:
    """The calls whose screen-pop was shown to someone, from the audit trail (R27)."""
    await app[AGENT_DESK].audit.flush()
    rows = await audit_rows(database_url, action="read")
    return [r.detail["call_id"] for r in rows if r.detail.get("via") == "screen-pop"]


async def _assert_closed_within_a_second_then_deaf(
    app: web.Application, database_url: str, ws: aiohttp.ClientWebSocketResponse,
    started: float, code: int, reason: str,
) -> None:
    message = await ws.receive(timeout=1.0)
    elapsed = time.monotonic() - started
    assert (message.type, ws.close_code, message.extra) == (
        aiohttp.WSMsgType.CLOSE, code, reason)
    assert elapsed < 1.0
    _ring(app, "after")
    for _ in range(100):  # until the pop board has sent (or tried to send) the second pop
        if any(p.call_id == "after" for p in app[AGENT_DESK].pops.open_pops(AGENT)):
            break
        await asyncio.sleep(0.01)
    assert app[AGENT_DESK].feeds.clients(AGENT) == []
    assert await _pop_reads(app, database_url) == ["before"]


CHANGES = [
    ({"active": False}, ws_close.ACCESS_WITHDRAWN, "deactivated"),
    ({"role": "technician"}, ws_close.ACCESS_WITHDRAWN, "role-changed"),
    ({"password": "another horse battery"}, ws_close.SESSION_ENDED, "password-changed"),
]


@pytest.mark.parametrize(("change", "code", "reason"), CHANGES,
                         ids=[reason for _, _, reason in CHANGES])
async def test_an_account_change_closes_the_agents_websocket_within_a_second_and_no_pop_follows(
    database_url: str, aiohttp_client: AiohttpClient, change: dict[str, Any], code: int,
    reason: str,
) -> None:
    account_id = await _directory_agent(database_url)
    admin = await issue_token(database_url, Role.ADMIN)
    app = create_app(service_settings(database_url))
    client: Client = await aiohttp_client(app)
    ws, _ = await _open_desk(client)
    _ring(app, "before")
    assert (await _next_pop(ws))["pop"]["call_id"] == "before"
    started = time.monotonic()
    changed = await client.put(f"/api/accounts/{account_id}", json=change,
                               headers=bearer(admin))
    assert changed.status == 200
    await _assert_closed_within_a_second_then_deaf(app, database_url, ws, started, code, reason)


async def test_logging_out_closes_that_sessions_websocket_within_a_second_and_no_pop_follows(
    database_url: str, aiohttp_client: AiohttpClient,
) -> None:
    await _directory_agent(database_url)
    app = create_app(service_settings(database_url))
    client: Client = await aiohttp_client(app)
    ws, csrf = await _open_desk(client)
    _ring(app, "before")
    assert (await _next_pop(ws))["pop"]["call_id"] == "before"
    started = time.monotonic()
    out = await client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert out.status == 204
    await _assert_closed_within_a_second_then_deaf(app, database_url, ws, started,
                                                   ws_close.SESSION_ENDED, "logged-out")


async def test_a_display_name_change_leaves_the_websocket_open(
    database_url: str, aiohttp_client: AiohttpClient,
) -> None:
    account_id = await _directory_agent(database_url)
    admin = await issue_token(database_url, Role.ADMIN)
    app = create_app(service_settings(database_url))
    client: Client = await aiohttp_client(app)
    ws, _ = await _open_desk(client)
    changed = await client.put(f"/api/accounts/{account_id}", json={"display_name": "Li"},
                               headers=bearer(admin))
    assert changed.status == 200
    _ring(app, "still-open")
    assert (await _next_pop(ws))["pop"]["call_id"] == "still-open"
    await ws.close()


async def test_deactivating_on_one_instance_closes_the_websocket_on_another_through_redis(
    pg_url: str, aiohttp_client: AiohttpClient,
) -> None:
    account_id = await _directory_agent(pg_url)
    admin = await issue_token(pg_url, Role.ADMIN)
    settings = service_settings(pg_url, REDIS_URL=TEST_REDIS_URL)
    desk_app, admin_app = create_app(settings), create_app(settings)
    desk: Client = await aiohttp_client(desk_app)
    office: Client = await aiohttp_client(admin_app)
    ws, _ = await _open_desk(desk)
    started = time.monotonic()
    changed = await office.put(f"/api/accounts/{account_id}", json={"active": False},
                               headers=bearer(admin))
    assert changed.status == 200
    message = await ws.receive(timeout=1.0)
    assert (message.type, ws.close_code, message.extra) == (
        aiohttp.WSMsgType.CLOSE, ws_close.ACCESS_WITHDRAWN, "deactivated")
    assert time.monotonic() - started < 1.0
    # The desk's instance forgot its cached credentials too: the cookie is refused at once.
    assert (await desk.get("/api/auth/me")).status == 401
