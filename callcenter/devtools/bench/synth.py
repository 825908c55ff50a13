"""A busy PBX's AMI stream, synthesised from calls recorded on the real bench PBX.

Why copies of recorded calls and not invented events: the pipeline must be measured on what
Asterisk really sends (header order and count, the agents' Local channels, the many events
nobody wants, the order of hang-ups), and the scenario transcripts recorded with
`callcenter scenario --record` hold exactly that. Each recorded call (one Linkedid's event
frames, without the session's login and action answers) becomes a template, and the stream is
many copies of the templates:

- every copy gets fresh ids: Linkedid and Uniqueid in all their forms (Dest*, LocalOne*,
  LocalTwo*, the "<id>-2" of the Originate's second channel), bridge ids and the sequence
  suffix of Local channel names, so that no two copies are the same call to the tracker;
- every copy is shifted in time as a whole, so its durations (ring, wait, talk) stay as
  recorded, and copies start a fraction of a second apart and are interleaved by timestamp,
  so that hundreds of calls are in progress at once, as on a busy PBX;
- a template is kept only if, replayed alone, it gives the tracker exactly one finished call
  (a transcript may also hold the tail of an earlier scenario's call), so "calls synthesised"
  is exactly the number of registry rows a run must produce.
"""

from __future__ import annotations

import heapq
import itertools
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callcenter.ami.frames import Frame, FrameParser
from callcenter.ami.recorder import read_transcript, replay_bytes
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.devtools.pbx.scenarios import SCENARIOS

RECORDINGS = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "ami" / "scenarios"
BANNER = b"Asterisk Call Manager/11.0.0\r\n"
#: The headers that name the call a frame belongs to, in order of preference.
CALL_KEYS = ("Linkedid", "DestLinkedid", "LocalOneLinkedid")
#: A Local channel's sequence number: "Local/1051@bench-agents-00000017;1".
_LOCAL_SEQ = re.compile(r"(?<=-)[0-9a-f]{8}(?=;[12]$)")
_ASTERISK_ID = re.compile(r"\d+\.\d+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FLUSH_EVERY = 4096  # frames rendered between two appends to the output buffer


@dataclass(frozen=True, slots=True)
class CallTemplate:
    """One recorded call, ready to be rendered with fresh ids at any time."""

    source: str
    #: One `str.format` pattern per frame: `{ts}` is the Timestamp, `{0}`... the id slots.
    frames: tuple[str, ...]
    #: Microseconds from the call's first frame, never decreasing (the recorded order is
    #: kept). Whole microseconds, as Asterisk stamps them: no float rounding can make two
    #: frames of a copy equal or swap them.
    offsets: tuple[int, ...]
    #: The kind of each id slot ("call", "leg", "bridge", "channel" or "other").
    slots: tuple[str, ...]
    #: Agent interfaces rung by the call (the benchmark's directory maps them to agents).
    interfaces: frozenset[str]
    #: The recorded Timestamp of the call's first frame, in microseconds.
    recorded_at: int


@dataclass(frozen=True, slots=True)
class Stream:
    """A synthesised raw AMI stream and what a correct ingest of it must produce."""

    data: bytes
    events: int
    calls: int
    #: Every synthesised Linkedid starts with this (it also starts with "bench-").
    call_prefix: str
    #: Interface -> directory agent id, for every agent the calls ring.
    agents: dict[str, str]


class IdFactory:
    """Fresh ids of the shapes Asterisk uses, unique within a run and across runs."""

    def __init__(self, run: str | None = None) -> None:
        self.run = run or uuid.uuid4().hex[:6]
        self.call_prefix = f"bench-{self.run}"
        self._seq = itertools.count(1)

    def fresh(self, kind: str, epoch_s: int) -> str:
        """A new id of `kind`; Asterisk's own ids start with the epoch second of the channel."""
        n = next(self._seq)
        if kind == "call":
            return f"{self.call_prefix}{n:010x}"
        if kind == "leg":
            return f"{epoch_s}.{n}"
        if kind == "bridge":
            h = f"{self.run}{n:026x}"
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
        if kind == "channel":
            return f"{n & 0xFFFFFFFF:08x}"
        return f"{self.call_prefix}-{n:x}"


def load_templates(
    paths: Iterable[Path] | None = None, *, names: frozenset[str] | None = None
) -> list[CallTemplate]:
    """Call templates from scenario transcripts (default: the R1 scenarios of
    `callcenter.devtools.pbx.scenarios`, one recording each, as `callcenter scenario --record`
    made them).

    `names`, when given, keeps only those event names, as a PBX-side manager filter would.
    """
    chosen = [RECORDINGS / f"{n}.ami" for n in SCENARIOS] if paths is None else list(paths)
    templates: list[CallTemplate] = []
    for path in chosen:
        for frames in _calls(read_transcript(path).data):
            kept = [f for f in frames if names is None or f["Event"] in names]
            template = _template(path.stem, kept)
            if _finished_calls(template) == 1:
                templates.append(template)
    if not templates:
        raise ValueError(f"no complete recorded call in {[str(p) for p in chosen]}")
    return templates


def synthesise(
    templates: Sequence[CallTemplate],
    events: int,
    *,
    calls_per_s: float = 20.0,
    start_ts: float | None = None,
    ids: IdFactory | None = None,
) -> Stream:
    """At least `events` event frames: copies of the templates in turn, started
    `1 / calls_per_s` seconds apart and interleaved by timestamp, after the AMI banner."""
    ids = ids or IdFactory()
    t0 = round(start_ts * 1e6) if start_ts is not None else min(t.recorded_at for t in templates)
    gap = round(1e6 / calls_per_s)
    plan: list[CallTemplate] = []
    planned = 0
    while planned < events:
        template = templates[len(plan) % len(templates)]
        plan.append(template)
        planned += len(template.frames)
    out = bytearray(BANNER)
    pieces: list[str] = []
    heap: list[tuple[int, int, int]] = []  # (timestamp in µs, copy, frame index)
    active: dict[int, tuple[CallTemplate, list[str], int]] = {}
    started = 0
    while started < len(plan) or heap:
        start = t0 + started * gap
        if started < len(plan) and (not heap or start < heap[0][0]):
            template = plan[started]
            fresh = [ids.fresh(kind, start // 1_000_000) for kind in template.slots]
            active[started] = (template, fresh, start)
            heapq.heappush(heap, (start + template.offsets[0], started, 0))
            started += 1
            continue
        ts, copy, index = heapq.heappop(heap)
        template, values, begun = active[copy]
        stamp = f"{ts // 1_000_000}.{ts % 1_000_000:06d}"
        pieces.append(template.frames[index].format(*values, ts=stamp))
        if index + 1 < len(template.frames):
            heapq.heappush(heap, (begun + template.offsets[index + 1], copy, index + 1))
        else:
            del active[copy]
        if len(pieces) >= _FLUSH_EVERY:
            out += "".join(pieces).encode()
            pieces.clear()
    out += "".join(pieces).encode()
    agents = {i: f"agent-{n}" for n, i in enumerate(sorted(_interfaces(templates)), 1)}
    return Stream(bytes(out), planned, len(plan), ids.call_prefix, agents)


# -- templates ------------------------------------------------------------------------------


def _calls(data: bytes) -> list[list[Frame]]:
    """The transcript's event frames grouped by call, in recorded order.

    Session frames are left out: action answers (Response frames, and events carrying an
    ActionID such as OriginateResponse) and events of no call (FullyBooted, queue member
    status, bridge bookkeeping without a channel).
    """
    calls: dict[str, list[Frame]] = {}
    for frame in FrameParser().feed(data):
        if "Event" not in frame or "ActionID" in frame:
            continue
        call = next((frame[k] for k in CALL_KEYS if frame.get(k)), None)
        if call is not None:
            calls.setdefault(call, []).append(frame)
    return list(calls.values())


def _template(source: str, frames: Sequence[Frame]) -> CallTemplate:
    kinds = _id_kinds(frames)
    # Derived values ("<id>-2", the Originate's second channel) follow their root's slot.
    roots = [v for v in kinds if not any(v.startswith(f"{other}-") for other in kinds)]
    slot = {value: n for n, value in enumerate(roots)}
    token = re.compile(
        r"(?<![\w.])(" + "|".join(map(re.escape, sorted(roots, key=len, reverse=True)))
        + r")(?![\w.])"
    )
    channels: dict[str, int] = {}

    def channel_slot(match: re.Match[str]) -> str:
        seq = channels.setdefault(match.group(0), len(roots) + len(channels))
        return f"{{{seq}}}"

    def render(header: str, value: str) -> str:
        if header == "Timestamp":
            return "{ts}"
        text = value.replace("{", "{{").replace("}", "}}")
        if roots:
            text = token.sub(lambda m: f"{{{slot[m.group(1)]}}}", text)
        if header.endswith("Channel"):
            text = _LOCAL_SEQ.sub(channel_slot, text)
        return text

    patterns = [
        "\r\n".join(f"{h}: {render(h, item)}" for h, v in f.items() for item in v.split("\n"))
        + "\r\n\r\n"
        for f in frames
    ]
    first, offsets = _offsets(frames)
    return CallTemplate(
        source,
        tuple(patterns),
        offsets,
        tuple([kinds[v] for v in roots] + ["channel"] * len(channels)),
        frozenset(f["Interface"] for f in frames if "Interface" in f),
        first,
    )


def _id_kinds(frames: Sequence[Frame]) -> dict[str, str]:
    """Every id the call's frames carry, Linkedids first, with the kind of fresh id it needs."""
    kinds: dict[str, str] = {}
    for suffix in ("Linkedid", "Uniqueid"):
        for frame in frames:
            for header, value in frame.items():
                if header.endswith(suffix) and value and value not in kinds:
                    kinds[value] = "call" if suffix == "Linkedid" else _kind(value)
    return kinds


def _offsets(frames: Sequence[Frame]) -> tuple[int, tuple[int, ...]]:
    """The first Timestamp and each frame's offset from it, in microseconds and never
    decreasing, so that a copy keeps the recorded order when copies are interleaved by time."""
    stamps = [_micros(f["Timestamp"]) if "Timestamp" in f else None for f in frames]
    first = next((s for s in stamps if s is not None), 0)
    offsets: list[int] = []
    last = 0
    for stamp in stamps:
        if stamp is not None:
            last = max(last, stamp - first)
        offsets.append(last)
    return first, tuple(offsets)


def _micros(stamp: str) -> int:
    """An AMI Timestamp ("1795364448.790635") in whole microseconds."""
    seconds, _, fraction = stamp.partition(".")
    return int(seconds) * 1_000_000 + int((fraction + "000000")[:6])


def _kind(value: str) -> str:
    if _ASTERISK_ID.fullmatch(value):
        return "leg"
    if _UUID.fullmatch(value):
        return "bridge"
    return "other"


def _finished_calls(template: CallTemplate) -> int:
    """How many calls the tracker finishes when one copy of the template is replayed."""
    if not template.frames:
        return 0
    stream = synthesise([template], len(template.frames), ids=IdFactory("check"))
    finished: list[FinishedCall] = []
    tracker = CallTracker(everywhere(RingRule()), lambda interface: None, finished.append)
    for event in replay_bytes(stream.data, wanted=tracker.wants):
        tracker.on_event(event)
    return len(finished) if len(tracker) == 0 else 0


def _interfaces(templates: Iterable[CallTemplate]) -> set[str]:
    return {i for t in templates for i in t.interfaces}


__all__ = ["CallTemplate", "IdFactory", "Stream", "load_templates", "synthesise"]
