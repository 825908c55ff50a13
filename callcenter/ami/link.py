"""`AmiLink`: the service's one long-lived AMI connection, kept alive and in sync.

Lifecycle of one session: connect → Login → manager event filters (`filters.py`) → version →
resync (QueueStatus + CoreShowChannels → `PbxSnapshot` → every consumer's `on_snapshot`, then
the events held meanwhile; `dispatch.py`) → live events → lost (EOF, refused, PBX Shutdown
event, or no Ping reply) → `on_link_lost` → exponential back-off → again. A PBX `Reload` event
triggers a fresh resync on the live session.

Why it is built this way:
- Events are parsed and applied synchronously in `data_received`, in arrival order, with no task
  per event; per-call work is bounded by the transport's read size, so the loop keeps draining
  the socket (Asterisk drops a session that does not drain within 100 ms).
- panoramisk 1.4 never checks Ping replies, so a PBX frozen with SIGSTOP (socket open, nothing
  sent) went unnoticed: the watchdog pings every `ping_interval_s` and drops the session when no
  reply comes within `ping_timeout_s`; logins to a still-frozen PBX then time out and back off.
- Actions never wait forever and are never queued across reconnects (`protocol.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from callcenter.ami.consumer import EventConsumer
from callcenter.ami.counters import Counters
from callcenter.ami.dispatch import Dispatcher
from callcenter.ami.errors import AmiActionFailed, AmiError, AmiNotConnected
from callcenter.ami.filters import FilterPolicy
from callcenter.ami.frames import Frame
from callcenter.ami.protocol import (
    ActionResult,
    AmiConnection,
    Headers,
    HeaderValue,
    login,
    open_connection,
)
from callcenter.ami.snapshot import take_snapshot
from callcenter.ami.translate import Translator, ami_event_names, known_event_names
from callcenter.events import OriginateResult, PbxShuttingDown
from callcenter.settings import AmiSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LinkState:
    """A snapshot of the link for the health endpoint."""

    connected: bool
    #: When the link entered its current connected/disconnected state (epoch seconds).
    since: float | None
    last_error: str | None
    asterisk_version: str | None
    #: Sessions re-established after the first one.
    reconnects: int
    events_in: int
    unknown_events: int
    malformed_frames: int
    malformed_events: int
    consumer_errors: int
    #: "name" or "regex" when the PBX filters events for us, "off" when it does not.
    filter_mode: str | None


class AmiLink:
    """Owns the AMI session: reconnects, filters, resyncs, watches and dispatches."""

    def __init__(
        self,
        settings: AmiSettings,
        *,
        consumers: Sequence[EventConsumer],
        use_filters: bool = True,
    ) -> None:
        self.settings = settings
        self.counters = Counters()
        self._dispatch = Dispatcher(consumers, self.counters)
        wanted = self._dispatch.wanted
        #: AMI event names subscribed: the union of consumers' wants plus the link's own.
        self.event_names = ami_event_names(wanted)
        self._translator = Translator(self.counters, wanted)
        self._filters = FilterPolicy(enabled=use_filters)
        self._conn: AmiConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._resync_task: asyncio.Task[None] | None = None
        self._resync_again = False
        self._ready = asyncio.Event()
        self._connected = False
        self._since: float | None = None
        self._last_error: str | None = None
        self._version: str | None = None
        self._sessions = 0
        self._stopping = False

    # -- public API ------------------------------------------------------------------------

    @property
    def state(self) -> LinkState:
        c = self.counters
        return LinkState(
            connected=self._connected,
            since=self._since,
            last_error=self._last_error,
            asterisk_version=self._version,
            reconnects=max(0, self._sessions - 1),
            events_in=c.events_in,
            unknown_events=c.unknown_total,
            malformed_frames=c.malformed_frames,
            malformed_events=c.malformed_event_total,
            consumer_errors=c.consumer_errors,
            filter_mode=self._filters.mode,
        )

    @property
    def connected(self) -> bool:
        return self._connected

    async def start(self) -> None:
        """Start keeping the link up in the background (returns at once)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="ami-link")

    async def stop(self) -> None:
        """Log off and stop reconnecting.

        Consumers do not get `on_link_lost`: the service stopping is not a PBX failure, and
        calls in flight are not interrupted by it.
        """
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        conn = self._conn
        if conn is not None and conn.is_open:
            with contextlib.suppress(AmiError):
                await conn.action("Logoff", timeout_s=min(1.0, self.settings.action_timeout_s))
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def wait_connected(self, timeout_s: float | None = None) -> None:
        """Wait until logged in and resynced; AmiNotConnected after `timeout_s` seconds."""
        try:
            await asyncio.wait_for(self._ready.wait(), timeout_s)
        except TimeoutError:
            raise AmiNotConnected(self._last_error or "not connected yet") from None

    async def action(
        self,
        name: str,
        headers: Headers | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the PBX deadline, part of the contract
    ) -> ActionResult:
        """Run one action and wait for its whole answer (list actions: every item).

        Raises AmiNotConnected (no session, or it dropped meanwhile), AmiActionFailed
        (`Response: Error`) or AmiActionTimeout (no complete answer in time).
        """
        conn = self._live_connection()
        return await conn.action(
            name, headers, timeout_s=self.settings.action_timeout_s if timeout is None else timeout
        )

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str:
        """Send an `Async: true` Originate without waiting; returns the new leg's Uniqueid.

        The result arrives later as an `OriginateResult` event whose `leg_id` is that id (the
        Originate's ChannelId; generated when absent). If the PBX refuses the action itself,
        an `OriginateResult(success=False, reason=0)` is dispatched in its place, so the
        consumer always hears back once the action was sent.
        """
        conn = self._live_connection()
        channel_id = str(headers.get("ChannelId") or f"cc-{uuid.uuid4().hex}")
        sent = {**headers, "Async": "true", "ChannelId": channel_id}
        future = conn.submit("Originate", sent, timeout_s=self.settings.action_timeout_s)

        def _answered(done: asyncio.Future[ActionResult]) -> None:
            if done.cancelled():
                return
            exc = done.exception()
            if isinstance(exc, AmiActionFailed):
                log.warning("Originate %s refused by the PBX: %s", channel_id, exc.pbx_message)
                self._dispatch.event(OriginateResult(time.time(), channel_id, False, 0))
            elif exc is not None:
                log.warning("Originate %s: %s", channel_id, exc)

        future.add_done_callback(_answered)
        return channel_id

    # -- session loop ----------------------------------------------------------------------

    def _live_connection(self) -> AmiConnection:
        conn = self._conn
        if conn is None or not self._connected:
            raise AmiNotConnected(self._last_error or "not connected")
        return conn

    async def _run(self) -> None:
        s = self.settings
        delay = s.reconnect_min_s
        while True:
            healthy = False
            try:
                healthy = await self._session()
            except AmiError as exc:
                self._note_error(str(exc))
            except Exception as exc:  # keep reconnecting whatever went wrong; say what it was
                log.exception("AMI session failed")
                self._note_error(f"{type(exc).__name__}: {exc}")
            if healthy:
                delay = s.reconnect_min_s
            log.info("AMI reconnect to %s:%s in %.1f s", s.host, s.port, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, s.reconnect_max_s)

    async def _session(self) -> bool:
        """One session from connect to loss; True if it got as far as a resync."""
        s = self.settings
        self._dispatch.hold()
        conn = await open_connection(
            s.host, s.port, timeout_s=s.action_timeout_s, on_event=self._on_frame,
            counters=self.counters, keep=self.event_names, known=known_event_names(),
        )
        self._conn = conn
        watchdog: asyncio.Task[None] | None = None
        try:
            await login(conn, s.user, s.secret, timeout_s=s.action_timeout_s)
            mode = await self._filters.install(conn, self.event_names, timeout_s=s.action_timeout_s)
            self._version = await self._asterisk_version(conn) or self._version
            snapshot = await take_snapshot(conn, timeout_s=s.action_timeout_s,
                                           counters=self.counters)
            self._sessions += 1
            self._set_connected(True)
            log.info("AMI connected to %s:%s (%s, filter %s)", s.host, s.port, self._version, mode)
            self._dispatch.release(snapshot)
            self._ready.set()
            watchdog = asyncio.create_task(self._watchdog(conn), name="ami-watchdog")
            self._note_error(await asyncio.shield(conn.closed))
            return True
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if self._resync_task is not None:
                self._resync_task.cancel()
                self._resync_task = None
            conn.abort(self._last_error or "session ended")
            self._conn = None
            self._dispatch.drop_held()
            if self._connected:
                self._set_connected(False)
                self._ready.clear()
                if not self._stopping:
                    self._dispatch.link_lost(time.time())

    async def _asterisk_version(self, conn: AmiConnection) -> str | None:
        """From CoreSettings (needs read=system), else `core show version` (command)."""
        timeout_s = self.settings.action_timeout_s
        with contextlib.suppress(AmiActionFailed):
            version = (await conn.action("CoreSettings", timeout_s=timeout_s)).get(
                "AsteriskVersion"
            )
            if version:
                return f"Asterisk {version}"
        with contextlib.suppress(AmiActionFailed):
            result = await conn.action(
                "Command", {"Command": "core show version"}, timeout_s=timeout_s
            )
            words = " ".join(result.output).split()
            return " ".join(words[:2]) if words else None
        return None

    async def _resync(self) -> None:
        """Resync on a live session (after a PBX Reload): snapshot, then the held events."""
        conn = self._conn
        while conn is not None and self._connected:
            self._resync_again = False
            self._dispatch.hold()
            try:
                snapshot = await take_snapshot(
                    conn, timeout_s=self.settings.action_timeout_s, counters=self.counters
                )
            except AmiError as exc:
                log.warning("AMI resync after reload failed: %s", exc)
                self._dispatch.release(None)
                return
            self._dispatch.release(snapshot)
            if not self._resync_again:
                return

    async def _watchdog(self, conn: AmiConnection) -> None:
        """Ping every interval; no reply in time means the PBX hangs: drop the session."""
        s = self.settings
        while conn.is_open:
            await asyncio.sleep(s.ping_interval_s)
            try:
                await conn.action("Ping", timeout_s=s.ping_timeout_s)
            except AmiNotConnected:
                return
            except AmiError as exc:
                reason = f"no Ping reply within {s.ping_timeout_s:g} s ({exc})"
                log.warning("AMI watchdog: %s; dropping the session", reason)
                conn.abort(reason)
                return

    # -- events ----------------------------------------------------------------------------

    def _on_frame(self, frame: Frame) -> None:
        """Every event frame of the session, in order (called from data_received)."""
        event = self._translator.translate(frame)
        if event is None:
            if frame.get("Event") == "Reload" and self._connected:
                self._request_resync()
            return
        if isinstance(event, PbxShuttingDown):
            # The PBX goes away: consumers hear it now, the session is dropped right after.
            self._dispatch.deliver(event)
            if self._conn is not None:
                self._conn.close("PBX shutting down")
            return
        self._dispatch.event(event)

    def _request_resync(self) -> None:
        if self._resync_task is not None and not self._resync_task.done():
            self._resync_again = True
            return
        self._resync_task = asyncio.get_running_loop().create_task(self._resync())

    def _set_connected(self, connected: bool) -> None:
        self._connected = connected
        self._since = time.time()

    def _note_error(self, reason: str) -> None:
        self._last_error = reason
        log.warning("AMI link: %s", reason)


__all__ = ["AmiLink", "LinkState"]
