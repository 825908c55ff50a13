"""Live agent state, kept by the live-state owner (`tracker.CallTracker`).

An agent's state is what the PBX says, not what their page last asked for: queue membership
and pauses come from QueueMember* events and the resync snapshot; ringing and talking come
from the owner's own ring transitions (a ring started, answered, ended, the agent left), so
an agent rings here exactly when the call tracker says their phone rings. Interfaces are
keyed as the PBX names them; the directory maps them to agents when a view is built.

The wrap-up is a queue pause with reason "wrap-up" (the service's own wrap-up clock, see
`callcenter.agents.wrapup`), so an interface paused for it in every queue is in wrap-up.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import StrEnum

from callcenter.events import (
    MemberAdded,
    MemberEvent,
    MemberPaused,
    MemberRemoved,
    MemberStatusChanged,
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


class AgentBoard:
    """Every interface's state; `on_change` hears each change (with the PBX's time)."""

    def __init__(self, on_change: Callable[[float, Presence], None]) -> None:
        self._interfaces: dict[str, _Interface] = {}
        self._on_change = on_change

    # -- reading ---------------------------------------------------------------------------

    def presence(self, interface: str) -> Presence:
        return _view(interface, self._interfaces.get(interface) or _Interface())

    def all(self) -> list[Presence]:
        return [_view(name, state) for name, state in sorted(self._interfaces.items())]

    # -- membership, from the PBX's QueueMember* events ------------------------------------

    def member_event(self, event: MemberEvent) -> None:
        before = _state(self._interfaces.get(event.interface))
        member = self._member(event.interface)
        if isinstance(event, MemberAdded):
            member.queues[event.queue] = _Membership(event.paused, event.paused_reason)
        elif isinstance(event, MemberRemoved):
            member.queues.pop(event.queue, None)
        elif isinstance(event, MemberPaused):
            membership = member.queues.setdefault(event.queue, _Membership())
            membership.paused, membership.reason = event.paused, event.reason
        elif isinstance(event, MemberStatusChanged):
            membership = member.queues.setdefault(event.queue, _Membership())
            membership.paused, membership.reason = event.paused, event.paused_reason
            membership.in_call = event.in_call
        # A pause or a login is news even when the state stays (a new reason, a new queue).
        self._changed(event.interface, before, event.ts,
                      always=isinstance(event, MemberPaused | MemberAdded))

    # -- the phone, from the owner's ring transitions --------------------------------------

    def ringing(self, ts: float, interface: str, leg_id: str, call_id: str) -> None:
        before = _state(self._interfaces.get(interface))
        self._member(interface).ringing[leg_id] = call_id
        self._changed(interface, before, ts)

    def talking(self, ts: float, interface: str, leg_id: str, call_id: str) -> None:
        before = _state(self._interfaces.get(interface))
        member = self._member(interface)
        member.ringing.pop(leg_id, None)
        member.talking[leg_id] = call_id
        self._changed(interface, before, ts)

    def phone_free(self, ts: float, interface: str, leg_id: str) -> None:
        member = self._interfaces.get(interface)
        if member is None:
            return
        before = _state(member)
        member.ringing.pop(leg_id, None)
        member.talking.pop(leg_id, None)
        self._changed(interface, before, ts)

    def resync(self, snapshot: PbxSnapshot, live_call_ids: Collection[str]) -> None:
        """Rebuild membership and pauses from the PBX; keep rings and calls still live."""
        fresh: dict[str, _Interface] = {}
        for queue in snapshot.queues:
            for m in queue.members:
                old = self._interfaces.get(m.interface)
                member = fresh.setdefault(m.interface, _Interface(since=old.since if old else 0.0))
                member.queues[queue.name] = _Membership(m.paused, m.paused_reason, m.in_call)
                if old is not None:
                    member.ringing = {k: v for k, v in old.ringing.items() if v in live_call_ids}
                    member.talking = {k: v for k, v in old.talking.items() if v in live_call_ids}
        changed = {n for n in set(fresh) | set(self._interfaces)
                   if _state(fresh.get(n)) != _state(self._interfaces.get(n))}
        self._interfaces = fresh
        for name in sorted(changed):
            if name in fresh:
                fresh[name].since = snapshot.ts
            self._on_change(snapshot.ts, self.presence(name))

    def _member(self, interface: str) -> _Interface:
        member = self._interfaces.get(interface)
        if member is None:
            member = self._interfaces[interface] = _Interface()
        return member

    def _changed(self, interface: str, before: AgentState, ts: float, *,
                 always: bool = False) -> None:
        member = self._interfaces.get(interface)
        if _state(member) != before or always:
            if member is not None:
                member.since = ts
            self._on_change(ts, self.presence(interface))


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


__all__ = ["WRAP_UP_REASON", "AgentBoard", "AgentState", "Presence"]
