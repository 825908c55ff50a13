"""An agent at their desk, as the page is: a cookie session of their own and the websocket.

Each agent gets its own `aiohttp.ClientSession` (its own cookie jar), so two agents on one
test server are two browsers. Accounts are made through the real auth services.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from yarl import URL

from callcenter.auth.principal import Role
from callcenter.directory.schemas import AgentSpec, QueueSpec
from callcenter.directory.service import DirectoryService
from tests.integration.auth.support import PASSWORD, add_account

QUEUE = "bench-dynamic"
GREETING = "您好,华安家电服务热线,我能帮您什么?"
FIRST, SECOND = "1202", "1203"  # spare bench agents, in no queue until logged in


def interface(ext: str) -> str:
    return f"Local/{ext}@bench-agents/n"


@dataclass
class Desk:
    """One logged-in agent: REST with the CSRF token, and the websocket's frames."""

    base: URL
    http: aiohttp.ClientSession
    csrf: str = ""
    ws: aiohttp.ClientWebSocketResponse | None = None
    frames: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    async def login(self, username: str) -> None:
        async with self.http.post(self.base / "api/auth/login",
                                  json={"username": username, "password": PASSWORD}) as r:
            assert r.status == 200, await r.text()
            self.csrf = (await r.json())["csrf_token"]

    async def call(self, method: str, path: str, status: int | None = None,
                   **kwargs: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf}
        async with self.http.request(method, self.base / path.lstrip("/"), headers=headers,
                                     **kwargs) as response:
            body = await response.json() if response.content_type == "application/json" \
                else await response.text()
            if status is not None:
                assert response.status == status, (path, response.status, body)
            return body

    async def connect(self) -> None:
        origin = str(self.base).rstrip("/")
        self.ws = await self.http.ws_connect(self.base / "ws/agent", headers={"Origin": origin})
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.TEXT:
                self.frames.append((time.time(), json.loads(message.data)))

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [f for _, f in self.frames if f["type"] == kind]

    async def wait_for(self, kind: str, timeout_s: float = 15.0, **match: Any
                       ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for frame in self.of_type(kind):
                if all(_get(frame, k) == v for k, v in match.items()):
                    return frame
            await asyncio.sleep(0.05)
        raise AssertionError(f"no {kind} frame {match} in {timeout_s} s: {self.frames}")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)
        await self.http.close()


def _get(frame: dict[str, Any], dotted: str) -> Any:
    value: Any = frame
    for part in dotted.split("__"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


async def seat_agent(database_url: str, directory: DirectoryService, base: URL, ext: str,
                     *, languages: tuple[str, ...] = ("zh",), connect: bool = True) -> Desk:
    """A directory agent on bench extension `ext` with an account, logged in, websocket on."""
    agent_id = f"desk{ext}"
    await directory.put_agent(AgentSpec(agent_id, f"Agent {ext}", "bench", languages,
                                        (interface(ext),)))
    await add_account(database_url, agent_id, Role.AGENT, agent_id=agent_id)
    desk = Desk(base, aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)))
    await desk.login(agent_id)
    if connect:
        await desk.connect()
    return desk


async def greet(directory: DirectoryService) -> None:
    """The bench queue's greeting (R3), as a supervisor would set it in the directory."""
    await directory.put_queue(QueueSpec(QUEUE, "Bench dynamic", GREETING, 3, 5.0, 20))


async def go_available(desk: Desk, ext: str) -> None:
    """Log the agent into the bench queue and wait for the PBX to say they are available."""
    await desk.call("POST", "/api/agent/login", 202, json={"queues": [QUEUE]})
    await desk.wait_for("presence", presence__state="available",
                        presence__interface=interface(ext))


async def new_customer(desk: Desk, number: str) -> dict[str, Any]:
    """A Cantonese-speaking VIP with a product and an open complaint, made by the agent."""
    customer = await desk.call("POST", "/api/customers", 201, json={
        "name": "陈美玲", "phones": [{"number": number}], "vip": True, "language": "yue"})
    cid = customer["id"]
    await desk.call("POST", f"/api/customers/{cid}/products", 201, json={
        "model": "KFR-35GW/BP", "serial": "SN-E2E-1", "warranty_end": "2027-06-30T00:00:00Z"})
    complaint = await desk.call("POST", "/api/complaints", 201, json={
        "customer_id": cid, "subject": "空调异响", "complainant": "陈美玲"})
    return {"id": cid, "complaint": complaint["number"]}
