"""Screen-pops (R5): the caller's record on the rung agent's screen before they answer.

A view of the live-state owner (`callcenter.calls.tracker`): it acts on the owner's change
records and keeps only what it shows. A ring of an agent's phone (`RingStarted`) opens a pop
keyed by call id + agent leg id, and the pop frame goes to that agent's pages as soon as the
caller lookup is back (one lookup per call, started when the caller reaches the hotline and
shared by every agent a ring-all queue rings). The pop is withdrawn, with the owner's reason,
when the ring ends without this agent answering, or at once for every ring of a call whose
caller gave up. An answered pop ends (and its wrap-up starts) when the owner says the agent
left the call. The owner tells each ring once, so a pop is never shown twice for one ring; a
page that reconnects gets the pop back inside its snapshot, under the same pop id.

Everything here runs synchronously in the owner's event step except the lookups, which are
tasks owned by the board; a lookup that fails still shows the number and the greeting (R3).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from callcenter.agents.feeds import Client, Feeds
from callcenter.calls.call_records import Direction
from callcenter.calls.changes import (
    AgentLeft,
    CallAdopted,
    CallEnded,
    CallEntered,
    CallerGaveUp,
    Change,
    Ring,
    RingAnswered,
    RingEnd,
    RingEnded,
    RingStarted,
)

log = logging.getLogger(__name__)

CARD_MEMORY_MAX = 5_000

CardLoader = Callable[[str], Awaitable[dict[str, Any]]]
"""caller number as the PBX sent it → the lookup (`callcenter.customers.lookup` shape)."""


@dataclass(slots=True)
class Pop:
    """One ring of one agent's phone for one call, and what is shown for it."""

    pop_id: str
    call_id: str
    caller_leg_id: str
    agent_leg_id: str
    agent_id: str
    interface: str
    queue: str
    caller_num: str
    caller_name: str
    rang_ts: float  # the PBX's own timestamp of AgentCalled
    greeting: str
    state: str = "ringing"  # ringing | answered | ended | withdrawn
    card: dict[str, Any] | None = None
    lookup_failed: bool = False
    transfer: dict[str, Any] | None = None
    sent: bool = False
    audited: bool = False

    def frame(self) -> dict[str, Any]:
        return {
            "pop_id": self.pop_id, "call_id": self.call_id, "agent_leg_id": self.agent_leg_id,
            "interface": self.interface, "queue": self.queue, "greeting": self.greeting,
            "caller_number": self.caller_num, "caller_name": self.caller_name,
            "rang_ts": self.rang_ts, "state": self.state, "card": self.card,
            "lookup_failed": self.lookup_failed, "transfer": self.transfer,
        }


class PopListener(Protocol):
    """What the wrap-up side hears from the pops (`wrapup.WrapupDesk`)."""

    def answered(self, pop: Pop) -> None: ...

    def completed(self, pop: Pop, ts: float) -> None: ...

    def shown(self, pop: Pop, clients: list[Client]) -> None: ...


class PopBoard:
    """Open pops per agent; see the module docstring."""

    def __init__(self, feeds: Feeds, greeting: Callable[[str], str], load_card: CardLoader,
                 listener: PopListener | None = None) -> None:
        self._feeds = feeds
        self._greeting = greeting
        self._load = load_card
        self.listener = listener
        self._pops: dict[str, Pop] = {}
        self._by_call: dict[str, set[str]] = {}  # call id -> its open pops
        self._cards: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lookups: dict[str, asyncio.Task[None]] = {}
        self._transfers: dict[str, dict[str, Any]] = {}
        #: Seconds from the PBX's AgentCalled stamp to its arrival here, and lookup durations,
        #: of the last pops (for `callcenter bench pop` and the health of the desk).
        self.arrival_lag_s: deque[float] = deque(maxlen=10_000)
        self.lookup_s: deque[float] = deque(maxlen=10_000)

    # -- reading ---------------------------------------------------------------------------

    def open_pops(self, agent_id: str) -> list[Pop]:
        return [p for p in self._pops.values() if p.agent_id == agent_id and p.sent]

    def pop(self, pop_id: str) -> Pop | None:
        return self._pops.get(pop_id)

    def card_for(self, call_id: str) -> dict[str, Any] | None:
        return self._cards.get(call_id)

    def expect_transfer(self, call_id: str, info: dict[str, Any]) -> None:
        """The next agent rung for this call gets `info` (and the card) with the pop (R6)."""
        self._transfers[call_id] = info

    # -- the owner's records -----------------------------------------------------------------

    def on_change(self, change: Change) -> None:
        if isinstance(change, RingStarted):
            self._rung(change.ring)
        elif isinstance(change, RingEnded):
            self._withdraw(_pop_id(change.ring), change.reason)
        elif isinstance(change, RingAnswered):
            self._answered(change.ring)
        elif isinstance(change, AgentLeft):
            self._completed(_pop_id(change.ring), change.ts)
        elif isinstance(change, CallerGaveUp):
            for pop_id in list(self._by_call.get(change.call_id, ())):
                self._withdraw(pop_id, RingEnd.CALLER_LEFT)
            self._forget_call(change.call_id)
        elif isinstance(change, CallEntered | CallAdopted):
            if change.call.direction is Direction.INBOUND:
                self._prefetch(change.call.call_id, change.call.caller_num)
        elif isinstance(change, CallEnded):
            self._forget_call(change.call.call_id)

    async def close(self) -> None:
        tasks = list(self._lookups.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # -- transitions -----------------------------------------------------------------------

    def _prefetch(self, call_id: str, number: str) -> None:
        """Start the lookup when the caller reaches the hotline, not when an agent rings:
        the menu and the queue wait are time the lookup can use (a burst of rings then finds
        most cards ready)."""
        if call_id not in self._cards and call_id not in self._lookups:
            self._lookups[call_id] = asyncio.get_running_loop().create_task(
                self._lookup(call_id, number), name=f"pop-prefetch-{call_id}")

    def _rung(self, ring: Ring) -> None:
        self.arrival_lag_s.append(time.time() - ring.rang_ts)
        if ring.agent_id is None:
            return  # a phone that belongs to no agent: nobody to show it to
        pop = Pop(_pop_id(ring), ring.call_id, ring.caller_leg_id, ring.agent_leg_id,
                  ring.agent_id, ring.interface, ring.queue, ring.caller_num, ring.caller_name,
                  ring.rang_ts, self._greeting(ring.queue),
                  transfer=self._transfers.pop(ring.call_id, None))
        self._pops[pop.pop_id] = pop
        self._by_call.setdefault(ring.call_id, set()).add(pop.pop_id)
        card = self._cards.get(ring.call_id)
        if card is not None:
            pop.card = card
            self._send(pop)
        elif ring.call_id not in self._lookups:
            self._lookups[ring.call_id] = asyncio.get_running_loop().create_task(
                self._lookup(ring.call_id, ring.caller_num), name=f"pop-lookup-{pop.pop_id}")

    async def _lookup(self, call_id: str, number: str) -> None:
        card: dict[str, Any] | None = None
        started = time.perf_counter()
        try:
            card = await self._load(number)
            self.lookup_s.append(time.perf_counter() - started)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a pop without the card beats no pop (R3 greeting, number)
            log.warning("screen-pop lookup for call %s failed: %s", call_id, exc)
        finally:
            self._lookups.pop(call_id, None)
        if card is not None:
            self._cards[call_id] = card
            while len(self._cards) > CARD_MEMORY_MAX:
                self._cards.popitem(last=False)
        for pop_id in list(self._by_call.get(call_id, ())):
            pop = self._pops.get(pop_id)
            if pop is not None and not pop.sent and pop.state in ("ringing", "answered"):
                pop.card, pop.lookup_failed = card, card is None
                self._send(pop)

    def _send(self, pop: Pop) -> None:
        pop.sent = True
        reached = self._feeds.publish(pop.agent_id, {"type": "pop", "pop": pop.frame()})
        if reached and self.listener is not None:
            self.listener.shown(pop, reached)

    def _answered(self, ring: Ring) -> None:
        mine = _pop_id(ring)
        for pop_id in list(self._by_call.get(ring.call_id, ())):
            if pop_id != mine:
                self._withdraw(pop_id, RingEnd.ANSWERED_ELSEWHERE)
        pop = self._pops.get(mine)
        if pop is None:
            return
        pop.state = "answered"
        if pop.sent:
            self._feeds.publish(pop.agent_id, {"type": "pop_answered", "pop_id": pop.pop_id})
        if self.listener is not None:
            self.listener.answered(pop)

    def _completed(self, pop_id: str, ts: float) -> None:
        pop = self._pops.pop(pop_id, None)
        if pop is None:
            return
        self._by_call.get(pop.call_id, set()).discard(pop_id)
        self._forget_call(pop.call_id)
        pop.state = "ended"
        if self.listener is not None:
            self.listener.completed(pop, ts)

    def _withdraw(self, pop_id: str, reason: RingEnd) -> None:
        pop = self._pops.get(pop_id)
        if pop is None or pop.state != "ringing":
            return
        del self._pops[pop_id]
        self._by_call.get(pop.call_id, set()).discard(pop_id)
        pop.state = "withdrawn"
        if pop.sent:
            self._feeds.publish(pop.agent_id, {"type": "pop_withdrawn", "pop_id": pop.pop_id,
                                               "reason": reason.value})

    def _forget_call(self, call_id: str) -> None:
        """Drop the call's index and lookup once none of its pops is open."""
        if self._by_call.get(call_id):
            return
        self._by_call.pop(call_id, None)
        task = self._lookups.pop(call_id, None)
        if task is not None:
            task.cancel()


def _pop_id(ring: Ring) -> str:
    return f"{ring.call_id}:{ring.agent_leg_id}"


__all__ = ["CardLoader", "Pop", "PopBoard", "PopListener"]
