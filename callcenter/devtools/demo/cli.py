"""`callcenter seed-demo` and `callcenter bench lookup`.

Heavy imports wait until a command runs, so `callcenter --help` stays quick.
"""

from __future__ import annotations

import argparse
import asyncio
import os

from callcenter import redact
from callcenter.settings import Settings


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `seed-demo` and `bench lookup` commands to the `callcenter` parser."""
    p = sub.add_parser("seed-demo", help="load demo customers with products, orders, "
                                         "complaints and past calls")
    p.add_argument("--customers", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=42, help="same seed, same day → same data")
    p.add_argument("--reset", action="store_true",
                   help="take away the demo data already loaded, then load it again")
    p.set_defaults(run=seed_demo)
    bench = sub.add_parser("bench", help="benchmarks that print figures").add_subparsers(
        dest="bench", required=True)
    p = bench.add_parser("lookup", help="screen-pop lookup latency through the HTTP API on "
                                        "PostgreSQL (100,000 customers)")
    p.add_argument("--customers", type=int, default=100_000)
    p.add_argument("--lookups", type=int, default=2_000)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--admin-dsn", default=os.environ.get(
        "CALLCENTER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"),
                   help="PostgreSQL server where a scratch database is made when "
                        "DATABASE_URL is not PostgreSQL (env CALLCENTER_BENCH_PG)")
    p.add_argument("--skip-seed", action="store_true",
                   help="DATABASE_URL already holds the demo data")
    p.add_argument("--keep", action="store_true", help="keep the scratch database")
    p.set_defaults(run=bench_lookup)


def seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.demo.seed import demo_customers, remove_demo, seed
    from callcenter.rules.calendar import WorkingCalendar
    from callcenter.schema import migrate
    from callcenter.storage.database import open_database

    if args.customers < 1:
        print("callcenter seed-demo: --customers must be at least 1")
        return 2
    migrate.upgrade(settings.database_url)

    async def work() -> None:
        db = open_database(settings.database_url)
        where = redact.redact_url(settings.database_url)
        try:
            loaded = await demo_customers(db)
            if loaded and not args.reset:
                print(f"the demo is already loaded in {where} ({loaded:,} demo customers); "
                      "nothing added. `callcenter seed-demo --reset` loads it again.")
                return
            if loaded:
                print(f"removed the demo's {await remove_demo(db):,} customers and their "
                      "history", flush=True)
            report = await seed(db, args.customers, seed_value=args.seed,
                                calendar=WorkingCalendar(settings.zone),
                                progress=lambda line: print(line, flush=True))
        finally:
            await db.dispose()
        counts = ", ".join(f"{n:,} {name}" for name, n in report.rows.items())
        print(f"seeded into {where} in {report.seconds:.1f} s: "
              f"{counts} (customer ids from {report.first_customer_id})")

    asyncio.run(work())
    return 0


def bench_lookup(settings: Settings, args: argparse.Namespace) -> int:
    from callcenter.devtools.bench.lookup import BenchConfig, run

    postgres = settings.database_url.startswith("postgresql")
    if args.skip_seed and not postgres:
        print("callcenter bench lookup: --skip-seed needs DATABASE_URL on PostgreSQL")
        return 2
    config = BenchConfig(
        database_url=settings.database_url if postgres else None,
        admin_dsn=args.admin_dsn, customers=args.customers, lookups=args.lookups,
        warmup=args.warmup, seed_value=args.seed, skip_seed=args.skip_seed, keep=args.keep)
    return asyncio.run(run(config))
