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

import agent_ui
from callcenter.agents import http as agents_http
from callcenter.agents import ws as agents_ws
from callcenter.agents.context import agent_desk_context
from callcenter.audit import http as audit_http
from callcenter.auth import admin_http
from callcenter.auth import http as auth_http
from callcenter.auth.context import auth_context
from callcenter.auth.middleware import authenticate
from callcenter.calls import http as calls_http
from callcenter.complaints import http as complaints_http
from callcenter.customers import http as customers_http
from callcenter.customers import lookup_http
from callcenter.directory import http as directory_http
from callcenter.directory.context import directory_context
from callcenter.hub import Hub, MemoryHub, RedisHub
from callcenter.orders import http as orders_http
from callcenter.overdue import http as overdue_http
from callcenter.overdue.watch import watch_context
from callcenter.pipeline import live_state_context, pbx_pipeline
from callcenter.schema import migrate
from callcenter.settings import Settings
from callcenter.sitecalendar import http as calendar_http
from callcenter.sitecalendar.context import calendar_context
from callcenter.storage.database import open_database
from callcenter.web import openapi
from callcenter.web.inputs import reject_unstorable_text
from callcenter.web.keys import DATABASE, HUB, SETTINGS
from callcenter.web.middleware import json_errors
from callcenter.web.proxies import TRUSTED_PROXIES, TrustedProxies
from dialer import http as dialer_http
from dialer.context import dialer_context

log = logging.getLogger(__name__)

# Every HTTP module: its `routes` are served and its `OPENAPI` goes into /api/openapi.json.
HTTP_MODULES: tuple[openapi.HttpModule, ...] = (
    openapi, auth_http, admin_http, audit_http, directory_http, calls_http,
    customers_http, lookup_http, orders_http, complaints_http, overdue_http,
    agents_http, agents_ws, dialer_http, calendar_http,
)


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


def create_app(settings: Settings) -> web.Application:
    app = web.Application(middlewares=[json_errors, reject_unstorable_text, authenticate])
    app[SETTINGS] = settings
    app[TRUSTED_PROXIES] = TrustedProxies.parse(settings.trusted_proxies)
    app.cleanup_ctx.extend([_database, _hub, directory_context, calendar_context, auth_context,
                            live_state_context,  # the views below listen to it
                            agent_desk_context,
                            dialer_context,  # before pbx_pipeline, which gives it the link
                            pbx_pipeline, watch_context()])
    for module in HTTP_MODULES:
        app.router.add_routes(module.routes)
    app[openapi.OPENAPI_DOCUMENT] = openapi.build(HTTP_MODULES)
    agent_ui.add_pages(app.router)
    return app
