"""Benchmarks of the product's own pipelines, run with `callcenter bench <name>`.

They print figures and check only that the work was done right (say, every call written
once); they are never timed tests, because timings depend on the machine and on whatever else
runs on it. Options declared here are light to import, so `callcenter --help` stays quick.
"""

from __future__ import annotations

import argparse


def add_ingest_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `callcenter bench ingest` (see `callcenter.devtools.bench.ingest`)."""
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="at least this many events in the stream (default 1,000,000)")
    parser.add_argument("--filtered", action="store_true",
                        help="only the events the link's PBX-side filter lets through "
                             "(default: the raw, unfiltered stream)")
    parser.add_argument("--database-url",
                        help="registry database (default: DATABASE_URL, else a fresh SQLite)")
    parser.add_argument("--calls-per-s", type=float, default=20.0,
                        help="calls starting per PBX second (default 20: some 170 at once)")
    parser.add_argument("--batch-size", type=int,
                        help="registry writer batch size (default: the service's)")
    parser.add_argument("--no-gc-freeze", action="store_true",
                        help="leave start-up objects to the cyclic GC (longer loop stalls)")


__all__ = ["add_ingest_arguments"]
