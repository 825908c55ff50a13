"""The directory's place in the app: its typed keys and its `cleanup_ctx` entry.

It comes after the database's: the index of queues, agents and interfaces that the
live-state owner and the agent desk resolve against is loaded once at start (an empty
directory if the database is down; it refreshes on the next edit).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from callcenter.calls.sla import RingRule
from callcenter.directory.reconcile import ReconcileReport
from callcenter.directory.service import DirectoryService
from callcenter.web.keys import DATABASE, SETTINGS

log = logging.getLogger(__name__)

DIRECTORY = web.AppKey("directory", DirectoryService)
RECONCILE_REPORTS = web.AppKey("reconcile_reports", list[ReconcileReport])


async def directory_context(app: web.Application) -> AsyncIterator[None]:
    app[RECONCILE_REPORTS] = []
    directory = DirectoryService(app[DATABASE], default_rule=RingRule.of(app[SETTINGS].sla))
    app[DIRECTORY] = directory
    try:
        await directory.refresh_index()
    except (SQLAlchemyError, OSError) as exc:
        log.error("directory not loaded (database down): %s", exc)
    yield
