"""Screen-pops (R5): the caller's record on the rung agent's screen before they answer.

An AMI consumer. `AgentRung` for an interface that belongs to an agent opens a pop keyed by
call id + agent leg id — the one ring — and starts the caller lookup; the pop frame goes to
that agent's pages as soon as the lookup is back (one lookup per call, shared by every agent
a ring-all queue rings). The pop is withdrawn when the ring ends without this agent
answering: the caller hung up, another agent answered, it rang out, or the call was gone at a
resync. An answered pop ends (and its wrap-up starts) when the agent's phone leaves the call:
the PBX's AgentComplete, or the agent's leg hanging up, whichever comes first — after an R6
transfer Asterisk sends the first agent's AgentComplete only when the caller hangs up, long
after the call has left them, and without the agent's leg. It is never shown twice for one
ring: a ring already seen is ignored however often its event comes (AMI resync), and a page
that reconnects gets the pop back inside its snapshot, under the same pop id, instead of as
a new pop.

Everything here runs synchronously on the event path except the lookups, which are tasks
owned by the board; a lookup that fails still shows the number and the greeting (R3).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from callcenter.agents.feeds import Client, Feeds
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentDumped,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    CallerJoinedQueue,
    DialEnded,
    HotlineEntered,
    LegHungUp,
    PbxEvent,
    PbxSnapshot,
)

log = logging.getLogger(__name__)

SEEN_MEMORY_S = 3600.0
SEEN_MEMORY_MAX = 100_000
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


@dataclass(slots=True)
class _Call:
    pops: set[str] = field(default_factory=set)
    answered: bool = False


class PopBoard:
    """Open pops per agent; see the module docstring."""

    wants: frozenset[type[PbxEvent]] = frozenset({
        HotlineEntered, CallerJoinedQueue, AgentRung, AgentAnswered, AgentRingNoAnswer,
        AgentCallCompleted, AgentDumped, DialEnded, CallerAbandoned, LegHungUp,
    })

    def __init__(self, feeds: Feeds, resolve_agent: Callable[[str], str | None],
                 greeting: Callable[[str], str], load_card: CardLoader,
                 listener: PopListener | None = None) -> None:
        self._feeds = feeds
        self._resolve = resolve_agent
        self._greeting = greeting
        self._load = load_card
        self.listener = listener
        self._pops: dict[str, Pop] = {}
        self._by_leg: dict[str, str] = {}
        self._calls: dict[str, _Call] = {}
        self._seen: OrderedDict[str, float] = OrderedDict()
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

    # -- the consumer protocol -------------------------------------------------------------

    def on_event(self, event: PbxEvent) -> None:
        if isinstance(event, HotlineEntered | CallerJoinedQueue):
            self._prefetch(event.call_id, event.caller_num)
        elif isinstance(event, AgentRung):
            self._rung(event)
        elif isinstance(event, AgentAnswered):
            self._answered(event)
        elif isinstance(event, AgentRingNoAnswer):
            self._withdraw_leg(event.agent_leg_id, "rang_out")
        elif isinstance(event, AgentCallCompleted | AgentDumped):
            self._completed(event.agent_leg_id, event.ts)
        elif isinstance(event, DialEnded):
            if event.status == "ANSWER":  # comes before the other rings' CANCEL (ring-all)
                if event.call_id in self._calls:
                    self._calls[event.call_id].answered = True
            else:
                self._withdraw_leg(event.dest_leg_id, self._ring_end_reason(event))
        elif isinstance(event, CallerAbandoned):
            for pop_id in list(self._calls.get(event.call_id, _Call()).pops):
                self._withdraw(pop_id, "caller_left")
            self._forget_call(event.call_id)
        elif isinstance(event, LegHungUp):  # an agent's phone left the call (R6 transfer)
            self._completed(event.leg_id, event.ts)

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """Pops of calls the PBX no longer has end: withdrawn if ringing, ended if answered."""
        live = snapshot.live_call_ids()
        for pop in list(self._pops.values()):
            if pop.call_id in live:
                continue
            if pop.state == "answered":
                self._completed(pop.agent_leg_id, snapshot.ts)
            else:
                self._withdraw(pop.pop_id, "call_ended")
        for call_id in [c for c in self._calls if c not in live]:
            self._forget_call(call_id)

    def on_link_lost(self, ts: float) -> None:
        return None  # the snapshot after reconnecting decides what ended meanwhile

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

    def _rung(self, event: AgentRung) -> None:
        pop_id = f"{event.call_id}:{event.agent_leg_id}"
        self.arrival_lag_s.append(time.time() - event.ts)
        if pop_id in self._seen:
            return  # never twice for one ring
        agent_id = self._resolve(event.interface)
        if agent_id is None:
            return
        self._remember(pop_id)
        pop = Pop(pop_id, event.call_id, event.leg_id, event.agent_leg_id, agent_id,
                  event.interface, event.queue, event.caller_num, event.caller_name, event.ts,
                  self._greeting(event.queue), transfer=self._transfers.pop(event.call_id, None))
        self._pops[pop_id] = pop
        self._by_leg[event.agent_leg_id] = pop_id
        self._calls.setdefault(event.call_id, _Call()).pops.add(pop_id)
        card = self._cards.get(event.call_id)
        if card is not None:
            pop.card = card
            self._send(pop)
        elif event.call_id not in self._lookups:
            self._lookups[event.call_id] = asyncio.get_running_loop().create_task(
                self._lookup(event.call_id, event.caller_num), name=f"pop-lookup-{pop_id}")

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
        for pop_id in list(self._calls.get(call_id, _Call()).pops):
            pop = self._pops.get(pop_id)
            if pop is not None and not pop.sent and pop.state in ("ringing", "answered"):
                pop.card, pop.lookup_failed = card, card is None
                self._send(pop)

    def _send(self, pop: Pop) -> None:
        pop.sent = True
        reached = self._feeds.publish(pop.agent_id, {"type": "pop", "pop": pop.frame()})
        if reached and self.listener is not None:
            self.listener.shown(pop, reached)

    def _answered(self, event: AgentAnswered) -> None:
        call = self._calls.setdefault(event.call_id, _Call())
        call.answered = True
        mine = self._by_leg.get(event.agent_leg_id)
        for pop_id in list(call.pops):
            if pop_id != mine:
                self._withdraw(pop_id, "answered_elsewhere")
        pop = self._pops.get(mine) if mine else None
        if pop is None:
            return
        pop.state = "answered"
        if pop.sent:
            self._feeds.publish(pop.agent_id, {"type": "pop_answered", "pop_id": pop.pop_id})
        if self.listener is not None:
            self.listener.answered(pop)

    def _completed(self, leg_id: str, ts: float) -> None:
        pop_id = self._by_leg.pop(leg_id, None)
        pop = self._pops.pop(pop_id, None) if pop_id else None
        if pop is None:
            return
        self._calls.get(pop.call_id, _Call()).pops.discard(pop.pop_id)
        self._forget_call(pop.call_id)
        if pop.state != "answered":
            self._withdraw_pop(pop, "call_ended")
            return
        pop.state = "ended"
        if self.listener is not None:
            self.listener.completed(pop, ts)

    def _ring_end_reason(self, event: DialEnded) -> str:
        if self._calls.get(event.call_id, _Call()).answered:
            return "answered_elsewhere"
        if event.status == "CANCEL":
            return "caller_left"
        return "rang_out" if event.status == "NOANSWER" else "rejected"

    def _withdraw_leg(self, leg_id: str, reason: str) -> None:
        pop_id = self._by_leg.get(leg_id)
        if pop_id is not None:
            pop = self._pops.get(pop_id)
            if pop is not None and pop.state == "ringing":
                self._withdraw(pop_id, reason)

    def _withdraw(self, pop_id: str, reason: str) -> None:
        pop = self._pops.get(pop_id)
        if pop is None or pop.state != "ringing":
            return
        del self._pops[pop_id]
        self._by_leg.pop(pop.agent_leg_id, None)
        self._calls.get(pop.call_id, _Call()).pops.discard(pop_id)
        self._withdraw_pop(pop, reason)

    def _withdraw_pop(self, pop: Pop, reason: str) -> None:
        pop.state = "withdrawn"
        if pop.sent:
            self._feeds.publish(pop.agent_id, {"type": "pop_withdrawn", "pop_id": pop.pop_id,
                                               "reason": reason})

    def _forget_call(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is not None and not call.pops:
            del self._calls[call_id]
            task = self._lookups.pop(call_id, None)
            if task is not None:
                task.cancel()

    def _remember(self, pop_id: str) -> None:
        now = time.monotonic()
        self._seen[pop_id] = now
        while self._seen and (len(self._seen) > SEEN_MEMORY_MAX
                              or next(iter(self._seen.values())) < now - SEEN_MEMORY_S):
            self._seen.popitem(last=False)


__all__ = ["CardLoader", "Pop", "PopBoard", "PopListener"]
