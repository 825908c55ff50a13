"""Live agent state, from the PBX's own events: the one source of truth pages show.

An agent's state is what the PBX says, not what their page last asked for: queue membership
and pauses come from QueueMember* events and the resync snapshot, ringing and talking from
the queue's call events. Interfaces are keyed as the PBX names them; the directory maps them
to agents when a view is built.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentDumped,
    AgentRingNoAnswer,
    AgentRung,
    DialEnded,
    LegHungUp,
    MemberAdded,
    MemberPaused,
    MemberRemoved,
    MemberStatusChanged,
    PbxEvent,
    PbxSnapshot,
)

WRAP_UP_REASON = "wrap-up"


class AgentState(StrEnum):
    LOGGED_OUT = "logged_out"
    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"
    PAUSED = "paused"


@dataclass(slots=True)
class _Membership:
    paused: bool = False
    reason: str = ""
    in_call: bool = False


@dataclass(slots=True)
class _Interface:
    queues: dict[str, _Membership] = field(default_factory=dict)
    ringing: dict[str, str] = field(default_factory=dict)  # agent leg id -> call id
    talking: dict[str, str] = field(default_factory=dict)  # agent leg id -> call id
    since: float = 0.0


@dataclass(frozen=True, slots=True)
class Presence:
    """One interface's state at a moment, ready to show."""

    interface: str
    state: AgentState
    since: float
    queues: tuple[str, ...]
    paused_reason: str
    call_ids: tuple[str, ...]


class PresenceTracker:
    """An AMI consumer that keeps every interface's state; `on_change` hears each change."""

    wants: frozenset[type[PbxEvent]] = frozenset({
        MemberStatusChanged, MemberAdded, MemberRemoved, MemberPaused, AgentRung,
        AgentRingNoAnswer, AgentAnswered, AgentCallCompleted, AgentDumped, DialEnded, LegHungUp,
    })

    def __init__(self, on_change: Callable[[Presence], None] | None = None) -> None:
        self._interfaces: dict[str, _Interface] = {}
        self._legs: dict[str, str] = {}  # agent leg id -> interface
        self._on_change = on_change

    def presence(self, interface: str) -> Presence:
        return _view(interface, self._interfaces.get(interface) or _Interface())

    def all(self) -> list[Presence]:
        return [_view(name, state) for name, state in sorted(self._interfaces.items())]

    def on_event(self, event: PbxEvent) -> None:
        before = self._state_of(event)
        self._apply(event)
        self._notify(event, before)

    def _apply(self, event: PbxEvent) -> None:
        if isinstance(event, MemberAdded):
            self._member(event.interface).queues[event.queue] = _Membership(
                event.paused, event.paused_reason)
        elif isinstance(event, MemberRemoved):
            self._member(event.interface).queues.pop(event.queue, None)
        elif isinstance(event, MemberPaused):
            membership = self._member(event.interface).queues.setdefault(
                event.queue, _Membership())
            membership.paused, membership.reason = event.paused, event.reason
        elif isinstance(event, MemberStatusChanged):
            membership = self._member(event.interface).queues.setdefault(
                event.queue, _Membership())
            membership.paused, membership.reason = event.paused, event.paused_reason
            membership.in_call = event.in_call
        elif isinstance(event, AgentRung):
            self._member(event.interface).ringing[event.agent_leg_id] = event.call_id
            self._legs[event.agent_leg_id] = event.interface
        elif isinstance(event, AgentAnswered):
            member = self._member(event.interface)
            member.ringing.pop(event.agent_leg_id, None)
            member.talking[event.agent_leg_id] = event.call_id
            self._legs[event.agent_leg_id] = event.interface
        elif isinstance(event, AgentRingNoAnswer | AgentCallCompleted | AgentDumped):
            self._end_leg(event.agent_leg_id, event.interface)
        elif isinstance(event, DialEnded) and event.status != "ANSWER":
            self._end_leg(event.dest_leg_id, None)
        elif isinstance(event, LegHungUp):
            self._end_leg(event.leg_id, None)

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """Rebuild membership and pauses from the PBX; drop rings and calls no longer live."""
        live = snapshot.live_call_ids()
        fresh: dict[str, _Interface] = {}
        for queue in snapshot.queues:
            for m in queue.members:
                old = self._interfaces.get(m.interface)
                member = fresh.setdefault(m.interface, _Interface(since=old.since if old else 0.0))
                member.queues[queue.name] = _Membership(m.paused, m.paused_reason, m.in_call)
                if old is not None:
                    member.ringing = {k: v for k, v in old.ringing.items() if v in live}
                    member.talking = {k: v for k, v in old.talking.items() if v in live}
        changed = {n for n in set(fresh) | set(self._interfaces)
                   if _state(fresh.get(n)) != _state(self._interfaces.get(n))}
        self._interfaces = fresh
        self._legs = {leg: name for name, m in fresh.items()
                      for leg in (*m.ringing, *m.talking)}
        for name in sorted(changed):
            if name in fresh:
                fresh[name].since = snapshot.ts
            self._publish(name)

    def on_link_lost(self, ts: float) -> None:
        return None

    def _member(self, interface: str) -> _Interface:
        member = self._interfaces.get(interface)
        if member is None:
            member = self._interfaces[interface] = _Interface()
        return member

    def _end_leg(self, leg_id: str, interface: str | None) -> None:
        name = self._legs.pop(leg_id, None) or interface
        member = self._interfaces.get(name) if name else None
        if member is not None:
            member.ringing.pop(leg_id, None)
            member.talking.pop(leg_id, None)

    def _state_of(self, event: PbxEvent) -> tuple[str, AgentState] | None:
        name = _interface_of(event, self._legs)
        return (name, _state(self._interfaces.get(name))) if name else None

    def _notify(self, event: PbxEvent, before: tuple[str, AgentState] | None) -> None:
        if before is None:
            name = _interface_of(event, self._legs)
            if name is None:
                return
            before = (name, AgentState.LOGGED_OUT)
        name, old = before
        member = self._interfaces.get(name)
        if _state(member) != old or isinstance(event, MemberPaused | MemberAdded):
            if member is not None:
                member.since = event.ts
            self._publish(name)

    def _publish(self, interface: str) -> None:
        if self._on_change is not None:
            self._on_change(self.presence(interface))


def _interface_of(event: PbxEvent, legs: dict[str, str]) -> str | None:
    interface = getattr(event, "interface", None)
    if isinstance(interface, str) and interface:
        return interface
    if isinstance(event, DialEnded):
        return legs.get(event.dest_leg_id)
    if isinstance(event, LegHungUp):
        return legs.get(event.leg_id)
    return None


def _state(member: _Interface | None) -> AgentState:
    if member is None or not member.queues:
        return AgentState.LOGGED_OUT
    if member.talking:
        return AgentState.ON_CALL
    if member.ringing:
        return AgentState.RINGING
    memberships = member.queues.values()
    if all(m.paused for m in memberships):
        reasons = {m.reason for m in memberships}
        return AgentState.WRAP_UP if reasons == {WRAP_UP_REASON} else AgentState.PAUSED
    if any(m.in_call for m in memberships):
        return AgentState.ON_CALL
    return AgentState.AVAILABLE


def _view(interface: str, member: _Interface) -> Presence:
    state = _state(member)
    reasons = sorted({m.reason for m in member.queues.values() if m.paused and m.reason})
    return Presence(
        interface=interface,
        state=state,
        since=member.since,
        queues=tuple(sorted(member.queues)),
        paused_reason=", ".join(reasons) if state in (AgentState.PAUSED,
                                                      AgentState.WRAP_UP) else "",
        call_ids=tuple(dict.fromkeys((*member.talking.values(), *member.ringing.values()))),
    )


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
