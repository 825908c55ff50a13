"""Record the raw AMI stream of the real PBX; replay it through the same parser and translator.

A transcript is three header lines and then the bytes exactly as the PBX sent them:

    # callcenter AMI transcript v1
    # asterisk: Asterisk 22.5.2
    # recorded: 2025-01-01T12:00:00+00:00
    Asterisk Call Manager/9.0.0\\r\\n Response: Success\\r\\n ...

Because it is the raw stream (banner, action answers and all), replaying it exercises the very
`FrameParser` and `Translator` the live link uses, and a garbled-input test is just a spliced
transcript. The recorder logs in with no event filter: a transcript keeps every event, so a
tracker written later can still be tested on an old recording; the replay skips what its
consumer does not want exactly as the live link's parser does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from callcenter.ami.counters import Counters
from callcenter.ami.errors import AmiActionFailed, AmiError
from callcenter.ami.frames import Frame, FrameParser
from callcenter.ami.protocol import AmiConnection, login, open_connection
from callcenter.ami.translate import Translator, ami_event_names, known_event_names
from callcenter.events import PbxEvent
from callcenter.settings import AmiSettings

MAGIC = b"# callcenter AMI transcript v1"
REPLAY_CHUNK = 1 << 20
_PathLike = str | os.PathLike[str]


@dataclass(frozen=True, slots=True)
class Transcript:
    """A recorded stream: the Asterisk version it came from and the raw bytes."""

    version: str
    recorded: str
    data: bytes


def read_transcript(path: _PathLike) -> Transcript:
    """Read a transcript file; ValueError when it is not one."""
    raw = Path(path).read_bytes()
    headers: dict[str, str] = {}
    pos = 0
    first = True
    while raw.startswith(b"#", pos):
        eol = raw.find(b"\n", pos)
        if eol < 0:
            eol = len(raw)
        line = raw[pos:eol].rstrip(b"\r")
        if first and line != MAGIC:
            raise ValueError(f"{path}: not a callcenter AMI transcript (first line {line!r})")
        first = False
        key, _, value = line[1:].decode("utf-8", "replace").strip().partition(":")
        headers[key.strip()] = value.strip()
        pos = eol + 1
    if first:
        raise ValueError(f"{path}: not a callcenter AMI transcript (no header)")
    return Transcript(headers.get("asterisk", ""), headers.get("recorded", ""), raw[pos:])


def transcript_header(version: str, recorded: str | None = None) -> bytes:
    """The header lines that open a transcript file."""
    when = recorded or datetime.now(UTC).isoformat(timespec="seconds")
    return b"%s\n# asterisk: %s\n# recorded: %s\n" % (MAGIC, version.encode(), when.encode())


def write_transcript(path: _PathLike, transcript: Transcript) -> None:
    """Write a transcript (tests use this to splice garbled bytes into a real recording)."""
    Path(path).write_bytes(transcript_header(transcript.version, transcript.recorded)
                           + transcript.data)


def replay_bytes(
    data: bytes,
    *,
    wanted: Iterable[type[PbxEvent]] | None = None,
    counters: Counters | None = None,
) -> Iterator[PbxEvent]:
    """Typed events in a raw AMI stream, through the live link's parser and translator.

    Action answers are skipped (Response frames, and events carrying an ActionID such as
    resync lists) except OriginateResponse, which Asterisk sends as an event to every session.
    """
    counters = counters if counters is not None else Counters()
    classes = None if wanted is None else tuple(wanted)
    keep = None if classes is None else ami_event_names(classes)
    parser = FrameParser(counters, keep=keep, known=known_event_names())
    translator = Translator(counters, classes)
    translate = translator.translate
    for start in range(0, len(data), REPLAY_CHUNK):
        for frame in parser.feed(data[start : start + REPLAY_CHUNK]):
            name = frame.get("Event")
            if name is None or ("ActionID" in frame and name != "OriginateResponse"):
                continue
            event = translate(frame)
            if event is not None:
                yield event


def replay(
    path: _PathLike,
    *,
    wanted: Iterable[type[PbxEvent]] | None = None,
    counters: Counters | None = None,
) -> Iterator[PbxEvent]:
    """Typed events recorded in a transcript file (see `replay_bytes`)."""
    return replay_bytes(read_transcript(path).data, wanted=wanted, counters=counters)


class Recorder:
    """Records one AMI session to a transcript file while a scenario runs.

    Use as `async with Recorder(settings, path) as rec:` and drive the PBX meanwhile;
    `wait_for()` returns when an event matching a predicate was recorded.
    """

    def __init__(self, settings: AmiSettings, path: _PathLike) -> None:
        self.settings = settings
        self.path = Path(path)
        self.version = ""
        self._conn: AmiConnection | None = None
        self._file: BinaryIO | None = None
        self._early: list[bytes] = []
        self._waiters: list[tuple[Callable[[Frame], bool], asyncio.Future[Frame]]] = []

    async def start(self) -> str:
        """Connect, log in and start writing; returns the Asterisk version."""
        s = self.settings
        self._conn = conn = await open_connection(
            s.host, s.port, timeout_s=s.action_timeout_s, on_event=self._on_event, tap=self._tap
        )
        try:
            await login(conn, s.user, s.secret, timeout_s=s.action_timeout_s)
            try:
                result = await conn.action("CoreSettings", timeout_s=s.action_timeout_s)
                self.version = f"Asterisk {result.get('AsteriskVersion', 'unknown')}"
            except AmiActionFailed:
                self.version = "Asterisk unknown"
        except BaseException:
            conn.abort("recorder start failed")
            raise
        self._file = self.path.open("wb")
        self._file.write(transcript_header(self.version))
        self._file.writelines(self._early)
        self._early.clear()
        return self.version

    async def wait_for(self, predicate: Callable[[Frame], bool], timeout_s: float) -> Frame:
        """Wait for a recorded event frame that satisfies `predicate`."""
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout_s)
        finally:
            with contextlib.suppress(ValueError):
                self._waiters.remove(entry)

    async def stop(self) -> Path:
        """Log off, close the file; returns its path."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(AmiError):
                await conn.action("Logoff", timeout_s=1.0)
            conn.close("recording finished")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(conn.closed), 1.0)
        if self._file is not None:
            self._file.close()
            self._file = None
        return self.path

    async def __aenter__(self) -> Recorder:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _tap(self, data: bytes) -> None:
        if self._file is not None:
            self._file.write(data)
        else:
            self._early.append(data)

    def _on_event(self, frame: Frame) -> None:
        for predicate, future in self._waiters:
            if not future.done() and predicate(frame):
                future.set_result(frame)


async def record(
    settings: AmiSettings,
    path: _PathLike,
    *,
    duration_s: float | None = None,
    until: Callable[[Frame], bool] | None = None,
) -> Path:
    """Record for `duration_s` seconds, or until an event matches `until` (then stop at once;
    with both, `duration_s` is the limit and TimeoutError is raised if `until` never matched).
    """
    if duration_s is None and until is None:
        raise ValueError("record() needs duration_s or until")
    async with Recorder(settings, path) as recorder:
        if until is None:
            assert duration_s is not None
            await asyncio.sleep(duration_s)
        else:
            await recorder.wait_for(until, duration_s if duration_s is not None else 3600.0)
    return Path(path)


__all__ = [
    "MAGIC",
    "Recorder",
    "Transcript",
    "read_transcript",
    "record",
    "replay",
    "replay_bytes",
    "transcript_header",
    "write_transcript",
]
