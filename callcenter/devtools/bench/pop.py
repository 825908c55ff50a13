"""`callcenter bench pop`: screen-pop latency through the real PBX, the live service and pages.

`--agents` agents (bench extensions 1301…) are logged into the bench queue `bench-pop`
through the service's own desk API, each with a websocket client of its own, as a page would
be; `--calls` callers whose numbers belong to customers are then originated, evenly over
`--ramp-s` (default: 1,000 calls from 120 agents over 50 s, 20 calls a second, each agent
taking a call every few seconds: the queue's wrap-up is set to 1 s for the run). For every
pop a client receives, the latency is the client's receipt time minus the PBX's own Timestamp
on the AgentCalled event the pop came from (same machine, same clock): it covers the PBX
writing the event, the AMI link, the lookup in the database, the feed and the websocket.

It can run any number of times against the same database: agents, their accounts and the
callers' customers are made only when missing.

The service runs in this process on its own event loop and thread, the clients on another,
so a slow client cannot hide service time and the service cannot starve the clients' clock
reading. A benchmark, not a test: it prints figures and checks only that every call popped.
Needs the bench PBX running; if it lacks the `bench-pop` queue (added to the bench overlay
after the PBX started), the bench overlay's queues.conf is copied in and app_queue reloaded —
a reload, not a restart: calls in progress and other queues' members are kept.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from aiohttp import web

from callcenter.ami.actions import Action, set_variable
from callcenter.ami.protocol import HeaderValue
from callcenter.settings import Settings, database_url

QUEUE = "bench-pop"
TALK_S = 2.0  # each agent talks this long after answering
WRAPUP_S = 1  # the queue's wrap-up for the run: agents take the next call soon after
PASSWORD = "bench pop password"
T = TypeVar("T")


def add_pop_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--calls", type=int, default=1000,
                        help="calls placed, evenly over --ramp-s (default 1000)")
    parser.add_argument("--agents", type=int, default=120,
                        help="agents answering them, one websocket each (default 120)")
    parser.add_argument("--first-ext", type=int, default=1301,
                        help="first bench agent extension (default 1301)")
    parser.add_argument("--ramp-s", type=float, default=50.0,
                        help="seconds over which the calls are placed, evenly (default 50: "
                             "20 calls a second; 0: all in the same instant)")
    parser.add_argument("--ring-s", type=float, default=1.0,
                        help="seconds each agent rings before answering (default 1)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")


@dataclass
class Agent:
    ext: int
    http: aiohttp.ClientSession
    csrf: str = ""
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def agent_id(self) -> str:
        return f"pop{self.ext}"

    @property
    def interface(self) -> str:
        return f"Local/{self.ext}@bench-agents/n"


class ServiceThread:
    """The whole service (create_app) on its own loop in its own thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.app: web.Application | None = None
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="service",
                                        daemon=True)

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro, self.loop))

    async def start(self) -> None:
        self._thread.start()
        await self.run(self._start())

    async def _start(self) -> None:
        from callcenter.app import create_app

        self.app = create_app(self.settings)
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self.run(self._runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


def ensure_queue() -> None:
    """Load the bench overlay's queues into a PBX started before `bench-pop` was added."""
    from callcenter.devtools.pbx import bench

    if bench.pid() is None:
        raise SystemExit("the bench PBX is not running: `callcenter pbx up` first")
    if "bench-pop has" in bench.cli(f"queue show {QUEUE}"):
        return
    target = bench.bench_root() / bench.CONF_DIR.lstrip("/") / "bench" / "queues.conf"
    shutil.copyfile(bench.BENCH_CONFIG / "queues.conf", target)
    bench.cli("module reload app_queue.so")
    if "bench-pop has" not in bench.cli(f"queue show {QUEUE}"):
        raise SystemExit(f"the PBX did not load queue {QUEUE}; restart it: "
                         "`callcenter pbx down && callcenter pbx up`")
    print(f"loaded queue {QUEUE} into the running PBX (app_queue reload, no restart)")


async def _prepare(service: ServiceThread, agents: list[Agent]) -> None:
    """Directory agents and their accounts, made in the service's loop."""
    from argon2 import PasswordHasher

    from callcenter.auth import passwords
    from callcenter.auth.context import AUTH
    from callcenter.auth.principal import Role
    from callcenter.auth.schemas import NewAccount
    from callcenter.directory.context import DIRECTORY
    from callcenter.directory.schemas import AgentSpec, QueueSpec
    from callcenter.errors import Conflict
    from callcenter.pipeline import AMI_LINK, RECONCILER

    # Bench accounts: the cheapest argon2, not the production one.
    passwords._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = service.app
    assert app is not None
    await app[AMI_LINK].wait_connected(timeout_s=15)
    await asyncio.wait_for(app[RECONCILER].done.wait(), 30)
    queue = await app[DIRECTORY].get_queue(QUEUE)
    await app[DIRECTORY].put_queue(QueueSpec(QUEUE, queue.display_name, queue.greeting,
                                             queue.ring_threshold, queue.ring_cycle_s,
                                             WRAPUP_S))
    for agent in agents:
        await app[DIRECTORY].put_agent(AgentSpec(agent.agent_id, f"Bench {agent.ext}", "bench",
                                                 ("zh",), (agent.interface,)))
        with contextlib.suppress(Conflict):  # made by an earlier run on this database
            await app[AUTH].accounts.create(NewAccount(
                agent.agent_id, agent.agent_id, Role.AGENT, PASSWORD, agent.agent_id), None)
    from callcenter.agents.context import AGENT_DESK

    await app[AGENT_DESK].queues.refresh()


async def _pbx(service: ServiceThread, request: Action) -> None:
    from callcenter.pipeline import AMI_LINK

    app = service.app
    assert app is not None
    await app[AMI_LINK].action(request.name, request.headers)


async def _originate(service: ServiceThread, calls: list[dict[str, HeaderValue]],
                     spacing_s: float) -> None:
    from callcenter.pipeline import AMI_LINK

    app = service.app
    assert app is not None
    for headers in calls:
        app[AMI_LINK].send_originate(headers)
        if spacing_s > 0:
            await asyncio.sleep(spacing_s)


async def _all_available(service: ServiceThread, interfaces: set[str]) -> bool:
    from callcenter.agents.context import AGENT_DESK
    from callcenter.calls.agent_state import AgentState

    app = service.app
    assert app is not None
    ready = {p.interface for p in app[AGENT_DESK].presence.all()
             if p.state is AgentState.AVAILABLE}
    return interfaces <= ready


async def _session(service: ServiceThread, agent: Agent) -> tuple[str, str]:
    """A real session for the agent, opened by the login service itself.

    Not over POST /api/auth/login: its per-address limit counts successful logins too, and
    a hundred agents from one address are more than it allows in five minutes.
    """
    from callcenter.auth.context import AUTH

    app = service.app
    assert app is not None
    done = await app[AUTH].logins.login(agent.agent_id, PASSWORD, f"bench-{agent.ext}")
    return done.session_secret, done.csrf_token


async def _seat(service: ServiceThread, agent: Agent, base: str,
                customer_number: str | None) -> None:
    from yarl import URL

    from callcenter.auth.csrf import COOKIE as CSRF_COOKIE
    from callcenter.auth.middleware import SESSION_COOKIE

    secret, agent.csrf = await service.run(_session(service, agent))
    agent.http.cookie_jar.update_cookies({SESSION_COOKIE: secret, CSRF_COOKIE: agent.csrf},
                                         URL(base))
    headers = {"X-CSRF-Token": agent.csrf}
    if customer_number is not None:
        async with agent.http.get(f"{base}/api/customers",
                                  params={"phone": customer_number}) as r:
            r.raise_for_status()
            if (await r.json())["customers"]:
                customer_number = None  # made by an earlier run on this database
    if customer_number is not None:
        async with agent.http.post(f"{base}/api/customers", headers=headers, json={
                "name": f"客户{agent.ext}", "phones": [{"number": customer_number}],
                "vip": agent.ext % 5 == 0}) as r:
            r.raise_for_status()
    agent.cookies = {SESSION_COOKIE: secret, CSRF_COOKIE: agent.csrf}


# -- the pages: one websocket per agent, in a process of their own ---------------------------

def client_main() -> None:
    """The clients' process: reads who to connect as on stdin, prints "ready" once every
    websocket is open, then one JSON line with the latencies of the pops received."""
    spec = json.loads(sys.stdin.readline())
    latencies = asyncio.run(_clients(spec))
    print(json.dumps({"latencies_ms": latencies}), flush=True)


async def _clients(spec: dict[str, Any]) -> list[float]:
    base, expected = spec["base"], spec["expected"]
    sessions = [aiohttp.ClientSession(cookies=cookies) for cookies in spec["cookies"]]
    latencies: list[float] = []
    done = asyncio.Event()

    async def listen(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            received = time.time()
            frame = json.loads(message.data)
            if frame["type"] == "pop":
                latencies.append((received - frame["pop"]["rang_ts"]) * 1000)
                if len(latencies) >= expected:
                    done.set()

    try:
        sockets = [await http.ws_connect(f"{base}/ws/agent", headers={"Origin": base})
                   for http in sessions]
        tasks = [asyncio.create_task(listen(ws)) for ws in sockets]
        print("ready", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), spec["timeout_s"])
        await asyncio.sleep(0.5)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        for http in sessions:
            await http.close()
    return latencies


async def _start_clients(base: str, agents: list[Agent], expected: int, timeout_s: float
                         ) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c",
        "from callcenter.devtools.bench.pop import client_main; client_main()",
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    assert process.stdin is not None
    assert process.stdout is not None
    spec = {"base": base, "expected": expected, "timeout_s": timeout_s,
            "cookies": [a.cookies for a in agents]}
    process.stdin.write((json.dumps(spec) + "\n").encode())
    await process.stdin.drain()
    line = await asyncio.wait_for(process.stdout.readline(), 60)
    if line.strip() != b"ready":
        raise SystemExit(f"the clients did not start: {line!r}")
    return process


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from callcenter.devtools.pbx.scenarios import Caller

    ensure_queue()
    service = ServiceThread(settings)
    await service.start()
    base = f"http://127.0.0.1:{service.port}"
    agents = [Agent(args.first_ext + i, aiohttp.ClientSession(
        cookie_jar=aiohttp.CookieJar(unsafe=True))) for i in range(args.agents)]
    clients: asyncio.subprocess.Process | None = None
    try:
        await service.run(_prepare(service, agents))
        numbers = [f"1377{agent.ext:07d}" for agent in agents]
        await _gather_limited([_seat(service, a, base, n)
                               for a, n in zip(agents, numbers, strict=True)])
        for agent in agents:
            for name, value in ((f"RING_{agent.ext}", f"{args.ring_s:g}"),
                                (f"TALK_{agent.ext}", f"{TALK_S:g}")):
                await service.run(_pbx(service, set_variable(name, value)))
        timeout_s = args.ramp_s + 60
        clients = await _start_clients(base, agents, args.calls, timeout_s)
        await _gather_limited([_post(a, base, "/api/agent/login", {"queues": [QUEUE]})
                               for a in agents])
        interfaces = {a.interface for a in agents}
        for _ in range(300):
            if await service.run(_all_available(service, interfaces)):
                break
            await asyncio.sleep(0.1)
        spread = (f"over {args.ramp_s:g} s ({args.calls / args.ramp_s:.0f} a second)"
                  if args.ramp_s > 0 else "at once")
        print(f"{len(agents)} agents available in {QUEUE}, one websocket each (in a process "
              f"of their own); placing {args.calls} calls {spread}")
        started = int(time.time())
        callers = [numbers[i % len(numbers)] for i in range(args.calls)]
        await service.run(_originate(service, [
            Caller(n, QUEUE, patience_s=30).originate_headers(f"pop-{i}-{started}")
            for i, n in enumerate(callers)], args.ramp_s / args.calls))
        assert clients.stdout is not None
        line = await asyncio.wait_for(clients.stdout.readline(), timeout_s + 30)
        latencies = json.loads(line)["latencies_ms"] if line else []
        await asyncio.sleep(args.ring_s + 3)
        _stages(service)
        return _report(latencies, args.calls)
    finally:
        await _gather_limited([_post(a, base, "/api/agent/logout", None) for a in agents])
        if clients is not None and clients.returncode is None:
            clients.kill()
            await clients.wait()
        for agent in agents:
            await agent.http.close()
        await service.stop()


async def _post(agent: Agent, base: str, path: str, body: dict[str, Any] | None) -> None:
    async with agent.http.post(f"{base}{path}", json=body or {},
                               headers={"X-CSRF-Token": agent.csrf}) as r:
        if r.status >= 400:
            print(f"{agent.agent_id} {path}: {r.status} {await r.text()}")


async def _gather_limited(work: list[Awaitable[None]], limit: int = 20) -> None:
    gate = asyncio.Semaphore(limit)

    async def one(item: Awaitable[None]) -> None:
        async with gate:
            await item

    await asyncio.gather(*(one(w) for w in work))


def _stages(service: ServiceThread) -> None:
    """Where the time went: the PBX's event reaching the service, the caller lookup."""
    from callcenter.agents.context import AGENT_DESK

    app = service.app
    assert app is not None
    pops = app[AGENT_DESK].pops
    batches = app[AGENT_DESK].cards.batches
    if batches:
        n = sum(b for b, _ in batches)
        spent = sum(t for _, t in batches)
        print(f"lookup batches={len(batches)} lookups={n} db_ms_per_lookup={spent * 1000 / n:.2f} "
              f"largest_batch={max(b for b, _ in batches)}")
    for name, values in (("ami_arrival", pops.arrival_lag_s), ("lookup", pops.lookup_s)):
        ms = [v * 1000 for v in values]
        if ms:
            print(f"{name}: p50_ms={_percentile(ms, .5):.1f} p99_ms={_percentile(ms, .99):.1f} "
                  f"max_ms={max(ms):.1f}")


def _report(latencies: list[float], expected: int) -> int:
    if not latencies:
        print("no pop arrived")
        print("pops=0 pop_p50_ms=nan pop_p99_ms=nan")
        return 1
    print(f"pops={len(latencies)}/{expected} min_ms={min(latencies):.1f} "
          f"mean_ms={statistics.fmean(latencies):.1f} p90_ms={_percentile(latencies, .9):.1f} "
          f"max_ms={max(latencies):.1f}")
    print(f"pops={len(latencies)} pop_p50_ms={_percentile(latencies, .5):.1f} "
          f"pop_p99_ms={_percentile(latencies, .99):.1f}")
    return 0 if len(latencies) >= expected else 1


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.ramp_s < 0 or args.calls < 1 or args.agents < 1:
        print("callcenter bench pop: --ramp-s must be at least 0, --calls and --agents at "
              "least 1")
        return 2

    with tempfile.TemporaryDirectory(prefix="bench-pop-") as tmp:
        url = (database_url(args.database_url)
               if args.database_url else f"sqlite+aiosqlite:///{Path(tmp) / 'pop.db'}")
        # The dialer places no call here; off, it cannot clash with a running service's
        # FastAGI port either.
        quiet = settings.dialer.model_copy(update={"enabled": False})
        return asyncio.run(_bench(args, settings.model_copy(
            update={"database_url": url, "dialer": quiet})))


__all__ = ["add_pop_arguments", "run"]
