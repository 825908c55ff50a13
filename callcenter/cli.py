"""The `callcenter` command: serve, migrate, pbx, bench and the tools around them."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from callcenter.settings import Settings, SettingsError, load_settings, setting_names


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from aiohttp import web

    from callcenter.app import create_app

    web.run_app(create_app(settings), host=settings.http_host, port=settings.http_port,
                print=lambda msg: print(msg, flush=True))
    return 0


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.storage import migrate

    migrate.upgrade(settings.database_url, args.revision)
    print(f"database at {args.revision}: {settings.database_url.split('@')[-1]}")
    return 0


def _pbx(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.pbx import bench

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

    from callcenter.pbx.recording import run_scenarios

    record_dir = Path(args.record) if args.record else None
    for path in asyncio.run(run_scenarios(settings.ami, args.names, record_dir=record_dir)):
        print(path)
    return 0


def _settings(settings: Settings, args: argparse.Namespace) -> int:
    print(settings)
    print("read from:", ", ".join(setting_names()))
    return 0


Command = Callable[[Settings, argparse.Namespace], int]


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
    p = sub.add_parser("scenario", help="place the bench's test calls (callcenter.pbx.scenarios)")
    p.add_argument("names", nargs="*", help="scenario names (default: all, side by side)")
    p.add_argument("--record", metavar="DIR", help="record each scenario's AMI transcript")
    p.set_defaults(run=_scenario)
    sub.add_parser("settings", help="print the settings in force").set_defaults(run=_settings)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"callcenter: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    run: Command = args.run
    return run(settings, args)


if __name__ == "__main__":
    sys.exit(main())
