"""A small FastAGI server: the PBX connects for `AGI(agi://host:port/<script>,args)`.

Written here rather than on panoramisk's `fast_agi` because of that module's traps (a route
must be a coroutine function, calls keyed by the seconds part of the Uniqueid collide, no
timeouts, a hang-up is just another reply line). This one is a plain asyncio server:

- a session reads the `agi_*` environment up to the blank line (bounded in time and size),
  routes on the script name of `agi_request` (FastAGI routes on the exact name; ids travel
  as AGI arguments), and hands the handler an `AgiSession`;
- `AgiSession.command()` sends one command and reads its `200 result=...` reply; a channel
  that hung up (the PBX's `HANGUP` notice, then `result=-1`; a `511` dead-channel reply; or
  EOF) raises `AgiHangup`, so handlers can keep what they had before it. `result=-1` with
  no HANGUP notice is a command that failed on a live channel (Asterisk answers a missing
  sound file that way too): `AgiCommandFailed`;
- when the handler returns (or fails) the connection is closed, and the dialplan goes on
  with AGISTATUS=SUCCESS; a handler that raises is logged with the channel's id.

Nothing here knows what a survey is: `dialer.agi` adapts sessions to the flows' `Channel`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from callcenter.ami.errors import AmiError

log = logging.getLogger(__name__)

HEADER_TIMEOUT_S = 5.0
MAX_HEADER_LINES = 200
_REPLY = re.compile(r"^(\d{3})[ -](?:result=(\S*))?\s*(?:\((.*)\))?")


class AgiHangup(AmiError):
    """The channel hung up (or its connection dropped) during an AGI session."""

    error_id = "agi-hangup"


class AgiCommandFailed(AmiError):
    """A command failed on a live channel (result -1 with no hang-up), e.g. a missing file."""

    error_id = "agi-command-failed"


class AgiProtocolError(AmiError):
    """The PBX sent something that is not an AGI reply."""

    error_id = "agi-protocol-error"


@dataclass(frozen=True, slots=True)
class AgiReply:
    code: int
    raw_result: str
    data: str

    @property
    def result(self) -> int | None:
        value = self.raw_result
        return int(value) if value.lstrip("-").isdigit() else None

    @property
    def digit(self) -> str | None:
        """A key pressed, when `result` is its character code (STREAM FILE, WAIT FOR DIGIT)."""
        return chr(self.result) if self.result and self.result > 0 else None


class AgiSession:
    """One AGI conversation: the environment the PBX sent, and commands on that channel."""

    def __init__(self, env: Mapping[str, str], reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter, command_timeout_s: float) -> None:
        self.env = dict(env)
        self._reader, self._writer = reader, writer
        self._timeout = command_timeout_s
        self.hung_up = False

    @property
    def script(self) -> str:
        return urlsplit(self.env.get("agi_request", "")).path.strip("/")

    @property
    def args(self) -> list[str]:
        found = []
        index = 1
        while f"agi_arg_{index}" in self.env:
            found.append(self.env[f"agi_arg_{index}"])
            index += 1
        return found

    @property
    def uniqueid(self) -> str:
        return self.env.get("agi_uniqueid", "")

    async def command(self, line: str, *, timeout_s: float | None = None) -> AgiReply:
        """Send one command and return its reply; AgiHangup if the channel is gone."""
        if self.hung_up:
            raise AgiHangup("the channel hung up")
        try:
            self._writer.write(line.encode() + b"\n")
            await self._writer.drain()
            reply = await asyncio.wait_for(self._read_reply(), timeout_s or self._timeout)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            self.hung_up = True
            raise AgiHangup(f"AGI connection lost: {exc}") from None
        except TimeoutError:
            raise AgiProtocolError(f"no reply to {line.split()[0]!r} in time") from None
        if reply.code == 511 or (reply.code == 200 and reply.result == -1 and self.hung_up):
            self.hung_up = True
            raise AgiHangup("the channel hung up")
        if reply.code == 200 and reply.result == -1:
            # -1 without the PBX's HANGUP notice: the command failed on a live channel (a
            # sound file missing, say). A real hang-up shows on the next command (511).
            raise AgiCommandFailed(f"{line.split()[0]} failed on the channel: {line[:120]}")
        if reply.code != 200:
            raise AgiProtocolError(f"{line.split()[0]} failed: {reply.code} {reply.data}")
        return reply

    async def _read_reply(self) -> AgiReply:
        while True:
            raw = await self._reader.readline()
            if not raw:
                raise asyncio.IncompleteReadError(raw, None)
            line = raw.decode(errors="replace").strip()
            if line == "HANGUP":  # the PBX's own notice (AGISIGHUP); the reply follows
                self.hung_up = True
                continue
            if line.startswith("520-"):  # multi-line usage text, ends with "520 End..."
                while not (await self._reader.readline()).startswith(b"520 "):
                    pass
                return AgiReply(520, "", "invalid command syntax")
            match = _REPLY.match(line)
            if match is None:
                raise AgiProtocolError(f"not an AGI reply: {line[:80]!r}")
            return AgiReply(int(match.group(1)), match.group(2) or "", match.group(3) or "")

    async def get_data(self, files: str, timeout_s: float, max_digits: int = 1) -> str | None:
        """Play `files` (`&`-joined sound names), collect up to `max_digits` keys."""
        budget = timeout_s + 120.0  # the prompt plays before the wait starts
        reply = await self.command(
            f"GET DATA {files} {int(timeout_s * 1000)} {max_digits}", timeout_s=budget)
        return reply.raw_result or None

    async def stream_file(self, name: str, escape_digits: str = "") -> str | None:
        reply = await self.command(f'STREAM FILE {name} "{escape_digits}"', timeout_s=300.0)
        return reply.digit

    async def exec(self, application: str, options: str = "") -> int | None:
        return (await self.command(f'EXEC {application} "{options}"', timeout_s=120.0)).result

    async def get_variable(self, name: str) -> str | None:
        reply = await self.command(f"GET VARIABLE {name}")
        return reply.data if reply.result == 1 else None

    async def hangup(self) -> None:
        with contextlib.suppress(AgiHangup):
            await self.command("HANGUP")


Handler = Callable[[AgiSession], Awaitable[None]]


class FastAgiServer:
    """Serves AGI scripts by name on host:port until stopped."""

    def __init__(self, host: str, port: int, routes: Mapping[str, Handler], *,
                 command_timeout_s: float = 10.0) -> None:
        self.host, self.port = host, port
        self._routes = dict(routes)
        self._timeout = command_timeout_s
        self._server: asyncio.Server | None = None
        self._sessions: set[asyncio.Task[None]] = set()

    @property
    def listening(self) -> bool:
        return self._server is not None and self._server.is_serving()

    @property
    def bound_port(self) -> int:
        """The actual port (useful when started on port 0)."""
        if self._server is None or not self._server.sockets:
            return self.port
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        log.info("FastAGI listening on %s:%s", self.host, self.bound_port)

    async def stop(self) -> None:
        """Stop listening and end the sessions in progress (their dialplan falls through)."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for task in list(self._sessions):
            task.cancel()
        await asyncio.gather(*self._sessions, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._sessions.add(task)
        try:
            env = await asyncio.wait_for(_read_env(reader), HEADER_TIMEOUT_S)
            session = AgiSession(env, reader, writer, self._timeout)
            handler = self._routes.get(session.script)
            if handler is None:
                log.warning("FastAGI: no script %r (channel %s)", session.script,
                            session.uniqueid)
                return
            await handler(session)
        except AgiHangup:
            pass
        except (TimeoutError, AgiProtocolError, AgiCommandFailed, ConnectionError,
                asyncio.IncompleteReadError) as exc:
            log.warning("FastAGI session ended: %s", exc)
        except Exception:  # one bad call must not take the server down; say which
            log.exception("FastAGI handler failed")
        finally:
            self._sessions.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()


async def _read_env(reader: asyncio.StreamReader) -> dict[str, str]:
    env: dict[str, str] = {}
    for _ in range(MAX_HEADER_LINES):
        raw = await reader.readline()
        if not raw:
            raise asyncio.IncompleteReadError(raw, None)
        line = raw.decode(errors="replace").rstrip("\r\n")
        if not line:
            return env
        key, _, value = line.partition(":")
        env[key.strip()] = value.strip()
    raise AgiProtocolError("AGI environment too long")


__all__ = ["AgiCommandFailed", "AgiHangup", "AgiProtocolError", "AgiReply", "AgiSession",
           "FastAgiServer", "Handler"]
