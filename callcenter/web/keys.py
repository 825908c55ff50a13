"""Typed keys of the service's infrastructure on the application: settings, database, hub.

Each package's own objects are kept under keys that live with it (its `context` or `http`
module), so the web layer depends on nothing above the infrastructure.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.hub.base import Hub
from callcenter.settings import Settings
from callcenter.storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
HUB = web.AppKey("hub", Hub)
