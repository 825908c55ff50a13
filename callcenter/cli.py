"""The `callcenter` command: serve, migrate, pbx, bench and the tools around them."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from collections.abc import Callable, Sequence
from typing import TypeAlias

from callcenter import redact
from callcenter.auth import cli as auth_cli
from callcenter.devtools.bench import add_ingest_arguments
from callcenter.devtools.bench.pop import add_pop_arguments
from callcenter.devtools.demo import cli as demo_cli
from callcenter.directory import cli as directory_cli
from callcenter.settings import Settings, SettingsError, load_settings, setting_names
from callcenter.sitecalendar import cli as calendar_cli


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from callcenter.app import create_app

    app = create_app(settings)
    # Objects left by start-up (imports, metadata) live for the whole process: moving them out
    # of the collector's reach keeps full collections short, and with them event-loop stalls
    # that would make Asterisk drop the AMI session.
    gc.collect()
    gc.freeze()
    web.run_app(app, host=settings.http_host, port=settings.http_port,
                print=lambda msg: print(msg, flush=True))
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.schema import migrate

    migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {args.revision}: {settings.database_url.split('@')[-1]}")
    return 0


def _pbx(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.pbx import bench

    if args.action == "up":
        bench.ensure_built()
        print(bench.up(with_bench=not args.production))
    elif args.action == "down":
        bench.down()
        print("stopped")
    elif args.action == "status":
        print(bench.status())
    else:
        print(bench.cli(" ".join(args.command) or "core show version"))
    return 0


def _scenario(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio
    from pathlib import Path

    from callcenter.devtools.pbx.recording import run_scenarios
    from callcenter.devtools.pbx.scenarios import SCENARIOS

    record_dir = Path(args.record) if args.record else None
    names = args.names or list(SCENARIOS)
    for path in asyncio.run(run_scenarios(settings.ami, names, record_dir=record_dir)):
        print(f"recorded {path}")
    for name in names:
        scenario = SCENARIOS[name]
        callers = ", ".join(f"{c.number} → {c.queue}" for c in scenario.callers)
        print(f"placed {name}: {len(scenario.callers)} call(s) ({callers}); "
              f"{scenario.description}")
    print(f"{sum(len(SCENARIOS[n].callers) for n in names)} call(s) placed on the PBX at "
          f"{settings.ami.host}:{settings.ami.port}; they are in the call registry of a "
          "service connected to it")
    return 0


def _bench_ingest(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.bench import ingest

    return ingest.run(args, settings)


def _bench_pop(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.bench import pop

    return pop.run(args, settings)


def _bench_claim(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.bench import claim

    return claim.run(args, settings)


def _settings(settings: Settings, args: argparse.Namespace) -> int:
    print(redact.redacted(settings))
    print("read from:", ", ".join(setting_names()))
    return 0


Command = Callable[[Settings, argparse.Namespace], int]
Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _subcommands(sub: Subcommands, name: str) -> Subcommands:
    """The subcommands of `callcenter <name>`, shared by every module that adds one."""
    parser = sub.choices.get(name) or sub.add_parser(name, help=f"{name} commands")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest=name, required=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callcenter", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the service (HTTP, websockets, AMI link)").set_defaults(
        run=_serve)
    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.add_argument("revision", nargs="?", default="heads")
    p.set_defaults(run=_migrate)
    p = sub.add_parser("pbx", help="the bench PBX: a real Asterisk 22 on this machine")
    p.add_argument("action", choices=["up", "down", "status", "cli"])
    p.add_argument("command", nargs="*", help="for cli: an Asterisk CLI command")
    p.add_argument("--production", action="store_true",
                   help="load only the production configuration, without the bench overlay")
    p.set_defaults(run=_pbx)
    from callcenter.devtools.pbx.scenarios import SCENARIOS

    p = sub.add_parser(
        "scenario", help="place the bench's test calls (callcenter.devtools.pbx.scenarios)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="scenarios:\n" + "\n".join(f"  {name}\n      {scenario.description}"
                                          for name, scenario in SCENARIOS.items()))
    p.add_argument("names", nargs="*", metavar="NAME", choices=sorted(SCENARIOS),
                   help="scenarios to place (default: all, side by side)")
    p.add_argument("--record", metavar="DIR", help="record each scenario's AMI transcript")
    p.set_defaults(run=_scenario)
    sub.add_parser("settings", help="print the settings in force").set_defaults(run=_settings)
    auth_cli.register(sub)
    directory_cli.register(sub)
    demo_cli.register(sub)
    calendar_cli.register(sub)
    p = _subcommands(sub, "bench").add_parser(
        "ingest", help="1M AMI events from recorded calls through parse, trackers, registry")
    add_ingest_arguments(p)
    p.set_defaults(run=_bench_ingest)
    p = _subcommands(sub, "bench").add_parser(
        "pop", help="screen-pop latency: 100+ calls at once through the bench PBX, the "
                    "service and one websocket per agent")
    add_pop_arguments(p)
    p.set_defaults(run=_bench_pop)
    p = _subcommands(sub, "bench").add_parser(
        "claim", help="dialer workers claiming due jobs on PostgreSQL, with a double-claim "
                      "check (callcenter.devtools.bench.claim)")
    p.add_argument("--jobs", type=int, default=10_000, help="due jobs (default 10,000)")
    p.add_argument("--workers", type=int, default=4, help="worker processes (default 4)")
    p.add_argument("--database-url", help="PostgreSQL URL (default: a fresh database on "
                                          "CALLCENTER_TEST_PG's server, dropped afterwards)")
    p.set_defaults(run=_bench_claim)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        # Alembic tells every step at INFO; a command says itself what it did (and serve
        # logs a migration that ran as one line of its own).
        logging.getLogger("alembic").setLevel(logging.WARNING)
        redact.install(settings)
        run: Command = args.run
        return run(settings, args)
    except SettingsError as exc:  # in the environment, or a URL given on the command line
        print(f"callcenter: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
