"""Keeps the directories reconciled with the PBX after every (re)connect and reload."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from callcenter.directory.reconcile import ReconcileReport, reconcile
from callcenter.directory.service import DirectoryService
from callcenter.events import PbxEvent, PbxSnapshot

log = logging.getLogger(__name__)


class DirectoryReconciler:
    """An AMI consumer that wants no events, only the resync snapshots.

    The reconcile needs the database, so `on_snapshot` (synchronous, on the event path) only
    starts a task; the task belongs to this object and is awaited on `close`.
    """

    wants: frozenset[type[PbxEvent]] = frozenset()

    def __init__(self, directory: DirectoryService, reports: list[ReconcileReport]) -> None:
        self._directory = directory
        self._reports = reports
        self._task: asyncio.Task[None] | None = None
        self.done = asyncio.Event()

    def on_event(self, event: PbxEvent) -> None:
        return None

    def on_link_lost(self, ts: float) -> None:
        return None

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self.done.clear()
        self._task = asyncio.get_running_loop().create_task(
            self._reconcile(snapshot), name="directory-reconcile"
        )

    async def _reconcile(self, snapshot: PbxSnapshot) -> None:
        try:
            report = await reconcile(self._directory, snapshot.queues)
        except (SQLAlchemyError, OSError) as exc:
            log.error("directory not reconciled with the PBX (database down): %s", exc)
            return
        self._reports[:] = [report]
        if report.queues_missing_from_directory or report.members_missing_from_directory:
            log.warning(
                "PBX has queues %s and members %s the directory lacked; added with source=pbx",
                list(report.queues_missing_from_directory),
                [m.interface for m in report.members_missing_from_directory],
            )
        if report.directory_queues_missing_on_pbx:
            log.warning("directory queues not on the PBX: %s",
                        list(report.directory_queues_missing_on_pbx))
        self.done.set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
