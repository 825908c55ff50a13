"""The PBX event pipeline: AMI link → the live-state owner → registry writer, hub, views.

Events are applied to live state synchronously, in arrival order; everything that needs I/O
(database writes, pub/sub) happens in tasks fed from memory, so a slow database never
stalls the AMI socket (Asterisk drops a session that does not drain within 100 ms).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Any

from aiohttp import web

from callcenter.agents.context import AGENT_DESK
from callcenter.ami import AmiLink
from callcenter.calls.call_records import LiveCall
from callcenter.calls.changes import Change, new_picture
from callcenter.calls.http import CALL_REGISTRY, CALL_TRACKER
from callcenter.calls.registry import CallRegistry, RegistryWriter
from callcenter.calls.tracker import CallTracker
from callcenter.directory.context import DIRECTORY, RECONCILE_REPORTS
from callcenter.directory.pbx_sync import DirectoryReconciler
from callcenter.hub.base import Hub, HubUnavailable
from callcenter.web.health import PBX_LINK
from callcenter.web.keys import DATABASE, HUB, SETTINGS
from dialer.context import DIALER

log = logging.getLogger(__name__)

AMI_LINK = web.AppKey("ami_link", AmiLink)
REGISTRY_WRITER = web.AppKey("registry_writer", RegistryWriter)
RECONCILER = web.AppKey("directory_reconciler", DirectoryReconciler)

LIVE_CALLS_CHANNEL = "calls.live"


class LiveRelay:
    """Publishes live-call changes to the hub from its own task.

    The owner's records reach `on_change` on the event path. Only each call's newest
    picture waits to be sent: a call that changed five times while the hub was busy is
    published once, as it is now (a page needs the state, not the steps). The buffer is
    bounded, the oldest call dropped first if the hub falls behind (a page that misses a
    change gets the next snapshot); the registry, not the hub, is where nothing may be lost.
    """

    def __init__(self, hub: Hub, limit: int = 10_000) -> None:
        self._hub = hub
        self._limit = limit
        self._pending: dict[str, LiveCall] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def on_change(self, change: Change) -> None:
        """The owner's listener: every new picture of a call is offered."""
        call = new_picture(change)
        if call is not None:
            self.offer(call)

    def offer(self, call: LiveCall) -> None:
        self._pending.pop(call.call_id, None)  # re-queued behind the others: order kept
        self._pending[call.call_id] = call
        if len(self._pending) > self._limit:
            del self._pending[next(iter(self._pending))]
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="live-relay")

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                call = self._pending.pop(next(iter(self._pending)))
                try:
                    await self._hub.publish(LIVE_CALLS_CHANNEL, asdict(call))
                except HubUnavailable as exc:
                    log.warning("live call update not published: %s", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class LinkHealth:
    """The `/health` view of the AMI link and of the registry writer behind it."""

    def __init__(self, link: AmiLink, writer: RegistryWriter) -> None:
        self._link = link
        self._writer = writer

    def health(self) -> dict[str, Any]:
        state = self._link.state
        return {
            "ok": state.connected,
            "state": "connected" if state.connected else "disconnected",
            **asdict(state),
            "registry_backlog": self._writer.backlog,
        }


async def live_state_context(app: web.Application) -> AsyncIterator[None]:
    """The one owner of live call and agent state, made before the views that listen to it
    (the agent desk, the dialer) and fed by the pipeline's link."""
    settings, directory = app[SETTINGS], app[DIRECTORY]
    app[CALL_TRACKER] = CallTracker(
        directory.rule_for,
        resolve_agent=directory.agent_for_interface,
        region=settings.phone_region,
        area_code=settings.area_code,
    )
    yield


async def pbx_pipeline(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    directory = app[DIRECTORY]
    registry = CallRegistry(
        app[DATABASE], sla_settings=settings.sla, rule_for=directory.rule_for
    )
    writer = RegistryWriter(registry)
    relay = LiveRelay(app[HUB])
    tracker = app[CALL_TRACKER]
    tracker.subscribe(writer.on_change)
    tracker.subscribe(relay.on_change)
    reconciler = DirectoryReconciler(directory, app[RECONCILE_REPORTS])
    desk = app[AGENT_DESK]
    dialer = app[DIALER]
    link = AmiLink(settings.ami, consumers=[tracker, reconciler])
    desk.attach_pbx(link)
    dialer.attach(link)
    app[CALL_REGISTRY] = registry
    app[REGISTRY_WRITER] = writer
    app[RECONCILER] = reconciler
    app[AMI_LINK] = link
    app[PBX_LINK] = LinkHealth(link, writer)
    writer.start()
    relay.start()
    await link.start()
    yield
    await link.stop()
    await reconciler.close()
    await relay.stop()
    await writer.stop()
