"""Calls in flight: what the PBX has said about each attempt so far.

Fed synchronously with the live-state owner's records (`Dialer.on_change`), read by the
attempt's own task.
An attempt is over when the PBX has answered the Originate and the originated leg has hung
up (a failed Originate may come without a hang-up: a bogus channel never existed, so a short
grace is allowed), and, when the flow ran, when the flow has returned.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dialer.claim import Claim
from dialer.kinds import Outcome
from dialer.outcomes import informative_cause, outcome_of
from ivr_flows.result import FlowResult

HANGUP_GRACE_S = 2.0
FLOW_GRACE_S = 10.0
MAX_CALL_S = 2 * 3600.0


@dataclass
class AttemptCall:
    claim: Claim
    adopted: bool = False
    reason: int | None = None
    success: bool | None = None
    answered_at: datetime | None = None
    causes: dict[str, int] = field(default_factory=dict)
    flow_started: bool = False
    flow: FlowResult | None = None
    partial: dict[str, int] = field(default_factory=dict)
    originated: asyncio.Event = field(default_factory=asyncio.Event)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    flow_done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def channel_id(self) -> str:
        return self.claim.channel_id

    def originate_result(self, success: bool, reason: int, ts: float) -> None:
        self.success, self.reason = success, reason
        if success:
            self.answered_at = datetime.fromtimestamp(ts, UTC)
        self.originated.set()

    def hung_up(self, leg_id: str, cause: int) -> None:
        self.causes[leg_id] = cause
        if leg_id == self.channel_id:
            self.ended.set()

    def lost(self) -> None:
        """The PBX no longer has the call (seen in a resync): it ended unseen."""
        self.originated.set()
        self.ended.set()

    async def follow(self, ring_s: float) -> None:
        """Wait until the call is over (bounded, so a lost event never hangs a line)."""
        if not self.adopted:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.originated.wait(), ring_s + 30.0)
        answered = self.adopted or bool(self.success)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.ended.wait(), MAX_CALL_S if answered else HANGUP_GRACE_S)
        if self.flow_started:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.flow_done.wait(), FLOW_GRACE_S)

    def outcome(self, flow: FlowResult | None) -> Outcome:
        """The table's verdict; an adopted call whose flow left answers was answered."""
        leg_first = [self.causes[k] for k in sorted(self.causes, key=lambda leg: ";" in leg)]
        if self.adopted and flow is not None:
            return Outcome.ANSWERED
        return outcome_of(self.reason, informative_cause(leg_first),
                          machine=bool(flow and flow.machine))

    @property
    def cause(self) -> int | None:
        return self.causes.get(self.channel_id)


__all__ = ["HANGUP_GRACE_S", "AttemptCall"]
