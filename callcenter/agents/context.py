"""The agent desk's place in the app: its typed key and its `cleanup_ctx` entry.

It must come after the database, the directory, auth and the live-state owner (whose change
records the desk listens to), and before the PBX pipeline, which gives the desk the link for
its actions; being torn down after the pipeline, it never sees an event once stopped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from callcenter.agents.config import load_desk_settings
from callcenter.agents.runtime import AgentDeskService
from callcenter.calls.http import CALL_TRACKER
from callcenter.directory.context import DIRECTORY
from callcenter.web.keys import DATABASE, SETTINGS

AGENT_DESK = web.AppKey("agent_desk", AgentDeskService)


async def agent_desk_context(app: web.Application) -> AsyncIterator[None]:
    service = AgentDeskService(app[DATABASE], app[DIRECTORY], app[SETTINGS],
                               load_desk_settings(), app[CALL_TRACKER])
    app[AGENT_DESK] = service
    await service.start()
    yield
    await service.stop()


__all__ = ["AGENT_DESK", "agent_desk_context"]
