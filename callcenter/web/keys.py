"""Typed keys for everything the app factory stores on the application."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    pass

SETTINGS = web.AppKey["Settings"]("settings")
DATABASE = web.AppKey["Database"]("database")
HUB = web.AppKey["Hub"]("hub")
DIRECTORY = web.AppKey["DirectoryService"]("directory")
RECONCILE_REPORTS = web.AppKey["list[ReconcileReport]"]("reconcile_reports")
