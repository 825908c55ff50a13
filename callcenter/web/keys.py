"""Typed keys for everything the app factory stores on the application."""

from __future__ import annotations

from aiohttp import web

from callcenter.calls.registry import CallRegistry
from callcenter.calls.tracker import CallTracker
from callcenter.directory.reconcile import ReconcileReport
from callcenter.directory.service import DirectoryService
from callcenter.hub.base import Hub
from callcenter.settings import Settings
from callcenter.storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
HUB = web.AppKey("hub", Hub)
DIRECTORY = web.AppKey("directory", DirectoryService)
RECONCILE_REPORTS = web.AppKey("reconcile_reports", list[ReconcileReport])
CALL_REGISTRY = web.AppKey("call_registry", CallRegistry)
CALL_TRACKER = web.AppKey("call_tracker", CallTracker)
