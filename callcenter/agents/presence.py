"""Agent presence as the desk uses it: a view of the live-state owner's agent board
(`callcenter.calls.agent_state`), written for the pages and used to route R6 transfers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from callcenter.calls.agent_state import AgentState, Presence


def presence_json(p: Presence) -> dict[str, Any]:
    return {"interface": p.interface, "state": p.state.value, "since": p.since,
            "queues": list(p.queues), "paused_reason": p.paused_reason,
            "call_ids": list(p.call_ids)}


def transfer_queue(target: Presence, everyone: Iterable[Presence]) -> tuple[str, int]:
    """The queue an R6 transfer to `target` goes through, and how many other agents are
    free in it.

    A transfer puts the caller back into a queue, and the queue rings whichever member is
    free: the colleague who speaks the caller's language is sure to be rung only in a queue
    where nobody else is free at that moment. Among the target's queues that is the first
    with no other free member, else the one with the fewest (the caller may then reach
    someone else, and the agent is told so).
    """
    if not target.queues:
        raise ValueError(f"{target.interface} is in no queue")
    free = [p for p in everyone
            if p.state is AgentState.AVAILABLE and p.interface != target.interface]
    others = {queue: sum(queue in p.queues for p in free) for queue in target.queues}
    queue = min(target.queues, key=lambda q: others[q])  # first of the fewest: stable
    return queue, others[queue]

__all__ = ["presence_json", "transfer_queue"]
