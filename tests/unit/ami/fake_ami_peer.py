"""A FAKE AMI peer: a scripted asyncio TCP server that speaks AMI text.

Only for faults the real bench PBX cannot be made to show on demand: garbled frames, an action
answered halfway, a Ping never answered, filters refused, a login refused. Everything the real
PBX can show (login, filters, resync, kill/restart, SIGSTOP) is tested against the real PBX in
tests/e2e/ami. Its answers copy what Asterisk 22 sends (see tests/fixtures/ami transcripts).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

Handler = Callable[["FakeSession", dict[str, str]], None]

BANNER = b"Asterisk Call Manager/11.0.0\r\n"


def encode(headers: dict[str, str] | list[tuple[str, str]]) -> bytes:
    items = headers.items() if isinstance(headers, dict) else headers
    return "".join(f"{k}: {v}\r\n" for k, v in items).encode() + b"\r\n"


@dataclass
class FakeSession:
    """One client connection to the fake peer."""

    peer: FakeAmiPeer
    writer: asyncio.StreamWriter
    actions: list[dict[str, str]] = field(default_factory=list)

    def send(self, headers: dict[str, str] | list[tuple[str, str]]) -> None:
        self.send_raw(encode(headers))

    def send_raw(self, data: bytes) -> None:
        if not self.writer.is_closing():
            self.writer.write(data)

    def respond(self, action: dict[str, str], **headers: str) -> None:
        self.send({"Response": "Success", "ActionID": action["ActionID"], **headers})

    def error(self, action: dict[str, str], message: str) -> None:
        self.send({"Response": "Error", "ActionID": action["ActionID"], "Message": message})

    def send_list(self, action: dict[str, str], items: list[dict[str, str]], done: str) -> None:
        aid = action["ActionID"]
        self.send({"Response": "Success", "ActionID": aid, "EventList": "start",
                   "Message": "Items will follow"})
        for item in items:
            self.send({**item, "ActionID": aid})
        self.send({"Event": done, "ActionID": aid, "EventList": "Complete",
                   "ListItems": str(len(items))})

    def close(self) -> None:
        """The peer drops the connection (EOF on the client side)."""
        self.writer.close()

    def names(self) -> list[str]:
        return [a.get("Action", "") for a in self.actions]


class FakeAmiPeer:
    """A fake PBX: answers the actions the link sends, with knobs for faults."""

    def __init__(self) -> None:
        self.sessions: list[FakeSession] = []
        self.answer_ping = True
        self.login_ok = True
        self.refuse_filter_modes: set[str] = set()
        self.refuse_filter_after: int | None = None
        self.version = "22.0.0-fake"
        self.queue_items: list[dict[str, str]] = []
        self.channel_items: list[dict[str, str]] = []
        self.handlers: dict[str, Handler] = {}
        self.port = 0
        self._server: asyncio.Server | None = None
        self._new_session = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self, port: int = 0) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        """Stop listening and drop every session (connections are then refused)."""
        if self._server is not None:
            self._server.close()
            self.drop_all()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def drop_all(self) -> None:
        for session in self.sessions:
            session.close()

    @property
    def last(self) -> FakeSession:
        return self.sessions[-1]

    async def wait_sessions(self, count: int, timeout_s: float = 5.0) -> FakeSession:
        async def _wait() -> None:
            async with self._new_session:
                await self._new_session.wait_for(lambda: len(self.sessions) >= count)

        await asyncio.wait_for(_wait(), timeout_s)
        return self.sessions[count - 1]

    async def wait_action(
        self, session: FakeSession, name: str, timeout_s: float = 5.0
    ) -> None:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while name not in session.names():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"no {name} action; got {session.names()}")
            await asyncio.sleep(0.01)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        session = FakeSession(self, writer)
        async with self._new_session:
            self.sessions.append(session)
            self._new_session.notify_all()
        writer.write(BANNER)
        try:
            while True:
                raw = await reader.readuntil(b"\r\n\r\n")
                action = _parse(raw)
                session.actions.append(action)
                self._handle(session, action)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)

    def _handle(self, session: FakeSession, action: dict[str, str]) -> None:
        name = action.get("Action", "")
        handler = self.handlers.get(name) or getattr(self, f"_on_{name.lower()}", None)
        if handler is None:
            session.error(action, "Invalid/unknown command")
        else:
            handler(session, action)

    # Default answers, as Asterisk 22 gives them ------------------------------------------

    def _on_login(self, session: FakeSession, action: dict[str, str]) -> None:
        if not self.login_ok:
            session.error(action, "Authentication failed")
            session.close()
            return
        session.respond(action, Message="Authentication accepted")
        session.send({"Event": "FullyBooted", "Privilege": "system,all", "Status": "Fully Booted"})

    def _on_filter(self, session: FakeSession, action: dict[str, str]) -> None:
        mode = "name" if "MatchCriteria" in action else "regex"
        done = sum(1 for a in session.actions if a.get("Action") == "Filter") - 1
        if mode in self.refuse_filter_modes or (
            self.refuse_filter_after is not None and done >= self.refuse_filter_after
        ):
            session.error(action, "Filter Rejected")
        else:
            session.respond(action, Message="Success")

    def _on_coresettings(self, session: FakeSession, action: dict[str, str]) -> None:
        session.respond(action, AMIversion="11.0.0", AsteriskVersion=self.version)

    def _on_queuestatus(self, session: FakeSession, action: dict[str, str]) -> None:
        session.send_list(action, self.queue_items, "QueueStatusComplete")

    def _on_coreshowchannels(self, session: FakeSession, action: dict[str, str]) -> None:
        session.send_list(action, self.channel_items, "CoreShowChannelsComplete")

    def _on_ping(self, session: FakeSession, action: dict[str, str]) -> None:
        if self.answer_ping:
            session.respond(action, Ping="Pong", Timestamp="1700000000.000000")

    def _on_logoff(self, session: FakeSession, action: dict[str, str]) -> None:
        session.send({"Response": "Goodbye", "ActionID": action["ActionID"],
                      "Message": "Thanks for all the fish."})
        session.close()

    def _on_queueadd(self, session: FakeSession, action: dict[str, str]) -> None:
        session.respond(action, Message="Added interface to queue")

    def _on_originate(self, session: FakeSession, action: dict[str, str]) -> None:
        session.respond(action, Message="Originate successfully queued")
        session.send({
            "Event": "OriginateResponse", "Privilege": "call,all",
            "Timestamp": "1700000001.000000", "ActionID": action["ActionID"],
            "Response": "Failure", "Channel": action.get("Channel", ""), "Reason": "0",
            "Uniqueid": action.get("ChannelId", ""), "CallerIDNum": "<unknown>",
        })


def _parse(raw: bytes) -> dict[str, str]:
    action: dict[str, str] = {}
    for line in raw.decode().split("\r\n"):
        key, sep, value = line.partition(": ")
        if sep:
            action[key] = f"{action[key]},{value}" if key in action else value
    return action
