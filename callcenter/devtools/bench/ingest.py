"""`callcenter bench ingest`: a million AMI events through the whole call pipeline, timed.

    callcenter bench ingest [--events N] [--filtered] [--database-url URL] [--calls-per-s R]

One run, in one process on one event loop:
1. synthesise at least N events (default 1,000,000) from the calls recorded on the bench PBX,
   every copy with fresh ids and timestamps (`synth.py`);
2. push the raw bytes in 64 KiB chunks into `AmiConnection.data_received`, the very entry point
   of the live socket (same parser, same `keep` set, same translator and dispatcher as
   `AmiLink`), yielding to the loop between chunks as a socket read does; the call tracker
   applies every event and hands finished calls to the registry writer, which writes them in
   the background to a real database (a fresh, migrated SQLite file unless a URL is given);
3. stop the clock when every byte is processed and every finished call is written, and check
   that the database holds exactly one row per synthesised call;
4. time panoramisk's own parse of the same bytes (`callcenter.devtools.bench.parse`), the yardstick.

A monitor task sleeps 5 ms again and again and records how late it wakes up: that is the
longest the loop was blocked, which must stay far below Asterisk's 100 ms write timeout.
Objects alive at start-up are frozen out of the cyclic GC first (`--no-gc-freeze` to compare),
as the service should do once it is wired up: see `_freeze_startup_objects`.

The stream is the raw, unfiltered one by default (a PBX that refuses manager filters sends
everything, and the parser must skip what nobody wants); `--filtered` first drops what the
link's PBX-side filter would drop, which is what the live link normally receives. Either way
the stream holds at least N events. A benchmark: it prints figures and only asserts that the
work was done right (every call written once).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from callcenter.ami.counters import Counters
from callcenter.ami.dispatch import Dispatcher
from callcenter.ami.frames import Frame
from callcenter.ami.protocol import AmiConnection
from callcenter.ami.translate import Translator, ami_event_names, known_event_names
from callcenter.calls.registry import DEFAULT_BATCH_SIZE, CallRegistry, RegistryWriter
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.devtools.bench import add_ingest_arguments
from callcenter.devtools.bench.parse import CHUNK, raw_panoramisk_parse_rate
from callcenter.devtools.bench.synth import Stream, load_templates, synthesise
from callcenter.settings import Settings, database_url, load_settings
from callcenter.storage.database import Database, open_database

STALL_PROBE_S = 0.005
DRAIN_TIMEOUT_S = 600.0


class IngestIncomplete(RuntimeError):
    """The run did not register every synthesised call exactly once: its figures mean nothing."""


@dataclass(frozen=True, slots=True)
class IngestResult:
    push_s: float
    drain_s: float
    rows: int
    max_stall_ms: float
    #: CPU time of the loop's thread from the probe before the worst stall to its end.
    max_stall_cpu_ms: float
    stalls_over_50ms: int
    counters: Counters

    @property
    def total_s(self) -> float:
        return self.push_s + self.drain_s


class StallMonitor:
    """Measures the worst event-loop stall: how late a short sleep wakes up.

    It also notes how long the loop's thread was on a CPU meanwhile: on a shared machine the
    rest is time the process waited for a core, which no code change here removes.
    """

    def __init__(self, probe_s: float = STALL_PROBE_S) -> None:
        self.probe_s = probe_s
        self.worst_s = 0.0
        self.worst_cpu_s = 0.0
        self.over_50ms = 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            start, cpu = loop.time(), time.thread_time()
            await asyncio.sleep(self.probe_s)
            late = loop.time() - start - self.probe_s
            if late > 0.05:
                self.over_50ms += 1
            if late > self.worst_s:
                self.worst_s = late
                self.worst_cpu_s = time.thread_time() - cpu


def live_path(tracker: CallTracker, counters: Counters) -> AmiConnection:
    """The session object the live link reads its socket into, wired to the tracker as
    `AmiLink` wires it (its `_on_frame`: translate, then dispatch in arrival order)."""
    dispatcher = Dispatcher([tracker], counters)
    wanted = dispatcher.wanted
    translate = Translator(counters, wanted).translate
    deliver = dispatcher.event

    def on_frame(frame: Frame) -> None:
        event = translate(frame)
        if event is not None:
            deliver(event)

    return AmiConnection(
        on_event=on_frame, counters=counters, keep=ami_event_names(wanted),
        known=known_event_names(),
    )


def _freeze_startup_objects() -> None:
    """Move everything alive now out of the cyclic GC's sight (`gc.freeze`).

    A full collection walks every container object in the process: the ~80,000 that importing
    SQLAlchemy, panoramisk and the product leave behind cost 60-120 ms per walk here, longer
    than Asterisk waits on a socket it writes to. They live as long as the process, so walking
    them finds nothing; frozen, a full collection only walks what the work created. A service
    should do the same once it is wired up.
    """
    gc.collect()
    gc.freeze()


async def ingest(
    stream: Stream,
    db: Database,
    settings: Settings,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    freeze: bool = True,
) -> IngestResult:
    """Push the stream through the live path into the registry; see the module docstring."""
    writer = RegistryWriter(CallRegistry(db, sla_settings=settings.sla), batch_size=batch_size)
    tracker = CallTracker(
        everywhere(RingRule.of(settings.sla)), stream.agents.get, writer.submit,
        region=settings.phone_region, area_code=settings.area_code,
    )
    counters = Counters()
    session = live_path(tracker, counters)
    monitor = StallMonitor()
    probe = asyncio.create_task(monitor.run(), name="stall-monitor")
    data = stream.data
    if freeze:
        _freeze_startup_objects()
    try:
        await asyncio.sleep(STALL_PROBE_S * 2)  # the monitor is in its stride
        writer.start()
        started = time.perf_counter()
        for offset in range(0, len(data), CHUNK):
            session.data_received(data[offset : offset + CHUNK])
            await asyncio.sleep(0)  # the next socket read comes from the loop
        pushed = time.perf_counter()
        await writer.stop(DRAIN_TIMEOUT_S)
        drained = time.perf_counter()
    finally:
        probe.cancel()
        await asyncio.gather(probe, return_exceptions=True)
        gc.unfreeze()
    rows = await _rows(db, stream.call_prefix)
    if len(tracker) or writer.backlog or rows != stream.calls:
        raise IngestIncomplete(
            f"{rows:,} registry rows for {stream.calls:,} synthesised calls "
            f"({len(tracker):,} still live, {writer.backlog:,} not written)"
        )
    return IngestResult(
        pushed - started, drained - pushed, rows, monitor.worst_s * 1000,
        monitor.worst_cpu_s * 1000, monitor.over_50ms, counters,
    )


async def _rows(db: Database, call_prefix: str) -> int:
    """Rows of this run (its Linkedids share a prefix, so earlier runs do not count)."""
    async with db.engine.connect() as conn:
        result = await conn.execute(
            text("SELECT count(*) FROM calls WHERE call_id LIKE :prefix"),
            {"prefix": f"{call_prefix}%"},
        )
        return int(result.scalar_one())


async def _run_ingest(
    stream: Stream, url: str, settings: Settings, *, batch_size: int, freeze: bool
) -> IngestResult:
    db = open_database(url)
    try:
        await _rows(db, stream.call_prefix)  # connect before the clock starts
        return await ingest(stream, db, settings, batch_size=batch_size, freeze=freeze)
    finally:
        await db.dispose()


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Synthesise, ingest, compare; print the figures and end with the summary line."""
    names = ami_event_names(CallTracker.wants) if args.filtered else None
    started = time.perf_counter()
    templates = load_templates(names=names)
    stream = synthesise(templates, args.events, calls_per_s=args.calls_per_s)
    variant = "PBX-filtered (link's event names only)" if args.filtered else "unfiltered (raw)"
    at_once = args.calls_per_s * sum(t.offsets[-1] for t in templates) / len(templates) / 1e6
    print(f"stream: {stream.events:,} events, {variant}, {stream.calls:,} calls copied from "
          f"{len(templates)} recorded calls (~{at_once:.0f} in progress at once), "
          f"{len(stream.data) / 1e6:.1f} MB, synthesised in {time.perf_counter() - started:.1f} s")
    batch = args.batch_size or DEFAULT_BATCH_SIZE
    freeze = not args.no_gc_freeze
    with tempfile.TemporaryDirectory(prefix="callcenter-bench-") as tmp:
        url, label = _database_url(args.database_url, settings, Path(tmp))
        logging.getLogger("alembic").setLevel(logging.WARNING)  # no migration chatter
        from callcenter.schema import migrate  # imports alembic, which logs as it loads

        migrate.upgrade(url)
        gc_note = "on (start-up objects frozen before the run)" if freeze else "off"
        print(f"database: {label}, writer batch {batch}; gc.freeze {gc_note}")
        try:
            result = asyncio.run(
                _run_ingest(stream, url, settings, batch_size=batch, freeze=freeze)
            )
        except IngestIncomplete as exc:
            print(f"callcenter bench ingest: FAILED: {exc}")
            return 1
    _report(stream, result)
    return 0


def _report(stream: Stream, result: IngestResult) -> None:
    c = result.counters
    print(f"ingest: {result.total_s:.2f} s = bytes pushed {result.push_s:.2f} s + registry "
          f"drained {result.drain_s:.2f} s; {c.events_in:,} events parsed, "
          f"{sum(c.unwanted_events.values()) + c.unknown_total:,} skipped as unwanted, "
          f"malformed {c.malformed_frames + c.malformed_event_total}")
    print(f"registry: {result.rows:,} rows written == {stream.calls:,} calls synthesised")
    interval = result.max_stall_ms + STALL_PROBE_S * 1000
    print(f"event loop: worst stall {result.max_stall_ms:.1f} ms; the loop's thread was on a CPU "
          f"for {result.max_stall_cpu_ms:.1f} of those {interval:.1f} ms (probe sleep included); "
          f"{result.stalls_over_50ms} stalls over 50 ms")
    raw_rate = raw_panoramisk_parse_rate(stream.data, repeat=1, events=stream.events)
    print(f"panoramisk raw parse (split + Message.from_line): {stream.events / raw_rate:.2f} s")
    rate = stream.events / result.total_s
    print(f"ingest_events_per_s={rate:.0f} raw_parse_events_per_s={raw_rate:.0f} "
          f"ratio={rate / raw_rate:.2f} max_stall_ms={result.max_stall_ms:.1f}")


def _database_url(given: str | None, settings: Settings, tmp: Path) -> tuple[str, str]:
    """--database-url, else DATABASE_URL, else a fresh SQLite file in `tmp`."""
    if given:
        url = database_url(given)
    elif os.environ.get("DATABASE_URL"):
        url = settings.database_url
    else:
        path = tmp / "registry.db"
        return f"sqlite+aiosqlite:///{path}", f"SQLite, fresh file {path}"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    return url, f"{backend} {url.split('@')[-1]}"


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m callcenter.devtools.bench.ingest`, the same as `callcenter bench ingest`."""
    parser = argparse.ArgumentParser(prog="callcenter bench ingest",
                                     description=__doc__.splitlines()[0])
    add_ingest_arguments(parser)
    return run(parser.parse_args(argv), load_settings())


if __name__ == "__main__":
    raise SystemExit(main())
