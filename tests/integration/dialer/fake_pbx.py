"""A fake PBX for the dialer's integration tests: it takes Originates and, told how each
customer behaves, plays back the events the bench PBX sends for that behaviour (the same
reasons and causes as recorded on Asterisk 22; see tests/unit/dialer/test_outcomes.py),
running the flow with a scripted customer when the call is answered."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from callcenter.ami.protocol import HeaderValue
from callcenter.events import LegHungUp, OriginateResult
from dialer.engine import Dialer
from ivr_flows.channel import CallerHungUp

HANG_UP = "hang-up"


@dataclass(frozen=True)
class Behaviour:
    """`ring`: answer | never | busy | congestion | unallocated; `keys` answer questions
    one by one (None is silence, HANG_UP hangs up)."""

    ring: str = "answer"
    keys: tuple[str | None, ...] = ()
    flow_runs: bool = True  # False: the FastAGI service is unreachable (dialplan goodbye)


class KeyedCustomer:
    def __init__(self, keys: Sequence[str | None]) -> None:
        self.keys = list(keys)

    async def ask(self, files: Sequence[str], timeout_s: float) -> str | None:
        reply = self.keys.pop(0) if self.keys else None
        if reply == HANG_UP:
            raise CallerHungUp
        return reply

    async def play(self, files: Sequence[str]) -> None:
        return None

    async def machine_detected(self) -> bool:
        return False


_FAILURES = {"never": (3, 19, 19), "busy": (5, 0, 17), "congestion": (8, 0, 34),
             "unallocated": (0, 1, 1)}


@dataclass
class FakePbx:
    """Behaviour per dialled channel string; `originates` records every Originate sent."""

    dialer: Dialer
    behaviours: Mapping[str, Behaviour]
    connected: bool = True
    originates: list[dict[str, HeaderValue]] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    hold: bool = False  # True: leave answered calls up (a crash test ends them)

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str:
        self.originates.append(dict(headers))
        channel_id = str(headers["ChannelId"])
        behaviour = self.behaviours[str(headers["Channel"])]
        self.tasks.append(asyncio.get_running_loop().create_task(
            self._play(channel_id, behaviour)))
        return channel_id

    async def _play(self, channel_id: str, behaviour: Behaviour) -> None:
        await asyncio.sleep(0.01)
        if behaviour.ring != "answer":
            reason, leg_cause, dialled_cause = _FAILURES[behaviour.ring]
            self.hang_up(channel_id, dialled_cause, f"{channel_id};2")
            self.dialer.tracker.on_event(OriginateResult(1.0, channel_id, False, reason))
            self.hang_up(channel_id, leg_cause)
            return
        self.dialer.tracker.on_event(OriginateResult(1.0, channel_id, True, 4))
        if behaviour.flow_runs:
            await self.dialer.run_flow_for(channel_id, KeyedCustomer(behaviour.keys))
        if not self.hold:
            self.hang_up(channel_id, 16)

    def hang_up(self, channel_id: str, cause: int, leg: str | None = None) -> None:
        self.dialer.tracker.on_event(
            LegHungUp(2.0, channel_id, leg or channel_id, "Local/x", cause, ""))

    async def settle(self, timeout_s: float = 10.0) -> None:
        """Wait until every call placed so far is settled by the dialer, and the dialer is
        idle: a refill still to run would claim with a clock the test is about to move."""
        await asyncio.wait_for(asyncio.gather(*self.tasks), timeout_s)
        for _ in range(int(timeout_s * 100)):
            if not self.dialer.live:
                await asyncio.wait_for(self.dialer.idle(), timeout_s)
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"calls still live: {sorted(self.dialer.live)}")
