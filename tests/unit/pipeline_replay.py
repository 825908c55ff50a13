"""Replays an AMI transcript through the whole service as `callcenter.app.create_app` wires it,
and records what comes out: registry rows, agent desk frames, hub messages, PBX actions.

Nothing of the pipeline is rebuilt here, so that a change to its wiring is exercised as is:
the app is created by `create_app` and started by an `AppRunner` (every `cleanup_ctx` entry,
the PBX pipeline included), its `AmiLink` connects to the fake AMI peer of the AMI tests, and
the peer sends the transcript's bytes down that socket. What is recorded is read from the
outside: a hub wrapper put in place of the app's hub, one open page (feed client) per agent,
the SQLite database once the app has stopped, and the actions the peer received.

Replay order, so that the output does not depend on timing:
1. The database is migrated and the directory holds the transcript's queues and agents
   (`seed_directory`), before the app starts, as in production.
2. The app starts; the link logs in, installs its filters and resyncs. The peer's snapshot
   has the transcript's static queue members (`static_members`) and no channels: the service
   started before the recorded calls, with the queues staffed.
3. Every agent opens their page: `wrapups.manage` and `feeds.attach`, as `/ws/agent` does.
4. The transcript's event frames are sent one at a time; after each, the replay waits until
   the link has read it and the service is idle (`_settle`): the registry writer's backlog
   is empty, no screen-pop lookup is running, the live relay and the pages' queues drained.
   This is how the PBX paces a real call (events are milliseconds to seconds apart); it also
   makes the live relay publish each change once instead of folding a burst together.
5. The app stops (the registry writer flushes), then the stored rows are read back.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from callcenter import app as app_module
from callcenter.agents import wrapup as wrapup_module
from callcenter.agents.context import AGENT_DESK
from callcenter.agents.feeds import Client
from callcenter.ami import snapshot as snapshot_module
from callcenter.ami.frames import BANNER_PREFIX, FRAME_END, Frame, FrameParser
from callcenter.ami.recorder import read_transcript
from callcenter.app import create_app
from callcenter.auth.principal import Principal, Role
from callcenter.calls.models import CallAgentLegRow, CallQueueVisitRow, CallRow
from callcenter.directory.schemas import AgentSpec, QueueSpec
from callcenter.directory.service import DirectoryService
from callcenter.hub.base import Hub, Message, Subscription
from callcenter.pipeline import AMI_LINK, RECONCILER, REGISTRY_WRITER
from callcenter.settings import load_settings
from callcenter.storage.database import open_database
from callcenter.web.keys import HUB
from tests.unit.ami.fake_ami_peer import FakeAmiPeer, FakeSession

SETTLE_TIMEOUT_S = 10.0
#: Actions the link sends for its own upkeep (login, filters, resync, keep-alive): not
#: decisions of the service, and Ping depends on the wall clock.
LINK_UPKEEP_ACTIONS = frozenset(
    {"Login", "Filter", "CoreSettings", "Command", "QueueStatus", "CoreShowChannels", "Ping",
     "Logoff"})
#: Actions the desk may send; the peer accepts them, as the PBX would for a known member.
DESK_ACTIONS = ("QueuePause", "QueueAdd", "QueueRemove", "Setvar", "Redirect")


def agent_of(interface: str) -> str | None:
    """The bench's directory: Local/1051@bench-agents/n belongs to agent a1051."""
    ext = interface.removeprefix("Local/").split("@", 1)[0]
    return f"a{ext}" if ext.isdigit() else None


@dataclass(frozen=True, slots=True)
class RawFrame:
    """One frame of the transcript: its bytes as the PBX sent them, and its headers."""

    data: bytes
    headers: Frame


def transcript_frames(path: Path) -> list[RawFrame]:
    """The event frames a live session would be sent, byte for byte.

    Answers to the recording session's own actions (Response frames, and events carrying an
    ActionID other than OriginateResponse, which Asterisk sends to every session) belong to
    that session, so they are left out, by the rule `callcenter.ami.recorder.replay` uses.
    """
    data = read_transcript(path).data
    if data.startswith(BANNER_PREFIX):
        data = data[data.index(b"\r\n") + 2:]
    parser = FrameParser(expect_banner=False)
    frames = []
    for chunk in data.split(FRAME_END):
        stripped = chunk.lstrip(b"\r\n")
        if not stripped:
            continue
        parsed = parser.parse_text(stripped.decode("utf-8", "replace"))
        if len(parsed) != 1:
            continue
        headers = parsed[0]
        name = headers.get("Event")
        if name is None or ("ActionID" in headers and name != "OriginateResponse"):
            continue
        frames.append(RawFrame(stripped + FRAME_END, headers))
    return frames


def static_members(frames: list[RawFrame]) -> dict[str, dict[str, str]]:
    """queue → {interface: member name} of members rung in the transcript without logging in
    during it: the bench's static members, which the PBX lists at the service's resync."""
    logged_in = {(f.headers.get("Queue"), f.headers.get("Interface")) for f in frames
                 if f.headers.get("Event") == "QueueMemberAdded"}
    members: dict[str, dict[str, str]] = {}
    for f in frames:
        h = f.headers
        if h.get("Event") == "AgentCalled" and (h.get("Queue"), h.get("Interface")) \
                not in logged_in:
            members.setdefault(h["Queue"], {})[h["Interface"]] = h.get("MemberName", "")
    return members


def directory_of(frames: list[RawFrame]) -> tuple[list[str], list[str]]:
    """(queues, agent interfaces) named anywhere in the transcript, sorted."""
    queues = sorted({f.headers["Queue"] for f in frames if f.headers.get("Queue")})
    interfaces = sorted({f.headers["Interface"] for f in frames
                         if agent_of(f.headers.get("Interface", ""))})
    return queues, interfaces


async def seed_directory(database_url: str, queues: list[str], interfaces: list[str]) -> None:
    """The directory as an administrator set it up: each queue with a greeting and the
    site's defaults (R1 rule, 30 s wrap-up), each agent with their one interface."""
    db = open_database(database_url)
    try:
        directory = DirectoryService(db)
        for queue in queues:
            await directory.put_queue(QueueSpec(queue, f"Queue {queue}",
                                                greeting=f"Welcome to {queue}"))
        for interface in interfaces:
            agent = agent_of(interface)
            assert agent is not None
            await directory.put_agent(AgentSpec(agent, f"Agent {agent}", interfaces=(interface,)))
    finally:
        await db.dispose()


class ReplayClock:
    """The wall clock during a replay: the PBX timestamp of the last event sent.

    The service reads the wall clock in two places that reach the recorded output: the
    resync snapshot's time (an agent's presence `since` after a resync) and the wrap-up
    deadline's delay. Both are compared with PBX timestamps, so with the real clock the
    output would depend on the day the test runs; following the recording instead is what
    the service saw when the transcript was recorded.
    """

    def __init__(self, start: float) -> None:
        self.now = start

    def time(self) -> float:
        return self.now


class RecordingHub:
    """The app's hub, with every published message written down (topic and payload)."""

    def __init__(self, inner: Hub) -> None:
        self._inner = inner
        self.backend = inner.backend
        self.messages: list[dict[str, Any]] = []

    async def publish(self, channel: str, message: Message) -> None:
        # The JSON round trip is what a Redis subscriber receives (enums as values, tuples
        # as lists); RedisHub encodes with default=str, so the same here.
        self.messages.append({"topic": channel,
                              "payload": json.loads(json.dumps(message, default=str))})
        await self._inner.publish(channel, message)

    async def subscribe(self, *channels: str) -> Subscription:
        return await self._inner.subscribe(*channels)

    async def ping(self) -> dict[str, Any]:
        return await self._inner.ping()

    async def close(self) -> None:
        await self._inner.close()


@dataclass
class Capture:
    """Everything the service put out while one transcript was replayed."""

    hub: RecordingHub | None = None
    desk_frames: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    pbx_actions: list[dict[str, str]] = field(default_factory=list)
    registry: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _hub_recorder(capture: Capture) -> Any:
    async def record_hub(app: web.Application) -> Any:
        capture.hub = RecordingHub(app[HUB])
        app[HUB] = capture.hub
        yield

    return record_hub


def _queue_answers(members: dict[str, dict[str, str]]) -> list[dict[str, str]]:
    items = []
    for queue in sorted(members):
        items.append({"Event": "QueueParams", "Queue": queue, "Strategy": "rrmemory"})
        for interface, name in sorted(members[queue].items()):
            items.append({"Event": "QueueMember", "Queue": queue, "Name": name or interface,
                          "Location": interface, "StateInterface": interface.removesuffix("/n"),
                          "Status": "1", "Paused": "0", "PausedReason": "", "InCall": "0"})
    return items


def _accept(session: FakeSession, action: dict[str, str]) -> None:
    session.respond(action, Message="Success")


@contextmanager
def _replay_clock(start: float) -> Iterator[ReplayClock]:
    clock = ReplayClock(start)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot_module, "time", clock)
        patch.setattr(wrapup_module, "time", clock)
        yield clock


async def replay_through_service(transcript: Path, database_url: str) -> Capture:
    """Run the service on `database_url` (migrated, empty) against the transcript."""
    frames = transcript_frames(transcript)
    queues, interfaces = directory_of(frames)
    await seed_directory(database_url, queues, interfaces)
    peer = FakeAmiPeer()
    peer.queue_items = _queue_answers(static_members(frames))
    for name in DESK_ACTIONS:
        peer.handlers[name] = _accept
    await peer.start()
    capture = Capture()
    first_ts = next((float(f.headers["Timestamp"]) for f in frames
                     if "Timestamp" in f.headers), time.time())
    try:
        with _replay_clock(first_ts) as clock:
            await _run_app(peer, frames, database_url, clock, capture)
    finally:
        await peer.stop()
    if peer.sessions:
        capture.pbx_actions = [
            {k: v for k, v in action.items() if k != "ActionID"}
            for session in peer.sessions for action in session.actions
            if action.get("Action") not in LINK_UPKEEP_ACTIONS]
    capture.registry = await read_registry(database_url)
    return capture


async def _run_app(peer: FakeAmiPeer, frames: list[RawFrame], database_url: str,
                   clock: ReplayClock, capture: Capture) -> None:
    settings = load_settings({
        "DATABASE_URL": database_url, "CALLCENTER_AMI_HOST": "127.0.0.1",
        "CALLCENTER_AMI_PORT": str(peer.port), "CALLCENTER_DIALER_ENABLED": "false"})
    app = create_app(settings)
    app.cleanup_ctx.insert(app.cleanup_ctx.index(app_module._hub) + 1, _hub_recorder(capture))
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        link = app[AMI_LINK]
        await link.wait_connected(SETTLE_TIMEOUT_S)
        await asyncio.wait_for(app[RECONCILER].done.wait(), SETTLE_TIMEOUT_S)
        desk = app[AGENT_DESK]
        clients: dict[str, Client] = {}
        for n, agent in enumerate(sorted({a for a in map(agent_of, _interfaces(frames)) if a})):
            desk.wrapups.manage(agent)
            clients[agent] = desk.feeds.attach(
                agent, Principal(n + 1, agent, Role.AGENT, agent), partial(desk.snapshot, agent))
        session = peer.last
        events_in = link.counters.events_in
        for frame in frames:
            if "Timestamp" in frame.headers:
                clock.now = max(clock.now, float(frame.headers["Timestamp"]))
            session.send_raw(frame.data)
            events_in += 1
            await _settle(app, events_in)
            _drain(clients, capture)
        _drain(clients, capture)
    finally:
        await runner.cleanup()


def _interfaces(frames: list[RawFrame]) -> list[str]:
    return directory_of(frames)[1]


def _pop_lookups_running() -> bool:
    """The pop board's caller lookups run as tasks it names pop-prefetch-… / pop-lookup-…."""
    return any(task.get_name().startswith(("pop-prefetch-", "pop-lookup-"))
               and not task.done() for task in asyncio.all_tasks())


async def _settle(app: web.Application, events_in: int) -> None:
    """Wait until the link has read `events_in` event frames in all and the service has done
    what follows them."""
    counters, writer = app[AMI_LINK].counters, app[REGISTRY_WRITER]
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while counters.events_in < events_in or writer.backlog or _pop_lookups_running():
        if time.monotonic() > deadline:
            raise TimeoutError("the service did not settle after a transcript frame")
        await asyncio.sleep(0.002)
    for _ in range(10):  # the live relay and the wrap-up timers run on the next loop turns
        await asyncio.sleep(0)


def _drain(clients: dict[str, Client], capture: Capture) -> None:
    for agent, client in clients.items():
        frames = capture.desk_frames.setdefault(agent, [])
        while not client.frames.empty():
            frames.append(json.loads(client.frames.get_nowait()))


def _plain(value: Any) -> Any:
    """Datetimes as ISO strings, the rest as stored."""
    return value.isoformat() if hasattr(value, "isoformat") else value


async def read_registry(database_url: str) -> dict[str, list[dict[str, Any]]]:
    """The registry tables as stored, without the autoincrement id (it numbers writes, and
    the writer's batching decides it, not the call)."""
    db = open_database(database_url)
    tables = {"calls": (CallRow.__table__, ("entered_at", "call_id")),
              "call_queue_visits": (CallQueueVisitRow.__table__, ("call_id", "seq")),
              "call_agent_legs": (CallAgentLegRow.__table__, ("call_id", "seq"))}
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        async with db.sessions() as session:
            for name, (table, order) in tables.items():
                rows = (await session.execute(
                    select(table).order_by(*(table.c[c] for c in order)))).mappings().all()
                out[name] = [{k: _plain(v) for k, v in row.items() if k != "id"}
                             for row in rows]
    finally:
        await db.dispose()
    return out


__all__ = ["Capture", "ReplayClock", "agent_of", "replay_through_service", "transcript_frames"]
