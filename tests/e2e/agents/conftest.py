"""Two agents at their desks on the bench PBX, and the dialplan their click-to-dial needs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from callcenter.agents.context import AGENT_DESK
from callcenter.directory.context import DIRECTORY
from callcenter.pipeline import RECONCILER
from callcenter.web.keys import SETTINGS
from tests.e2e import dialplan
from tests.e2e.agents.support import FIRST, SECOND, Desk, greet, seat_agent
from tests.e2e.conftest import Service


@pytest.fixture
async def desks(service: Service) -> AsyncIterator[tuple[Desk, Desk]]:
    """Agents on the spare bench extensions 1202 (speaks Cantonese too) and 1203, logged in
    to the service with their websockets open, not yet in any queue."""
    app = service.app
    base = service.client.make_url("/")
    directory = app[DIRECTORY]
    await asyncio.wait_for(app[RECONCILER].done.wait(), 15)  # it adds the PBX's queues
    await greet(directory)
    await app[AGENT_DESK].queues.refresh()
    url = app[SETTINGS].database_url
    first = await seat_agent(url, directory, base, FIRST, languages=("zh", "yue"))
    second = await seat_agent(url, directory, base, SECOND)
    yield first, second
    for desk in (first, second):
        await desk.call("POST", "/api/agent/logout", 202)
    await first.close()
    await second.close()


@pytest.fixture(scope="session")
def desk_dial(bench_pbx: str) -> str:
    """The bench PBX with the production click-to-dial context (added if it started
    before the context existed)."""
    dialplan.ensure_context("desk-dial", "DeskDial")
    return bench_pbx
