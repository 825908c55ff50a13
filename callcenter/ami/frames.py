"""AMI byte stream → frames: fast, incremental and tolerant of garbage.

An AMI frame is a block of `Key: Value` lines ended by CRLF, frames are separated by an empty
line, and a session opens with a banner line (`Asterisk Call Manager/9.0.0`) that has no blank
line after it. `FrameParser.feed()` takes the bytes as they arrive (any chunking, down to one
byte at a time) and returns the complete frames as plain `dict[str, str]`.

Why it is written this way:
- Speed. The whole pipeline (parse, translate, trackers, database) must keep up with a busy PBX
  and with benchmark replays of a million events, so the parser only does C-level string work:
  one UTF-8 decode per chunk, `str.split` into frames and lines, `str.partition` per line, no
  regular expressions and no per-header objects beyond the dict itself. Frames whose event name
  nobody wants are counted and skipped before any dict is built (`keep`).
- Tolerance. A garbled line (no ": ", undecodable bytes) is counted and skipped, a frame that
  grows past `max_frame_bytes` is dropped and counted, and none of it raises: a bad byte from the
  PBX must never take the event pipeline down.
- Repeated headers (`ChanVariable`, `Output`, `Variable`...) are folded into one value joined by
  "\\n", which cannot occur inside a header line; `header_values()` splits them back. This keeps
  every frame a `dict[str, str]` whether a header appears once or many times (panoramisk 1.4
  makes a single `ChanVariable` a str and several a list, and `getdict()` then fails on one).
"""

from __future__ import annotations

from collections.abc import Iterable

from callcenter.ami.counters import Counters, bump

Frame = dict[str, str]

BANNER_PREFIX = b"Asterisk Call Manager/"
FRAME_END = b"\r\n\r\n"
#: Big enough for any event or Command output the product asks for, small enough that a peer
#: that never ends a frame cannot grow the buffer without bound.
DEFAULT_MAX_FRAME_BYTES = 256 * 1024
#: Headers that identify a frame; seeing one twice means two frames were spliced together.
_IDENTITY_HEADERS = ("Event", "Response", "ActionID")
_GARBLED_LINE = "\ufffd"  # stands in for an undecodable line: has no ": ", so it is counted


class FrameParser:
    """Incremental parser for one AMI byte stream (one TCP session or one transcript).

    `keep`, when given, is the set of event names worth a dict: other events are counted in
    `counters.unwanted_events` (names in `known`) or `counters.unknown_events` and skipped
    without being split into lines. Events carrying an ActionID are always kept, since they are
    the answer to an action (resync lists, OriginateResponse).
    """

    __slots__ = (
        "_buf",
        "_discarding",
        "_expect_banner",
        "banner",
        "counters",
        "keep",
        "known",
        "max_frame_bytes",
    )

    def __init__(
        self,
        counters: Counters | None = None,
        *,
        keep: frozenset[str] | None = None,
        known: frozenset[str] = frozenset(),
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
        expect_banner: bool = True,
    ) -> None:
        self.counters = counters if counters is not None else Counters()
        self.keep = keep
        self.known = known
        self.max_frame_bytes = max_frame_bytes
        #: The banner's protocol version ("9.0.0"), once seen.
        self.banner: str | None = None
        self._buf = b""
        self._discarding = False
        self._expect_banner = expect_banner

    def feed(self, data: bytes) -> list[Frame]:
        """Add received bytes; return the frames they completed, in order."""
        buf = self._buf + data if self._buf else bytes(data)
        if self._discarding:
            start = buf.find(FRAME_END)
            if start < 0:
                self._buf = buf[-3:]
                return []
            buf = buf[start + 4 :]
            self._discarding = False
        if self._expect_banner:
            taken = self._take_banner(buf)
            if taken is None:
                return []
            buf = taken
        end = buf.rfind(FRAME_END)
        if end < 0:
            self._keep_partial(buf)
            return []
        self._keep_partial(buf[end + 4 :])
        chunk = buf[:end]
        try:
            text = chunk.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_by_line(chunk)
        return self.parse_text(text)

    def parse_text(self, text: str) -> list[Frame]:
        """Parse complete frames (CRLF lines, frames separated by a blank line)."""
        out: list[Frame] = []
        counters = self.counters
        keep = self.keep
        limit = self.max_frame_bytes
        for fr in text.split("\r\n\r\n"):
            if fr.startswith("\r\n"):
                fr = fr.lstrip("\r\n")
            if not fr:
                continue
            if len(fr) > limit:
                counters.oversize_frames += 1
                counters.malformed_frames += 1
                continue
            is_event = fr.startswith("Event: ")
            if is_event:
                counters.events_in += 1
                if keep is not None and self._skipped(fr, keep):
                    continue
            lines = fr.split("\r\n")
            frame: Frame = {}
            bad = 0
            for line in lines:
                key, sep, value = line.partition(": ")
                if sep:
                    frame[key] = value
                else:
                    bad += 1
            if bad or len(frame) != len(lines):
                folded = self._fold(lines, is_event)
                if folded is None:
                    continue
                frame = folded
            out.append(frame)
        return out

    def _skipped(self, fr: str, keep: frozenset[str]) -> bool:
        """Count and skip an event nobody wants, before it costs a dict."""
        eol = fr.find("\r", 7)
        name = fr[7:eol] if eol >= 0 else fr[7:]
        if name in keep or "ActionID: " in fr:
            return False
        counters = self.counters
        bump(counters.unwanted_events if name in self.known else counters.unknown_events, name)
        return True

    def _fold(self, lines: Iterable[str], counted_as_event: bool = True) -> Frame | None:
        """Slow path: skip garbled lines, fold repeated headers, reject spliced frames."""
        frame: Frame = {}
        bad = 0
        spliced = False
        for line in lines:
            if not line:
                continue  # a stray CRLF between frames, not garbage
            key, sep, value = line.partition(": ")
            if not sep:
                if line.endswith(":") and len(line) > 1 and " " not in line:
                    key = line[:-1]  # "Key:" with nothing after it is an empty value
                else:
                    bad += 1
                    continue
            if not key or key[0] == " ":
                bad += 1
                continue
            old = frame.get(key)
            if old is None:
                frame[key] = value
            elif key in _IDENTITY_HEADERS:
                spliced = True
            else:
                frame[key] = f"{old}\n{value}"
        counters = self.counters
        if bad:
            counters.malformed_lines += bad
        if spliced or (bad and not frame):
            counters.malformed_frames += 1
            return None
        if bad:
            counters.malformed_frames += 1
        if not counted_as_event and "Event" in frame:
            counters.events_in += 1
        return frame or None

    def _take_banner(self, buf: bytes) -> bytes | None:
        """Strip the session banner; None while too few bytes arrived to tell."""
        if len(buf) < len(BANNER_PREFIX) and BANNER_PREFIX.startswith(buf):
            self._buf = buf
            return None
        if buf.startswith(BANNER_PREFIX):
            eol = buf.find(b"\r\n")
            if eol < 0:
                self._keep_partial(buf)
                return None
            self.banner = buf[len(BANNER_PREFIX) : eol].decode("utf-8", "replace").strip()
            buf = buf[eol + 2 :]
        self._expect_banner = False
        return buf

    def _keep_partial(self, rest: bytes) -> None:
        if len(rest) > self.max_frame_bytes:
            # A frame that never ends: drop it and skip to the next frame boundary.
            self.counters.oversize_frames += 1
            self.counters.malformed_frames += 1
            self._discarding = True
            self._buf = rest[-3:]
        else:
            self._buf = rest

    @property
    def pending_bytes(self) -> int:
        """Bytes held back waiting for the end of a frame."""
        return len(self._buf)


def _decode_by_line(chunk: bytes) -> str:
    """Decode line by line so that one bad byte costs one line, not the whole chunk."""
    lines: list[str] = []
    for raw in chunk.split(b"\r\n"):
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(_GARBLED_LINE)
    return "\r\n".join(lines)


def parse_frames(data: bytes, counters: Counters | None = None) -> list[Frame]:
    """All complete frames in `data` (a whole stream or transcript body)."""
    return FrameParser(counters).feed(data)


def header_values(frame: Frame, key: str) -> list[str]:
    """Every value of a header that may repeat (`Output`, `ChanVariable`); [] when absent."""
    value = frame.get(key)
    return [] if value is None else value.split("\n")


def chan_variables(frame: Frame, prefix: str = "") -> dict[str, str]:
    """`ChanVariable: NAME=value` headers as a dict, one header or many.

    `prefix` selects another channel's variables (e.g. "Dest" for `DestChanVariable`).
    Items without "=" are ignored.
    """
    result: dict[str, str] = {}
    for item in header_values(frame, f"{prefix}ChanVariable"):
        name, sep, value = item.partition("=")
        if sep and name:
            result[name] = value
    return result


__all__ = [
    "BANNER_PREFIX",
    "DEFAULT_MAX_FRAME_BYTES",
    "Frame",
    "FrameParser",
    "chan_variables",
    "header_values",
    "parse_frames",
]
