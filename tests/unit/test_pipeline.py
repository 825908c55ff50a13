"""The live-call relay: each call's newest picture reaches the hub, once per burst."""

from __future__ import annotations

from dataclasses import replace

import pytest

from callcenter.calls.call_records import LiveCall, Phase
from callcenter.hub.memory import MemoryHub
from callcenter.pipeline import LIVE_CALLS_CHANNEL, LiveRelay

pytestmark = pytest.mark.unit


def _call(call_id: str, position: int) -> LiveCall:
    return LiveCall(call_id=call_id, caller_num="62345678", caller_num_e164="+861062345678",
                    caller_name="", phase=next(iter(Phase)), entered_ts=1.0, queue="hotline",
                    queued_ts=1.0, position=position, ringing=(), answered_ts=None,
                    answered_interface=None, in_doubt=False)


async def _published(hub: MemoryHub, relay: LiveRelay, offers: list[LiveCall]
                     ) -> list[tuple[str, int]]:
    subscription = await hub.subscribe(LIVE_CALLS_CHANNEL)
    for call in offers:  # all before the relay runs: one burst
        relay.offer(call)
    relay.start()
    seen = []
    while (message := await subscription.get(timeout_s=0.2)) is not None:
        seen.append((message["call_id"], message["position"]))
    await relay.stop()
    return seen


async def test_a_call_changed_several_times_in_a_burst_is_published_once_as_it_is_now(
) -> None:
    hub = MemoryHub()
    first, other = _call("a", 3), _call("b", 1)
    seen = await _published(hub, LiveRelay(hub), [
        first, other, replace(first, position=2), replace(first, position=1)])
    assert seen == [("b", 1), ("a", 1)]


async def test_past_the_limit_the_oldest_call_waiting_is_dropped() -> None:
    hub = MemoryHub()
    seen = await _published(hub, LiveRelay(hub, limit=2),
                            [_call("a", 1), _call("b", 1), _call("c", 1)])
    assert seen == [("b", 1), ("c", 1)]


async def test_nothing_waits_once_published() -> None:
    hub = MemoryHub()
    relay = LiveRelay(hub)
    subscription = await hub.subscribe(LIVE_CALLS_CHANNEL)
    relay.start()
    relay.offer(_call("a", 1))
    assert (await subscription.get(timeout_s=1.0) or {})["call_id"] == "a"
    relay.offer(_call("a", 0))
    assert (await subscription.get(timeout_s=1.0) or {})["position"] == 0
    await relay.stop()
