"""The PBX dies or freezes mid-call: the service reconnects by itself, resyncs, registers
each call once, and leaves nothing "live" that is not live on the PBX (R1 "interrupted").

These tests restart or freeze the shared bench PBX, so they take their own agents and leave
it running for the tests after them.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime, timedelta

import pytest

from callcenter.calls.call_records import FinishedCall, Phase
from callcenter.calls.http import CALL_REGISTRY, CALL_TRACKER
from callcenter.calls.sla import RingRule, everywhere, service_level
from callcenter.devtools.pbx import bench, scenarios
from callcenter.devtools.pbx.scenarios import Caller
from callcenter.pipeline import AMI_LINK
from tests.e2e.conftest import Service, eventually

pytestmark = pytest.mark.e2e


async def _call_in_talk(service: Service, number: str, queue: str, agent: str,
                        talk_s: str) -> str:
    app = service.app
    link, tracker = app[AMI_LINK], app[CALL_TRACKER]
    await scenarios.set_agents(link, {agent: ("1", talk_s)})
    await scenarios.place_caller(link, Caller(number, queue))

    async def talking() -> str | None:
        for call in tracker.live_calls():
            if call.caller_num == number and call.phase is Phase.TALKING:
                return call.call_id
        return None

    call_id: str = await eventually(talking, timeout_s=10, what=f"{number} talking")
    return call_id


async def _registered(service: Service, call_id: str) -> list[FinishedCall]:
    app = service.app
    since = datetime.now(UTC) - timedelta(minutes=5)
    calls = await app[CALL_REGISTRY].fetch_calls(since, since + timedelta(minutes=10))
    return [c for c in calls if c.call_id == call_id]


async def test_pbx_killed_mid_call_is_reconnected_and_the_call_is_interrupted(
    service: Service,
) -> None:
    app = service.app
    link, tracker = app[AMI_LINK], app[CALL_TRACKER]
    call_id = await _call_in_talk(service, "13900000021", "bench-q5", "1051", "60")
    reconnects = link.state.reconnects

    bench.kill(signal.SIGKILL)
    await asyncio.to_thread(bench.up)

    await eventually(lambda: _async(link.connected and link.state.reconnects > reconnects),
                     timeout_s=20, what="the link to reconnect by itself")
    rows = await eventually(lambda: _registered(service, call_id), timeout_s=10,
                            what="the cut-off call in the registry")
    assert len(rows) == 1
    assert rows[0].interrupted is True
    assert tracker.live_call(call_id) is None
    assert not tracker.live_calls()
    level = service_level(rows, rule_for=everywhere(RingRule()), short_abandon_s=5.0)
    assert (level.interrupted, level.offered) == (1, 0)

    body = await (await service.client.get("/health")).json()
    assert body["pbx"]["ok"] is True
    assert body["pbx"]["reconnects"] > reconnects


async def test_pbx_frozen_past_the_watchdog_is_reconnected_and_a_surviving_call_kept(
    service: Service,
) -> None:
    app = service.app
    link, tracker = app[AMI_LINK], app[CALL_TRACKER]
    call_id = await _call_in_talk(service, "13900000022", "bench-q6", "1061", "8")
    reconnects = link.state.reconnects

    bench.kill(signal.SIGSTOP)
    try:
        # Ping every 1 s, 1 s to answer: the watchdog must notice a socket that stays open.
        await eventually(lambda: _async(not link.connected), timeout_s=6,
                         what="the watchdog to drop the frozen session")
    finally:
        bench.kill(signal.SIGCONT)
    await eventually(lambda: _async(link.connected and link.state.reconnects > reconnects),
                     timeout_s=20, what="the link to reconnect after the PBX resumed")
    assert tracker.live_call(call_id) is not None, "the call survived the freeze on the PBX"

    rows = await eventually(lambda: _registered(service, call_id), timeout_s=20,
                            what="the call to end and be registered")
    assert len(rows) == 1
    assert rows[0].interrupted is False
    assert rows[0].answered_by_agent == "agent1061"
    assert not [c for c in tracker.live_calls() if c.call_id == call_id]


async def _async(value: bool) -> bool:
    return value
