"""The real bench PBX and the service running against it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from callcenter.app import create_app
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.http import CALL_REGISTRY
from callcenter.devtools.pbx import bench
from callcenter.settings import Settings, load_settings

Client = TestClient[web.Request, web.Application]
AiohttpClient = Callable[[web.Application], Awaitable[Client]]


@dataclass(frozen=True)
class Service:
    """The running service under test: its HTTP client and its application (for its parts)."""

    client: Client
    app: web.Application


@pytest.fixture(scope="session")
def bench_pbx() -> Iterator[str]:
    """A running bench PBX for the whole session (started once; left as found)."""
    bench.ensure_built()
    was_running = bench.pid() is not None
    version = bench.up() if not was_running else bench.status()
    yield version
    if not was_running:
        bench.down()


def e2e_settings(tmp_path: Path, **extra: str) -> Settings:
    return load_settings({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        "CALLCENTER_AMI_PING_INTERVAL": "1",
        "CALLCENTER_AMI_PING_TIMEOUT": "1",
        **extra,
    })


@pytest.fixture
async def service(bench_pbx: str, tmp_path: Path, aiohttp_client: AiohttpClient) -> Service:
    """The whole service (AMI link, trackers, registry on SQLite) against the bench PBX."""
    from callcenter.pipeline import AMI_LINK

    app = create_app(e2e_settings(tmp_path))
    client = await aiohttp_client(app)
    await app[AMI_LINK].wait_connected(timeout_s=15)
    return Service(client, app)


async def eventually(check: Callable[[], Awaitable[Any]], *, timeout_s: float,
                     what: str, every_s: float = 0.2) -> Any:
    """Poll `check` until it returns something truthy; fail naming `what` after timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(every_s)


async def registered(app: web.Application, since: datetime, wanted: set[str], *,
                     key: Callable[[FinishedCall], str] = lambda call: call.call_id,
                     timeout_s: float = 20) -> dict[str, FinishedCall]:
    """The registry's calls entered since `since` whose `key` is in `wanted`, by key, once
    every one of them is there."""
    registry = app[CALL_REGISTRY]

    async def found() -> dict[str, FinishedCall] | None:
        calls = await registry.fetch_calls(since, datetime.now(UTC) + timedelta(minutes=1))
        by_key = {key(call): call for call in calls if key(call) in wanted}
        return by_key if set(by_key) == wanted else None

    result: dict[str, FinishedCall] = await eventually(
        found, timeout_s=timeout_s, what=f"registry rows for {sorted(wanted)}")
    return result
