"""Wrap-up as the service runs it: a queue pause with reason "wrap-up", ended early or on time.

Asterisk's own `wrapuptime` emits no event and cannot be ended early, so the bench and
production queues set it to 0 and the service does it: when an agent whose desk is open
answers, their interface is paused with reason "wrap-up" — during the call the pause
changes nothing (the phone is busy anyway) and it closes the gap in which the queue could
ring them again the moment the caller hangs up. When the call ends, the wrap-up's clock
starts with the queue's `wrapup_s`; the pause is lifted when the agent sends their wrap-up
or when the clock runs out, whichever is first; a wrap-up whose time runs out is stored as
"not classified", with the customer the pop had found (the desk's Ready does not end a
wrap-up: classifying does, or the clock). Agents without the desk open (the bench's
scripted agents, a phone-only agent) are left alone.

This object is the pops' listener: it hears answers, call ends and cards shown.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from callcenter.agents.cards import AuditTrail, QueueInfos
from callcenter.agents.desk import ActionRunner, Desk
from callcenter.agents.feeds import Client, Feeds
from callcenter.agents.pops import Pop
from callcenter.calls.agent_state import WRAP_UP_REASON, AgentBoard, AgentState

RECENT_CALLS = 20

Unclassified = Callable[[str, Pop], Awaitable[None]]
"""Stores a wrap-up whose time ran out: "not classified", with the customer the pop knew."""


@dataclass(slots=True)
class Wrapup:
    """One call waiting for its agent's wrap-up."""

    call_id: str
    pop: Pop
    ended_ts: float
    deadline_ts: float
    submitted: bool = False
    timer: asyncio.TimerHandle | None = None

    def frame(self) -> dict[str, Any]:
        return {"call_id": self.call_id, "ended_ts": self.ended_ts,
                "deadline_ts": self.deadline_ts, "pop": self.pop.frame()}


class WrapupDesk:
    """Pauses at answer, runs the wrap-up clock, resumes; remembers each agent's calls."""

    def __init__(self, feeds: Feeds, desk: Desk, runner: ActionRunner,
                 presence: AgentBoard, queues: QueueInfos, audit: AuditTrail,
                 unclassified: Unclassified | None = None) -> None:
        self._unclassified = unclassified
        self._feeds = feeds
        self._desk = desk
        self._runner = runner
        self._presence = presence
        self._queues = queues
        self._audit = audit
        self._managed: set[str] = set()
        self._pending: dict[str, dict[str, Wrapup]] = {}
        self._recent: dict[str, dict[str, Pop]] = {}

    def manage(self, agent_id: str) -> None:
        """The agent's desk is open: their answered calls get the service's wrap-up."""
        self._managed.add(agent_id)

    def pending(self, agent_id: str) -> list[Wrapup]:
        return list(self._pending.get(agent_id, {}).values())

    def handled_call(self, agent_id: str, call_id: str) -> Pop | None:
        """A call this agent answered lately (wrap-ups are only for one's own calls)."""
        return self._recent.get(agent_id, {}).get(call_id)

    # -- the pops' listener ------------------------------------------------------------------

    def shown(self, pop: Pop, clients: list[Client]) -> None:
        if not pop.audited:
            pop.audited = True
            self._audit.shown(clients[0].principal, pop.card, pop.call_id)

    def answered(self, pop: Pop) -> None:
        recent = self._recent.setdefault(pop.agent_id, {})
        recent[pop.call_id] = pop
        while len(recent) > RECENT_CALLS:
            del recent[next(iter(recent))]
        if pop.agent_id in self._managed:
            self._runner.run(f"wrap-up pause of {pop.interface}",
                             self._desk.pause(pop.interface, WRAP_UP_REASON))

    def completed(self, pop: Pop, ts: float) -> None:
        if pop.agent_id not in self._managed:
            return
        wrapup_s = self._queues.wrapup_s(pop.queue)
        item = Wrapup(pop.call_id, pop, ts, ts + wrapup_s)
        self._pending.setdefault(pop.agent_id, {})[pop.call_id] = item
        delay = max(0.0, item.deadline_ts - time.time())
        item.timer = asyncio.get_running_loop().call_later(
            delay, self.finish, pop.agent_id, pop.call_id, "timeout")
        self._feeds.publish(pop.agent_id, {"type": "wrapup", "wrapup": item.frame()})

    # -- ending ------------------------------------------------------------------------------

    def submitted(self, agent_id: str, call_id: str) -> None:
        """The wrap-up of this call is stored: end its pause now."""
        self.finish(agent_id, call_id, "done")

    def finish(self, agent_id: str, call_id: str, reason: str) -> None:
        item = self._pending.get(agent_id, {}).pop(call_id, None)
        if item is None:
            return
        if item.timer is not None:
            item.timer.cancel()
        self._feeds.publish(agent_id, {"type": "wrapup_end", "call_id": call_id,
                                       "reason": reason})
        if reason == "timeout" and self._unclassified is not None:
            self._runner.run(f"not-classified wrap-up of {call_id}",
                             self._unclassified(agent_id, item.pop))
        if self._pending.get(agent_id):
            return  # another call of theirs is still in wrap-up
        presence = self._presence.presence(item.pop.interface)
        if presence.state is AgentState.WRAP_UP:
            self._runner.run(f"wrap-up end of {item.pop.interface}",
                             self._desk.resume(item.pop.interface))

    def close(self) -> None:
        for items in self._pending.values():
            for item in items.values():
                if item.timer is not None:
                    item.timer.cancel()


__all__ = ["Unclassified", "Wrapup", "WrapupDesk"]
