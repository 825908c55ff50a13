"""The call tracker: typed PBX events in, one live call per Linkedid, one record out per call.

A call starts at one of two doors the dialplan marks: the hotline (HotlineEntered, or a
queue join when that was missed) for inbound calls, and an agent's click-to-dial
(DeskDialed, once the agent's phone answered) for outbound ones.

It is the single source of truth for calls in progress (dashboards and screen-pops read
`live_calls()` or listen to `on_change`), and the producer of the call registry (R4): when a
call ends it hands exactly one immutable FinishedCall to `sink`, with the R1 clocks measured
from PBX timestamps against the rule of the call's first queue: `rule_for` is asked as the
call ends, so a queue's rule edited in the directory applies to every call that ends after it.

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
from callcenter.calls.model import Direction, FinishedCall, LiveCall
from callcenter.calls.records import finished_call, live_call
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
        }
    )

    def __init__(
        self,
        rule_for: RuleFor,
        resolve_agent: Callable[[str], str | None],
        sink: Callable[[FinishedCall], None],
        on_change: Callable[[LiveCall], None] | None = None,
        *,
        region: str = "CN",
        area_code: str = "10",
        finished_memory_s: float = FINISHED_MEMORY_S,
    ) -> None:
        self._rule_for = rule_for
        self._resolve_agent = resolve_agent
        self._sink = sink
        self._on_change = on_change
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
        }

    # -- the consumer protocol ----------------------------------------------------------

    def on_event(self, event: PbxEvent) -> None:
        """Apply one event, in PBX order; unknown calls and repeated events change nothing."""
        handler = self._handlers.get(type(event))
        if handler is not None:
            call = handler(event)
            if call is not None and self._on_change is not None and call.ended_at is None:
                self._on_change(live_call(call))
        elif isinstance(event, PbxShuttingDown):
            for call in list(self._live.values()):
                self._finish(call, event.ts, interrupted=True)

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """After a (re)connect or reload: calls the PBX no longer has were cut off.

        A call lives as long as the caller's own leg (the one that entered the hotline), so
        that leg must be among the snapshot's channels; other legs of the same Linkedid (an
        agent still on the line) do not keep it alive. Every call known now predates the
        snapshot: the link delivers events that arrived during the resync after it. The
        snapshot's time is the service's clock, the events' the PBX's, hence the max().
        """
        alive = {channel.leg_id for channel in snapshot.channels}
        for call in list(self._live.values()):
            if call.leg_id in alive:
                if call.doubt_ts is not None:
                    call.doubt_ts = None
                    self._changed(call)
                continue
            cut_at = call.doubt_ts if call.doubt_ts is not None else snapshot.ts
            log.warning("call %s gone from the PBX after a resync: interrupted", call.call_id)
            self._finish(call, max(cut_at, call.last_ts), interrupted=True)
        self._adopt(snapshot)

    def _adopt(self, snapshot: PbxSnapshot) -> None:
        """Take over the calls in progress that started while nobody was listening."""
        for adoption in adoptions(snapshot, self._knows):
            call = adoption.call
            self._set_caller(call, adoption.caller_num, adoption.caller_name)
            self._live[call.call_id] = call
            log.info("call %s in progress on the PBX adopted", call.call_id)
            self._changed(call)

    def _knows(self, call_id: str) -> bool:
        return call_id in self._live or call_id in self._finished

    def on_link_lost(self, ts: float) -> None:
        """Events may be missing from here on: live calls are in doubt until the snapshot."""
        for call in self._live.values():
            if call.doubt_ts is None:
                call.doubt_ts = ts
                self._changed(call)

    # -- reading --------------------------------------------------------------------------

    def live_calls(self) -> list[LiveCall]:
        return [live_call(call) for call in self._live.values()]

    def live_call(self, call_id: str) -> LiveCall | None:
        call = self._live.get(call_id)
        return live_call(call) if call is not None else None

    def __len__(self) -> int:
        return len(self._live)

    # -- starting and ending calls ------------------------------------------------------

    def _start(self, event: CallEvent, caller_num: str, caller_name: str, queue: str, *,
               direction: Direction = Direction.INBOUND) -> CallState:
        via_hotline = isinstance(event, HotlineEntered)
        call = CallState(event.call_id, event.leg_id, event.ts, via_hotline=via_hotline,
                         hotline_queue=queue, direction=direction)
        self._set_caller(call, caller_num, caller_name)
        self._live[event.call_id] = call
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
        self._sink(record)
        if self._on_change is not None:
            self._on_change(live_call(call, ended=True))
        call.release()

    def _remember(self, call_id: str, ts: float) -> None:
        """Keep finished call ids for a while, so replayed events cannot start them again."""
        self._finished.add(call_id)
        self._finished_order.append((ts, call_id))
        horizon = ts - self._memory_s
        order = self._finished_order
        while order and (order[0][0] < horizon or len(order) > FINISHED_MEMORY_MAX):
            self._finished.discard(order.popleft()[1])

    def _changed(self, call: CallState) -> None:
        if self._on_change is not None:
            self._on_change(live_call(call))

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
        return call

    def _queue_exited(self, event: QueueExited) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.queue_exited(event.ts, event.queue, event.status.upper())
        return call

    def _agent_rung(self, event: AgentRung) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.agent_rung(
                event.ts, event.agent_leg_id, event.queue, event.interface, event.member_name
            )
        return call

    def _ring_no_answer(self, event: AgentRingNoAnswer) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.ring_no_answer(event.ts, event.agent_leg_id)
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
        return call

    def _talk_ended(self, event: AgentCallCompleted) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.talk_ended(event.ts, event.agent_leg_id)
        return call

    def _agent_dumped(self, event: AgentDumped) -> CallState | None:
        call = self._live_call(event)
        if call is not None:
            call.agent_dumped(event.ts, event.agent_leg_id)
        return call

    def _dial_ended(self, event: DialEnded) -> CallState | None:
        call = self._live_call(event)
        if call is None:
            return None
        if call.direction is Direction.INBOUND:
            call.dial_ended(event.ts, event.dest_leg_id, event.status.upper())
        elif event.leg_id == call.leg_id:  # the agent's leg dialling the customer
            call.customer_dial_ended(event.ts, event.status.upper())
        return call

    def _leg_hung_up(self, event: LegHungUp) -> CallState | None:
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


__all__ = ["FINISHED_MEMORY_S", "CallTracker"]
