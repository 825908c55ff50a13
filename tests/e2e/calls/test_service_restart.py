"""Fault: the service is restarted (SIGTERM, and separately kill -9) while calls are in
progress on the real bench PBX. Every call the PBX reports is registered exactly once; the
ones in progress during the restart are adopted at the next start and flagged so (R4).

The service runs as a real `callcenter serve` process on its own SQLite file; the test counts
the calls from the PBX's side over its own AMI connection (one QueueCallerJoin per Linkedid
in the test's queue, and the caller leg's Hangup), never from the service.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.ami import AmiLink
from callcenter.calls.models import CallRow
from callcenter.devtools.pbx import scenarios
from callcenter.devtools.pbx.scenarios import Caller
from callcenter.events import CallerJoinedQueue, LegHungUp, PbxEvent, PbxSnapshot
from callcenter.schema import migrate
from callcenter.settings import load_settings
from callcenter.storage.database import open_database
from tests.e2e.conftest import eventually
from tests.e2e.dialer.conftest import free_port
from tests.e2e.service_process import Service

pytestmark = pytest.mark.e2e

QUEUE = "bench-q4"  # agents 1041 and 1042, used by no other test
AGENTS = ("1041", "1042")


class PbxCalls:
    """The test's own view of the PBX: each call that joined QUEUE, when, and when the
    caller's leg hung up (PBX timestamps)."""

    wants: frozenset[type[PbxEvent]] = frozenset({CallerJoinedQueue, LegHungUp})

    def __init__(self, numbers: set[str]) -> None:
        self.numbers = numbers
        self.joined: dict[str, tuple[float, str]] = {}
        self.ended: dict[str, float] = {}
        self.link_lost = False

    def on_event(self, event: PbxEvent) -> None:
        if (isinstance(event, CallerJoinedQueue) and event.queue == QUEUE
                and event.caller_num in self.numbers):
            self.joined.setdefault(event.call_id, (event.ts, event.leg_id))
        elif (isinstance(event, LegHungUp) and event.call_id in self.joined
              and event.leg_id == self.joined[event.call_id][1]):
            self.ended.setdefault(event.call_id, event.ts)

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """Nothing to reconcile: the test's link is never restarted."""

    def on_link_lost(self, ts: float) -> None:
        self.link_lost = True  # the PBX-side count would be incomplete


@pytest.fixture
def service(bench_pbx: str, tmp_path: Path) -> Iterator[Service]:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'restart.db'}",
           "CALLCENTER_HTTP_PORT": str(free_port()), "CALLCENTER_AMI_PING_INTERVAL": "1",
           "CALLCENTER_AMI_PING_TIMEOUT": "1", "CALLCENTER_LOG_LEVEL": "INFO"}
    running = Service(env, tmp_path / "service.log")
    yield running
    running.stop(signal.SIGTERM)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGKILL],
                         ids=["sigterm", "kill-9"])
async def test_calls_in_progress_across_a_restart_are_each_registered_once_adopted_flagged(
    service: Service, stop_signal: signal.Signals
) -> None:
    """Two callers talking and two waiting (one of whom gives up) while the service restarts,
    and one caller after it: five calls on the PBX, five rows, the first four adopted."""
    url = service.env["DATABASE_URL"]
    await asyncio.to_thread(migrate.upgrade, url)
    tag = f"{int(time.time()) % 100_000:05d}"
    numbers = [f"1390{tag}{n:02d}" for n in range(1, 6)]
    pbx = PbxCalls(set(numbers))
    link = AmiLink(load_settings({"DATABASE_URL": url}).ami, consumers=[pbx])
    await link.start()
    try:
        await link.wait_connected(timeout_s=15)
        service.start()
        await eventually(service.connected, timeout_s=20, what="the service's PBX link")
        # Round one talks long enough to outlast the restart; later rounds are short.
        await scenarios.set_agents(link, dict.fromkeys(AGENTS, ("1", "15")))
        for number in numbers[:2]:
            await scenarios.place_caller(link, Caller(number, QUEUE))
        await eventually(lambda: _true(len(pbx.joined) == 2), timeout_s=5,
                         what="the first two callers in the queue")
        await asyncio.sleep(1.5)  # both answered (1 s ring): the next two must wait
        await scenarios.set_agents(link, dict.fromkeys(AGENTS, ("1", "2")))
        await scenarios.place_caller(link, Caller(numbers[2], QUEUE))
        await scenarios.place_caller(link, Caller(numbers[3], QUEUE, patience_s=13))
        await eventually(lambda: _true(len(pbx.joined) == 4), timeout_s=5,
                         what="four callers in the queue")

        down_at = time.time()
        service.stop(stop_signal)
        service.start()
        await eventually(service.connected, timeout_s=20, what="the restarted service")
        up_at = time.time()
        in_progress = set(pbx.joined)
        assert not {c for c, ts in pbx.ended.items() if ts < up_at}, (
            f"a call ended while the service was down ({up_at - down_at:.1f} s): calls that "
            "end unseen cannot be registered, so the test's timing must avoid them")
        await scenarios.place_caller(link, Caller(numbers[4], QUEUE))

        await eventually(lambda: _true(len(pbx.joined) == 5 and len(pbx.ended) == 5),
                         timeout_s=30, what="all five calls over on the PBX")
        db = open_database(url)
        try:
            async def rows() -> list[CallRow]:
                async with db.sessions() as session:
                    found = list((await session.scalars(select(CallRow))).all())
                # The shared PBX carries other tests' calls too: count this test's own.
                mine = [row for row in found if row.caller_num_raw in pbx.numbers]
                return mine if len(mine) >= 5 else []

            stored = await eventually(rows, timeout_s=10, what="five registry rows")
        finally:
            await db.dispose()
    finally:
        await link.stop()

    assert not pbx.link_lost, "the test's own AMI link was lost: its count is incomplete"
    assert sorted(row.call_id for row in stored) == sorted(pbx.joined)
    adopted = {row.call_id for row in stored if row.adopted}
    assert adopted == in_progress
    assert not any(row.interrupted for row in stored)
    by_number = {row.caller_num_raw: row for row in stored}
    assert by_number[numbers[3]].exit_reason == "queue_hangup"  # gave up, after the restart
    assert by_number[numbers[0]].answered_at is None  # answered before adoption: unknown
    assert by_number[numbers[0]].precision is not None
    assert by_number[numbers[0]].precision["answered_at"] == "unknown"
    assert by_number[numbers[2]].answered_at is not None  # answered after adoption
    assert by_number[numbers[2]].within_rule is None  # its wait is whole-second
    assert by_number[numbers[4]].precision is None  # followed from its first event
    print(f"\n{stop_signal.name}: pbx_calls={len(pbx.joined)} registered={len(stored)} "
          f"adopted={len(adopted)} down_s={up_at - down_at:.1f}")


async def _true(value: bool) -> bool:
    return value
