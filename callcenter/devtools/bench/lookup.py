"""`callcenter bench lookup`: screen-pop latency through the HTTP API on PostgreSQL (R5).

What it measures is what an agent's screen waits for: an authenticated `GET /api/lookup`
(bearer token of an agent account), number normalisation, the one-statement lookup, the
R27 audit rows and their commit, and the JSON answer — against a PostgreSQL holding 100,000
demo customers with their history. The service runs as a real `callcenter serve` in a child
process on 127.0.0.1, and this process is the client, sending one request at a time over a
kept-alive connection (latency, not throughput). The numbers asked for are seeded customers'
numbers written the ways trunks and agents write them, plus about 10% unknown numbers.

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import aiohttp
import asyncpg
from sqlalchemy import text

from callcenter.auth.context import build_auth
from callcenter.auth.principal import Role
from callcenter.auth.schemas import NewAccount, NewToken
from callcenter.devtools.demo.people import UNUSED_MOBILE_PREFIX
from callcenter.devtools.demo.seed import seed
from callcenter.rules.calendar import WorkingCalendar
from callcenter.schema import migrate
from callcenter.storage.database import open_database

DEFAULT_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class BenchConfig:
    database_url: str | None  # PostgreSQL to use as is; None → a scratch database
    admin_dsn: str
    customers: int = 100_000
    lookups: int = 2_000
    warmup: int = 300
    seed_value: int = 42
    skip_seed: bool = False
    keep: bool = False


def formats(e164: str, rng: random.Random) -> str:
    """One of the ways a number reaches the lookup: trunk, agent typing, international."""
    national = "0" + e164[3:] if e164.startswith("+8610") else e164[3:]
    local = e164[5:] if e164.startswith("+8610") else None
    options = [e164, national, "0086" + e164[3:], "86" + e164[3:],
               f"+86 {e164[3:6]} {e164[6:10]} {e164[10:]}", national[:3] + "-" + national[3:]]
    if local is not None:
        options += [local, local[:4] + " " + local[4:]]
    return rng.choice(options)


def numbers_to_ask(stored: list[str], count: int, seed_value: int) -> list[tuple[str, bool]]:
    """(number as typed, known?) pairs: ~90% stored customers' numbers, ~10% unknown."""
    rng = random.Random(seed_value)
    asked: list[tuple[str, bool]] = []
    for _ in range(count):
        if rng.random() < 0.1:
            unknown = f"+86{UNUSED_MOBILE_PREFIX}{rng.randint(0, 10**8 - 1):08d}"
            asked.append((formats(unknown, rng), False))
        else:
            asked.append((formats(rng.choice(stored), rng), True))
    return asked


async def _stored_numbers(url: str) -> list[str]:
    """Every stored customer number, in a stable order (the sample is then seeded)."""
    db = open_database(url)
    try:
        async with db.engine.connect() as conn:
            rows = await conn.execute(text("SELECT e164 FROM customer_phones ORDER BY id"))
            return [row[0] for row in rows]
    finally:
        await db.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _scratch_database(admin_dsn: str) -> str:
    name = f"callcenter_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    parts = urlsplit(admin_dsn)
    return urlunsplit(("postgresql+asyncpg", parts.netloc, f"/{name}", "", ""))


async def _drop_database(admin_dsn: str, url: str) -> None:
    name = urlsplit(url).path.strip("/")
    conn = await asyncpg.connect(admin_dsn, timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _agent_token(url: str) -> str:
    db = open_database(url)
    try:
        auth = build_auth(db)
        name = f"bench-agent-{uuid.uuid4().hex[:6]}"
        await auth.accounts.create(NewAccount(name, "Bench agent", Role.AGENT,
                                              uuid.uuid4().hex), None)
        _, token = await auth.tokens.create(NewToken(name, "bench lookup"), None)
    finally:
        await db.dispose()
    return token


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    # The AMI link is pointed at a closed port: a PBX running on this machine (the bench
    # PBX) would otherwise feed the service its events and the figures would measure those.
    env = {**os.environ, "DATABASE_URL": url, "CALLCENTER_HTTP_HOST": "127.0.0.1",
           "CALLCENTER_HTTP_PORT": str(port), "CALLCENTER_LOG_LEVEL": "WARNING",
           "CALLCENTER_AMI_HOST": "127.0.0.1", "CALLCENTER_AMI_PORT": str(_free_port())}
    env.pop("REDIS_URL", None)
    return subprocess.Popen([sys.executable, "-m", "callcenter", "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"the service exited with status {process.returncode}")
            try:
                async with http.get(base + "/health") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the service did not become healthy within 30 s")


async def _measure(base: str, token: str, asked: list[tuple[str, bool]],
                   warmup: int) -> tuple[list[float], int]:
    """Latencies (ms) of the measured lookups, and how many answers were wrong."""
    headers = {"Authorization": f"Bearer {token}"}
    connector = aiohttp.TCPConnector(limit=1)
    wrong = 0
    latencies: list[float] = []
    async with aiohttp.ClientSession(base, headers=headers, connector=connector) as http:
        for n, (number, known) in enumerate(asked):
            started = time.perf_counter()
            async with http.get("/api/lookup", params={"number": number}) as response:
                body = await response.json()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status != 200 or (body["match"] != "none") != known:
                wrong += 1
            if n >= warmup:
                latencies.append(elapsed)
    return latencies, wrong


def _cpu_seconds(pid: int) -> float | None:
    """CPU time used so far by a process (Linux /proc), or None where unavailable.

    Reported beside the latencies because on a shared 2-core machine the latency also
    measures the neighbours; the server's CPU per lookup does not.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def run(config: BenchConfig) -> int:
    """Seed, serve, measure, print; returns the exit status."""
    scratch = config.database_url is None
    url = config.database_url or await _scratch_database(config.admin_dsn)
    print(f"database: {url.split('@')[-1]}{' (scratch)' if scratch else ''}", flush=True)
    process: subprocess.Popen[bytes] | None = None
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        if not config.skip_seed:
            db = open_database(url)
            try:
                report = await seed(db, config.customers, seed_value=config.seed_value,
                                    calendar=WorkingCalendar(ZoneInfo("Asia/Shanghai")),
                                    progress=lambda line: print("  seed:", line, flush=True))
            finally:
                await db.dispose()
            print(f"seeded {report.customers:,} customers, "
                  f"{sum(report.rows.values()):,} rows in {report.seconds:.1f} s", flush=True)
        token = await _agent_token(url)
        port = _free_port()
        process = _serve(url, port)
        base = f"http://127.0.0.1:{port}"
        await _wait_ready(base, process)
        asked = numbers_to_ask(await _stored_numbers(url), config.warmup + config.lookups,
                               config.seed_value)
        cpu_before = _cpu_seconds(process.pid)
        latencies, wrong = await _measure(base, token, asked, config.warmup)
        cpu_after = _cpu_seconds(process.pid)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        if scratch and not config.keep:
            await _drop_database(config.admin_dsn, url)
    p50, p90, p99 = (_percentile(latencies, q) for q in (0.50, 0.90, 0.99))
    print(f"lookups: {len(latencies):,} measured after {config.warmup} warm-up, "
          f"{wrong} wrong answers")
    print(f"latency ms: mean {statistics.fmean(latencies):.2f}  p50 {p50:.2f}  p90 {p90:.2f}  "
          f"p99 {p99:.2f}  max {max(latencies):.2f}")
    if cpu_before is not None and cpu_after is not None:
        per_lookup = (cpu_after - cpu_before) * 1000 / len(asked)
        print(f"service CPU per lookup: {per_lookup:.2f} ms (warm-up included); "
              f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"lookup_p50_ms={p50:.2f} lookup_p99_ms={p99:.2f}", flush=True)
    return 0 if wrong == 0 else 1
