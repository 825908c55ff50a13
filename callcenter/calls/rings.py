"""Agent phones in a call: ringing, answered, gone. Part of the live-state owner.

A phone's life is not its call's: an agent's leg may hang up or report its completion after
the caller's leg has ended the call, and a ring may come for a call the tracker missed the
start of. So the phones are kept by agent leg here, beside the calls, and every change of
one is told exactly once (`changes.RingStarted`, `RingAnswered`, `RingEnded`, `AgentLeft`)
and applied to the agent board in the same step.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from callcenter.calls.agent_state import AgentBoard
from callcenter.calls.changes import (
    AgentLeft,
    Change,
    Ring,
    RingAnswered,
    RingEnd,
    RingEnded,
    RingStarted,
)

PHONES_MAX = 50_000
"""More agent phones ringing or talking at once than any site has: past it, the oldest are
forgotten (their end was lost with a missed event; a resync would end them too)."""


class _Phone:
    __slots__ = ("picked_up", "ring", "talking")

    def __init__(self, ring: Ring) -> None:
        self.ring = ring
        self.picked_up = False  # the Dial was answered; the queue connects it next
        self.talking = False


class RingBook:
    """The agent phones ringing or talking now, keyed by agent leg id."""

    def __init__(self, agents: AgentBoard, emit: Callable[[Change], None]) -> None:
        self._agents = agents
        self._emit = emit
        self._phones: dict[str, _Phone] = {}

    def __contains__(self, leg_id: str) -> bool:
        return leg_id in self._phones

    def picked_up(self, leg_id: str) -> None:
        """The phone answered the queue's Dial (AgentConnect follows): from now on the
        call's other rings in that queue end because of it."""
        phone = self._phones.get(leg_id)
        if phone is not None:
            phone.picked_up = True

    def why_ended(self, leg_id: str, status: str) -> RingEnd:
        """Why the queue's Dial to this phone ended with `status`: a CANCEL is a colleague's
        answer when another phone of the same call and queue picked up first (ring-all),
        else the caller leaving."""
        phone = self._phones.get(leg_id)
        if phone is not None and any(
                other.ring.call_id == phone.ring.call_id and other.ring.queue == phone.ring.queue
                and (other.picked_up or other.talking) for other in self._phones.values()):
            return RingEnd.ANSWERED_ELSEWHERE
        if status == "CANCEL":
            return RingEnd.CALLER_LEFT
        return RingEnd.RANG_OUT if status == "NOANSWER" else RingEnd.REJECTED

    def started(self, ts: float, ring: Ring) -> None:
        if ring.agent_leg_id in self._phones:
            return
        if len(self._phones) >= PHONES_MAX:
            del self._phones[next(iter(self._phones))]
        self._phones[ring.agent_leg_id] = _Phone(ring)
        self._agents.ringing(ts, ring.interface, ring.agent_leg_id, ring.call_id)
        self._emit(RingStarted(ts, ring))

    def answered(self, ts: float, leg_id: str, unrung: Callable[[], Ring]) -> None:
        """The agent answered; `unrung` makes the ring when its start was not seen."""
        phone = self._phones.get(leg_id)
        if phone is None:
            phone = self._phones[leg_id] = _Phone(unrung())
        elif phone.talking:
            return
        phone.talking = True
        ring = phone.ring
        self._agents.talking(ts, ring.interface, leg_id, ring.call_id)
        self._emit(RingAnswered(ts, ring))

    def ring_ended(self, ts: float, leg_id: str, reason: RingEnd) -> None:
        """The phone stopped ringing unanswered (nothing if it was answered or gone)."""
        phone = self._phones.get(leg_id)
        if phone is None or phone.talking:
            return
        del self._phones[leg_id]
        self._agents.phone_free(ts, phone.ring.interface, leg_id)
        self._emit(RingEnded(ts, phone.ring, reason))

    def left(self, ts: float, leg_id: str) -> None:
        """The agent's leg left the call: after talking the agent left it; a phone still
        ringing then rang for a call that is gone."""
        phone = self._phones.pop(leg_id, None)
        if phone is None:
            return
        self._agents.phone_free(ts, phone.ring.interface, leg_id)
        if phone.talking:
            self._emit(AgentLeft(ts, phone.ring))
        else:
            self._emit(RingEnded(ts, phone.ring, RingEnd.CALL_ENDED))

    def calls_gone(self, ts: float, live_call_ids: Collection[str]) -> None:
        """After a resync: the phones of calls the PBX no longer has are free."""
        for leg_id, phone in list(self._phones.items()):
            if phone.ring.call_id not in live_call_ids:
                self.left(ts, leg_id)


__all__ = ["PHONES_MAX", "RingBook"]
