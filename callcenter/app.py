"""The one place where the service's parts are created and wired together.

Every resource is one `cleanup_ctx` entry, started in order and torn down in reverse, and
stored under a typed key; nothing is a module-level singleton.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from callcenter.calls import http as calls_http
from callcenter.directory import http as directory_http
from callcenter.directory.service import DirectoryService
from callcenter.hub import Hub, MemoryHub, RedisHub
from callcenter.pipeline import pbx_pipeline
from callcenter.settings import Settings
from callcenter.storage import migrate
from callcenter.storage.database import open_database
from callcenter.web.health import health
from callcenter.web.keys import DATABASE, DIRECTORY, HUB, RECONCILE_REPORTS, SETTINGS
from callcenter.web.middleware import json_errors

log = logging.getLogger(__name__)


async def _database(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    db = open_database(settings.database_url)
    app[DATABASE] = db
    try:
        await asyncio.to_thread(migrate.upgrade, settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        log.error("database unreachable at start-up, running degraded: %s", exc)
    yield
    await db.dispose()


async def _hub(app: web.Application) -> AsyncIterator[None]:
    url = app[SETTINGS].redis_url
    hub: Hub = RedisHub(url) if url else MemoryHub()
    app[HUB] = hub
    yield
    await hub.close()


async def _directory(app: web.Application) -> AsyncIterator[None]:
    directory = DirectoryService(app[DATABASE])
    app[DIRECTORY] = directory
    try:
        await directory.refresh_index()
    except (SQLAlchemyError, OSError) as exc:
        log.error("directory not loaded (database down): %s", exc)
    yield


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[json_errors])
    app[SETTINGS] = settings
    app[RECONCILE_REPORTS] = []
    app.cleanup_ctx.extend([_database, _hub, _directory, pbx_pipeline])
    app.router.add_get("/health", health)
    app.router.add_routes(directory_http.routes)
    app.router.add_routes(calls_http.routes)
    return app
