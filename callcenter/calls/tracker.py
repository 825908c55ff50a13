"""The call tracker: typed PBX events in, one live call per Linkedid, one record out per call.

A call starts at one of two doors the dialplan marks: the hotline (HotlineEntered, or a
queue join when that was missed) for inbound calls, and an agent's click-to-dial
(DeskDialed, once the agent's phone answered) for outbound ones.

It is the one owner of live call and agent state: every other part of the service (the
screen-pop board, agent presence, the dialer, the registry writer, the hub publisher) reads
the typed change records it hands to its listeners (`changes`), or its `live_calls()` and
`agents`, and keeps no ring or call state of its own. Each event step's records are handed
out once the step is applied, listener by listener in the order they subscribed, so every
view sees the owner's state whole. It is also the producer of the call registry (R4): when a
call ends, its `CallEnded` record carries exactly one immutable FinishedCall, with the R1
clocks measured from PBX timestamps against the rule of the call's first queue, asked of
`rule_for` as the call ends and stored with the call.

It runs inside the AMI event pump, so `on_event` is synchronous, does no I/O and costs a few
dictionary look-ups per event. Link trouble is handled the way the PBX tells it: a lost link
puts calls "in doubt", and the snapshot taken after reconnecting decides which of them are
still there; the others were cut off and are recorded as interrupted (R1: listed, kept out of
the figures). The same snapshot, on start-up and after every reconnect, adopts the calls in
progress that the tracker does not know (`adoption`), so that a call that was up while the
service started, restarted or reconnected is registered once when it ends (R4).

The service stopping is none of the PBX's doing: calls in progress then are neither
finished nor written as interrupted. They stay up on the PBX, and the next start adopts them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from callcenter import phones
from callcenter.calls.adoption import adoptions
from callcenter.calls.agent_state import AgentBoard, Presence
from callcenter.calls.call_records import Direction, FinishedCall, LiveCall
from callcenter.calls.changes import (
    AgentChanged,
    CallAdopted,
    CallChanged,
    CallEnded,
    CallEntered,
    CallerGaveUp,
    Change,
    LegEnded,
    OriginateEnded,
    Resynced,
    Ring,
    RingEnd,
)
from callcenter.calls.from_state import finished_call, live_call
from callcenter.calls.rings import RingBook
from callcenter.calls.sla import RuleFor
from callcenter.calls.state import CallState
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentDumped,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    CallerJoinedQueue,
    CallerLeftQueue,
    CallEvent,
    DeskDialed,
    DialEnded,
    HotlineEntered,
    LegHungUp,
    MemberAdded,
    MemberEvent,
    MemberPaused,
    MemberRemoved,
    MemberStatusChanged,
    OriginateResult,
    PbxEvent,
    PbxShuttingDown,
    PbxSnapshot,
    QueueExited,
)

log = logging.getLogger(__name__)

# Long enough to outlast any resync replay, short enough that the memory stays small.
FINISHED_MEMORY_S = 3600.0
FINISHED_MEMORY_MAX = 200_000


class CallTracker:
    """Follows every hotline call; see the module docstring for the contract."""

    wants: frozenset[type[PbxEvent]] = frozenset(
        {
            HotlineEntered,
            DeskDialed,
            CallerJoinedQueue,
            CallerLeftQueue,
            CallerAbandoned,
            QueueExited,
            AgentRung,
            AgentRingNoAnswer,
            AgentAnswered,
            AgentCallCompleted,
            AgentDumped,
            DialEnded,
            LegHungUp,
            PbxShuttingDown,
            MemberAdded,
            MemberRemoved,
            MemberPaused,
            MemberStatusChanged,
            OriginateResult,
        }
    )
    Listener = Callable[[Change], None]

    def __init__(
        self,
        rule_for: RuleFor,
        resolve_agent: Callable[[str], str | None],
        sink: Callable[[FinishedCall], None] | None = None,
        *,
        region: str = "CN",
        area_code: str = "10",
        finished_memory_s: float = FINISHED_MEMORY_S,
    ) -> None:
        self._rule_for = rule_for
        self._resolve_agent = resolve_agent
        self._listeners: list[CallTracker.Listener] = []
        self._out: list[Change] = []
        self.agents = AgentBoard(self._agent_changed)
        self._rings = RingBook(self.agents, self._out.append)
        self._pbx_legs: set[str] | None = None  # live channels per the last resync
        if sink is not None:
            self.subscribe(lambda change: sink(change.record)
                           if isinstance(change, CallEnded) else None)
        self._region = region
        self._area_code = area_code
        self._memory_s = finished_memory_s
        self._live: dict[str, CallState] = {}
        self._finished: set[str] = set()
        self._finished_order: deque[tuple[float, str]] = deque()
        self._handlers: dict[type[Any], Callable[[Any], CallState | None]] = {
            HotlineEntered: self._hotline_entered,
            DeskDialed: self._desk_dialed,
            CallerJoinedQueue: self._caller_joined,
            CallerLeftQueue: self._caller_left,
            CallerAbandoned: self._caller_abandoned,
            QueueExited: self._queue_exited,
            AgentRung: self._agent_rung,
            AgentRingNoAnswer: self._ring_no_answer,
            AgentAnswered: self._agent_answered,
            AgentCallCompleted: self._talk_ended,
            AgentDumped: self._agent_dumped,
            DialEnded: self._dial_ended,
            LegHungUp: self._leg_hung_up,
            OriginateResult: self._originate_result,
        }

    def subscribe(self, listener: Listener) -> None:
        """Hear every change record from now on, after the listeners already there."""
        self._listeners.append(listener)

    # -- the consumer protocol ----------------------------------------------------------

    def on_event(self, event: PbxEvent) -> None:
        """Apply one event, in PBX order; unknown calls and repeated events change nothing."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            call = handler(event)
            if call is not None and call.ended_at is None:
                self._changed(call, event.ts)
        elif isinstance(event, MemberEvent):
            self.agents.member_event(event)
        elif isinstance(event, PbxShuttingDown):
            for call in list(self._live.values()):
                self._finish(call, event.ts, interrupted=True)
        self._flush()

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """After a (re)connect or reload: calls the PBX no longer has were cut off.

        A call lives as long as the caller's own leg (the one that entered the hotline), so
        that leg must be among the snapshot's channels; other legs of the same Linkedid (an
        agent still on the line) do not keep it alive. Every call known now predates the
        snapshot: the link delivers events that arrived during the resync after it. The
        snapshot's time is the service's clock, the events' the PBX's, hence the max().
        """
        alive = {channel.leg_id for channel in snapshot.channels}
        self._pbx_legs = set(alive)
        for call in list(self._live.values()):
            if call.leg_id in alive:
                if call.doubt_ts is not None:
                    call.doubt_ts = None
                    self._changed(call, snapshot.ts)
                continue
            cut_at = call.doubt_ts if call.doubt_ts is not None else snapshot.ts
            log.warning("call %s gone from the PBX after a resync: interrupted", call.call_id)
            self._finish(call, max(cut_at, call.last_ts), interrupted=True)
        live_ids = snapshot.live_call_ids()
        self._rings.calls_gone(snapshot.ts, live_ids)
        self.agents.resync(snapshot, live_ids)
        self._adopt(snapshot)
        self._out.append(Resynced(snapshot.ts))
        self._flush()

    def _adopt(self, snapshot: PbxSnapshot) -> None:
        """Take over the calls in progress that started while nobody was listening."""
        for adoption in adoptions(snapshot, self._knows):
            call = adoption.call
            self._set_caller(call, adoption.caller_num, adoption.caller_name)
            self._live[call.call_id] = call
            log.info("call %s in progress on the PBX adopted", call.call_id)
            self._out.append(CallAdopted(snapshot.ts, live_call(call)))

    def _knows(self, call_id: str) -> bool:
        return call_id in self._live or call_id in self._finished

    def on_link_lost(self, ts: float) -> None:
        """Events may be missing from here on: live calls are in doubt until the snapshot."""
        self._pbx_legs = None  # no view of the PBX's channels until the next resync
        for call in self._live.values():
            if call.doubt_ts is None:
                call.doubt_ts = ts
                self._changed(call, ts)
        self._flush()

    # -- reading --------------------------------------------------------------------------

    def live_calls(self) -> list[LiveCall]:
        return [live_call(call) for call in self._live.values()]

    def live_call(self, call_id: str) -> LiveCall | None:
        call = self._live.get(call_id)
        return live_call(call) if call is not None else None

    def presence(self, interface: str) -> Presence:
        return self.agents.presence(interface)

    def pbx_has(self, leg_id: str) -> bool:
        """Whether the PBX had `leg_id` at the last resync and has not hung it up since
        (False while no resync has been seen since the link was lost)."""
        return self._pbx_legs is not None and leg_id in self._pbx_legs

    @property
    def pbx_legs_known(self) -> bool:
        """A resync has told which channels the PBX has (and the link has not been lost)."""
        return self._pbx_legs is not None

    def __len__(self) -> int:
        return len(self._live)

    # -- handing out the records ------------------------------------------------------------

    def _flush(self) -> None:
        """Hand this step's records to each listener in turn (a failing one is logged and
        skipped: one broken view must not stop the registry or the others)."""
        if not self._out:
            return
        out = self._out[:]
        self._out.clear()
        for listener in self._listeners:
            for change in out:
                try:
                    listener(change)
                except Exception:
                    log.exception("listener %r failed on %s", listener, type(change).__name__)

    def _agent_changed(self, ts: float, presence: Presence) -> None:
        self._out.append(AgentChanged(ts, presence))

    # -- starting and ending calls ------------------------------------------------------

    def _start(self, event: CallEvent, caller_num: str, caller_name: str, queue: str, *,
               direction: Direction = Direction.INBOUND) -> CallState:
        via_hotline = isinstance(event, HotlineEntered)
        call = CallState(event.call_id, event.leg_id, event.ts, via_hotline=via_hotline,
                         hotline_queue=queue, direction=direction)
        self._set_caller(call, caller_num, caller_name)
        self._live[event.call_id] = call
        self._out.append(CallEntered(event.ts, live_call(call)))
        return call

    def _set_caller(self, call: CallState, number: str, name: str) -> None:
        if number and not call.caller_num:
            call.caller_num = number
            call.caller_e164 = phones.normalise(number, self._region, self._area_code)
        if name and not call.caller_name:
            call.caller_name = name

    def _finish(self, call: CallState, ts: float, *, interrupted: bool) -> None:
        del self._live[call.call_id]
        call.close(ts, interrupted=interrupted)
        self._remember(call.call_id, ts)
        record = finished_call(call, self._rule_for, self._resolve_agent)
        self._out.append(CallEnded(ts, live_call(call, ended=True), record))
        call.release()

    def _remember(self, call_id: str, ts: float) -> None:
        """Keep finished call ids for a while, so replayed events cannot start them again."""
        self._finished.add(call_id)
        self._finished_order.append((ts, call_id))
        horizon = ts - self._memory_s
        order = self._finished_order
        while order and (order[0][0] < horizon or len(order) > FINISHED_MEMORY_MAX):
            self._finished.discard(order.popleft()[1])

    def _changed(self, call: CallState, ts: float) -> None:
        self._out.append(CallChanged(ts, live_call(call)))

    def _ring(self, event: AgentRung | AgentAnswered, call: CallState | None,
              rang_ts: float) -> Ring:
        """The ring of `event`'s agent leg, with the caller as the call knows them (the
        number normalised once, on the call) or, for a call not followed, as the event says."""
        if call is not None and call.caller_num:
            number, e164, name = call.caller_num, call.caller_e164, call.caller_name
        else:
            number = getattr(event, "caller_num", "")
            e164 = phones.normalise(number, self._region, self._area_code) if number else None
            name = getattr(event, "caller_name", "")
        return Ring(event.call_id, event.leg_id, event.agent_leg_id, event.interface,
                    event.member_name, self._resolve_agent(event.interface), event.queue,
                    number, e164, name, rang_ts)

    def _live_call(self, event: CallEvent) -> CallState | None:
        call = self._live.get(event.call_id)
        if call is not None:
            if event.ts > call.last_ts:
                call.last_ts = event.ts
            if call.doubt_ts is not None and event.ts > call.doubt_ts:
                call.doubt_ts = None  # the PBX speaks of it after the loss: it is still there
        return call

    # -- event handlers: each returns the call it touched ---------------------------------

    def _hotline_entered(self, event: HotlineEntered) -> CallState | None:
        if event.call_id in self._live or event.call_id in self._finished:
            return None
        return self._start(event, event.caller_num, event.caller_name, event.queue)

    def _desk_dialed(self, event: DeskDialed) -> CallState | None:
        if event.call_id in self._live or event.call_id in self._finished:
            return None
        call = self._start(event, event.number, "", "", direction=Direction.OUTBOUND)
        call.agent_interface = event.interface
        call.customer_id = event.customer_id
        return call

    def _caller_joined(self, event: CallerJoinedQueue) -> CallState | None:
        call = self._live_call(event)
        if call is None:
            if event.call_id in self._finished:
                return None
            call = self._start(event, event.caller_num, event.caller_name, event.queue)
        else:
            self._set_caller(call, event.caller_num, event.caller_name)
        call.join(event.ts, event.queue, event.position)
        return call

    def _caller_left(self, event: CallerLeftQueue) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.leave(event.ts, event.queue)
        return call

    def _caller_abandoned(self, event: CallerAbandoned) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.abandon(event.ts, event.queue, event.position)
        self._out.append(CallerGaveUp(event.ts, event.call_id))
        return call

    def _queue_exited(self, event: QueueExited) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.queue_exited(event.ts, event.queue, event.status.upper())
        return call

    def _agent_rung(self, event: AgentRung) -> CallState | None:
        if event.call_id in self._finished:
            return None
        call = self._live_call(event)
        if call is not None:
            if event.agent_leg_id in call.legs:
                return call  # the same ring seen again
            call.agent_rung(
                event.ts, event.agent_leg_id, event.queue, event.interface, event.member_name
            )
        self._rings.started(event.ts, self._ring(event, call, event.ts))
        return call

    def _ring_no_answer(self, event: AgentRingNoAnswer) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.ring_no_answer(event.ts, event.agent_leg_id)
        self._rings.ring_ended(event.ts, event.agent_leg_id, RingEnd.RANG_OUT)
        return call

    def _agent_answered(self, event: AgentAnswered) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.agent_answered(
                event.ts,
                event.agent_leg_id,
                event.queue,
                event.interface,
                event.member_name,
                event.ring_s,
            )
        self._rings.answered(event.ts, event.agent_leg_id,
                             lambda: self._ring(event, call, event.ts - event.ring_s))
        return call

    def _talk_ended(self, event: AgentCallCompleted) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.talk_ended(event.ts, event.agent_leg_id)
        self._rings.left(event.ts, event.agent_leg_id)
        return call

    def _agent_dumped(self, event: AgentDumped) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.agent_dumped(event.ts, event.agent_leg_id)
        self._rings.left(event.ts, event.agent_leg_id)
        return call

    def _dial_ended(self, event: DialEnded) -> CallState | None:
        call = self._live_call(event)
        status = event.status.upper()
        if status == "ANSWER":
            self._rings.picked_up(event.dest_leg_id)
        elif event.dest_leg_id in self._rings:
            self._rings.ring_ended(event.ts, event.dest_leg_id,
                                   self._rings.why_ended(event.dest_leg_id, status))
        if call is None:
            return None
        if call.direction is Direction.INBOUND:
            call.dial_ended(event.ts, event.dest_leg_id, status)
        elif event.leg_id == call.leg_id:  # the agent's leg dialling the customer
            call.customer_dial_ended(event.ts, status)
        return call

    def _leg_hung_up(self, event: LegHungUp) -> CallState | None:
        if self._pbx_legs is not None:
            self._pbx_legs.discard(event.leg_id)
        self._out.append(LegEnded(event.ts, event.call_id, event.leg_id, event.cause))
        self._rings.left(event.ts, event.leg_id)
        call = self._live.get(event.call_id)
        if call is None:
            return None
        if event.leg_id == call.leg_id:
            self._live_call(event)
            self._finish(call, event.ts, interrupted=False)
            return None
        if event.leg_id not in call.legs:
            return None  # some other channel of the call (a Local half, a transfer target)
        call.talk_ended(event.ts, event.leg_id)  # an agent's phone hung up after talking
        return call

    def _originate_result(self, event: OriginateResult) -> None:
        self._out.append(OriginateEnded(event.ts, event.leg_id, event.success, event.reason))


__all__ = ["FINISHED_MEMORY_S", "CallTracker"]
