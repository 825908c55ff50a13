"""Parse-rate figures: this adapter's parser and translator against panoramisk's own parser.

    python -m callcenter.devtools.bench.parse [TRANSCRIPT ...] [--events N]

prints events/s for, over the same bytes:
- panoramisk 1.4's raw parse: `AMIProtocol.data_received`'s split plus `Message.from_line`
  (no dispatch at all), the yardstick the product's pipeline is measured against;
- `FrameParser.feed` alone, every frame turned into a dict;
- `FrameParser.feed` + `Translator` as the live link runs them (unwanted events skipped).

Without a transcript it uses the call scenarios recorded on the bench PBX
(tests/fixtures/ami/scenarios, `callcenter scenario --record`). This is a benchmark, not a
test: it prints figures and asserts nothing. `callcenter bench ingest` measures the whole
pipeline (trackers and database too) against the same panoramisk yardstick.
"""

from __future__ import annotations

import argparse
import gc
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from panoramisk.message import Message

from callcenter.ami.counters import Counters
from callcenter.ami.frames import FrameParser
from callcenter.ami.recorder import read_transcript, replay_bytes
from callcenter.ami.translate import ami_event_names
from callcenter.events import PbxEvent

CHUNK = 64 * 1024  # about what one socket read hands data_received on a busy link
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "fixtures" / "ami"


def chunks(data: bytes, size: int = CHUNK) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _events(data: bytes) -> int:
    """Event frames in a stream (the denominator of every rate below)."""
    counters = Counters()
    FrameParser(counters).feed(data)
    return counters.events_in


def _timed(run: Callable[[], object], repeat: int) -> float:
    """Best wall time of `repeat` runs, with the cyclic GC off as in a steady-state service."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - start)
    finally:
        if enabled:
            gc.enable()
    return best


def raw_panoramisk_parse_rate(
    data: bytes, *, repeat: int = 3, events: int | None = None
) -> float:
    """Events/s of panoramisk 1.4's own parse (as its AMIProtocol.data_received does it).

    `events` is the stream's event count when the caller knows it (counting costs a parse).
    """
    parts = chunks(data)
    events = _events(data) if events is None else events

    def run() -> None:
        pending = ""
        for chunk in parts:
            text = pending + chunk.decode("utf-8", "ignore")
            frames = text.split("\r\n\r\n")
            pending = frames.pop()
            for frame in frames:
                Message.from_line(frame.strip())

    return events / _timed(run, repeat)


def parse_rate(data: bytes, *, repeat: int = 3) -> float:
    """Events/s of `FrameParser.feed` building a dict for every frame."""
    parts = chunks(data)
    events = _events(data)

    def run() -> None:
        parser = FrameParser(Counters())
        for chunk in parts:
            parser.feed(chunk)

    return events / _timed(run, repeat)


def pipeline_rate(
    data: bytes, wanted: Iterable[type[PbxEvent]] | None = None, *, repeat: int = 3
) -> tuple[float, int]:
    """Events/s (and typed events produced) of parse + translate, as the live link does it."""
    classes = None if wanted is None else tuple(wanted)
    events = _events(data)
    produced = 0

    def run() -> None:
        nonlocal produced
        produced = sum(1 for _ in replay_bytes(data, wanted=classes))

    return events / _timed(run, repeat), produced


def filtered(data: bytes, wanted: Iterable[type[PbxEvent]] = (PbxEvent,)) -> bytes:
    """Only the event frames a manager filter for `wanted` lets through (what the live link
    receives from a PBX that accepts filters)."""
    names = {f"Event: {n}".encode() for n in ami_event_names(wanted)}
    kept = [
        frame for frame in data.split(b"\r\n\r\n")
        if frame.split(b"\r\n", 1)[0] in names and b"ActionID: " not in frame
    ]
    return b"\r\n\r\n".join(kept) + b"\r\n\r\n"


def load(paths: Sequence[Path], events: int) -> bytes:
    """The transcripts' bytes, repeated until they hold at least `events` events."""
    body = b"".join(read_transcript(p).data for p in paths)
    per_copy = max(1, _events(body))
    return body * max(1, -(-events // per_copy))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("transcripts", nargs="*", type=Path)
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args(argv)
    paths = list(args.transcripts) or sorted(FIXTURES.glob("scenarios/*.ami"))
    if not paths:
        raise SystemExit(f"no transcripts given and none in {FIXTURES}")
    raw = load(paths, args.events)
    for label, data in (("unfiltered stream", raw), ("PBX-filtered stream", filtered(raw))):
        _report(label, data, len(paths))


def _report(label: str, data: bytes, transcripts: int) -> None:
    n = _events(data)
    print(f"{label}: {transcripts} transcript(s), {n:,} events, {len(data) / 1e6:.1f} MB")
    pano = raw_panoramisk_parse_rate(data)
    ours = parse_rate(data)
    pipe, produced = pipeline_rate(data, (PbxEvent,))
    print(f"panoramisk Message.from_line        {pano:>12,.0f} events/s")
    print(f"FrameParser.feed, every frame       {ours:>12,.0f} events/s  ({ours / pano:.2f}x)")
    print(f"parse + translate, every typed event {pipe:>12,.0f} events/s  ({pipe / pano:.2f}x), "
          f"{produced:,} typed events")


if __name__ == "__main__":
    main()
