"""Turning a call's working state into the records others read: the immutable FinishedCall
the registry stores (R4) and the LiveCall picture the dashboards show.

R1 is applied here, once, when the call ends: the caller's wait and rings, each agent's
rings, and whether a ring that stopped unanswered was that agent's miss, all against the
rule of the call's first queue (`finished_call` says why). Outbound calls
(click-to-dial) never queued, so they have none of those: their record says who placed
the call, to which customer, and whether and how long the customer talked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from callcenter.calls import sla
from callcenter.calls.call_records import (
    AgentLeg,
    Direction,
    ExitReason,
    FinishedCall,
    LegEnd,
    LiveCall,
    Phase,
    QueueVisit,
    VisitResult,
)
from callcenter.calls.state import CallState, LegState, VisitState

_EXIT_FOR = {
    VisitResult.ANSWERED: ExitReason.ANSWERED,
    VisitResult.TIMEOUT: ExitReason.QUEUE_TIMEOUT,
    VisitResult.EMPTY: ExitReason.QUEUE_EMPTY,
    VisitResult.FULL: ExitReason.QUEUE_FULL,
    VisitResult.FORWARDED: ExitReason.FORWARDED,
    VisitResult.INTERRUPTED: ExitReason.INTERRUPTED,
}
# The customer's side of an outbound call, from the agent leg's DIALSTATUS.
_OUTBOUND_EXIT = {
    "ANSWER": ExitReason.ANSWERED,
    "NOANSWER": ExitReason.NO_ANSWER,
    "BUSY": ExitReason.BUSY,
    "CANCEL": ExitReason.CANCELLED,
}


def utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def seconds(start: float, end: float) -> float:
    """A duration from PBX timestamps, at the millisecond precision R1 counts rings at."""
    return sla.to_ms(end - start) / 1000


def exit_reason(call: CallState) -> ExitReason:
    if call.direction is Direction.OUTBOUND:
        if call.dial_status is None:  # never dialled out: Dial failed, or the PBX did
            return ExitReason.INTERRUPTED if call.interrupted else ExitReason.UNREACHABLE
        return _OUTBOUND_EXIT.get(call.dial_status, ExitReason.UNREACHABLE)
    if call.answered_leg is not None:
        return ExitReason.ANSWERED
    if not call.visits:
        return ExitReason.INTERRUPTED if call.interrupted else ExitReason.MENU_HANGUP
    last = call.visits[-1]
    if last.result is VisitResult.CALLER_HANGUP:
        return ExitReason.RINGING_HANGUP if last.ringing_at_abandon else ExitReason.QUEUE_HANGUP
    return _EXIT_FOR.get(last.result or VisitResult.FORWARDED, ExitReason.FORWARDED)


def finished_call(
    call: CallState, rule_for: sla.RuleFor, resolve_agent: Callable[[str], str | None]
) -> FinishedCall:
    """The one record of a call that has ended (`call.close` has run). An outbound call
    never queued: its R1 clocks, visits and legs stay empty.

    The call is measured against the R1 rule of its first queue, which `rule_for` gives as
    it stands now. R1 starts the caller's clock at the first queue and keeps it running
    through the queues after it, so the rings counted are the ones the first queue promised
    to answer within; that is also the queue the registry files the call under, so a
    queue's figures are all judged by that queue's rule. The agents' legs, in whichever
    queue they rang, take the same rule: a ring-all colleague is excused by an answer
    within the rule the call is judged by. The record keeps that rule (`FinishedCall.rule`),
    so that whatever is decided about the call later goes by it too.
    """
    ended = call.ended_at if call.ended_at is not None else call.last_ts
    queue = call.visits[0].queue if call.visits else (call.hotline_queue or None)
    rule = rule_for(queue)
    interface = _answering_interface(call)
    wait_s: float | None = None
    caller_rings: int | None = None
    within: bool | None = None
    if call.queued_at is not None:
        stop = call.answered_at
        if stop is None:
            left = call.visits[-1].left_at if call.visits else None
            stop = left if left is not None else ended
        wait_s = seconds(call.queued_at, stop)
        caller_rings = rule.rings(wait_s)
        if "wait_s" in call.precision:
            within = None  # adopted mid-wait: whole seconds cannot tell 15.0 s from 15.1 s
        elif call.answered_at is not None:
            within = rule.within(wait_s)
        elif not call.interrupted:
            within = False
    menu_end = call.queued_at if call.queued_at is not None else ended
    reason = exit_reason(call)
    last_visit = call.visits[-1] if call.visits else None
    return FinishedCall(
        call_id=call.call_id,
        caller_num_raw=call.caller_num,
        caller_num_e164=call.caller_e164,
        caller_name=call.caller_name,
        queue=queue,
        entered_at=utc(call.entered_at),
        queued_at=utc(call.queued_at) if call.queued_at is not None else None,
        answered_at=utc(call.answered_at) if call.answered_at is not None else None,
        ended_at=utc(ended),
        menu_s=seconds(call.entered_at, menu_end) if call.via_hotline else None,
        wait_s=wait_s,
        caller_rings=caller_rings,
        within_rule=within,
        answered_by_agent=resolve_agent(interface) if interface else None,
        answered_interface=interface,
        talk_s=_talk_s(call, ended),
        exit_reason=reason,
        abandon_position=(
            last_visit.abandon_position
            if last_visit and reason is not ExitReason.ANSWERED
            else None
        ),
        interrupted=call.interrupted,
        visits=tuple(_visit(v, ended) for v in call.visits),
        legs=_legs(call, rule, resolve_agent, ended),
        direction=call.direction,
        customer_id=call.customer_id,
        rule=rule if call.direction is Direction.INBOUND else None,
        adopted=call.adopted,
        precision=tuple(sorted(call.precision.items())),
    )


def _answering_interface(call: CallState) -> str | None:
    """The agent's interface on the call: the one that answered the queue's ring, or the
    one that placed an outbound call."""
    if call.direction is Direction.OUTBOUND:
        return call.agent_interface
    return call.answered_leg.interface if call.answered_leg is not None else None


def _talk_s(call: CallState, ended: float) -> float | None:
    if call.direction is Direction.OUTBOUND:  # from the customer's answer to the end
        return seconds(call.answered_at, ended) if call.answered_at is not None else None
    if call.answered_leg is None or "talk_s" in call.precision:
        return None
    total = 0.0
    for leg in call.legs.values():
        if leg.answered and leg.answer_ts is not None and leg.talk_end is not None:
            total += seconds(leg.answer_ts, leg.talk_end)
    return round(total, 3)


def _visit(visit: VisitState, ended: float) -> QueueVisit:
    return QueueVisit(
        seq=visit.seq,
        queue=visit.queue,
        joined_at=utc(visit.joined_at),
        left_at=utc(visit.left_at if visit.left_at is not None else ended),
        position=visit.position,
        result=visit.result or VisitResult.FORWARDED,
    )


def _legs(
    call: CallState,
    rule: sla.RingRule,
    resolve_agent: Callable[[str], str | None],
    ended: float,
) -> tuple[AgentLeg, ...]:
    # R1 ring-all: a colleague's answer excuses the others only if it came within the rule,
    # counted on the colleague's own phone.
    answerer_rings: dict[int, int] = {}
    for leg in call.legs.values():
        if leg.answered and leg.answer_ts is not None:
            ring_s = seconds(leg.rang_at, leg.answer_ts)
            answerer_rings.setdefault(leg.visit.seq, rule.rings(ring_s))
    return tuple(
        _leg(leg, rule, resolve_agent, ended, answerer_rings.get(leg.visit.seq))
        for leg in call.legs.values()
        if not leg.adopted  # its ring is unknown: the call's precision says `legs`
    )


def _leg(
    leg: LegState,
    rule: sla.RingRule,
    resolve_agent: Callable[[str], str | None],
    ended: float,
    colleague_rings: int | None,
) -> AgentLeg:
    stop = leg.answer_ts if leg.answered and leg.answer_ts is not None else leg.ended_at
    stop = stop if stop is not None else ended
    ring_s = seconds(leg.rang_at, stop)
    end = leg.end if leg.end is not None else LegEnd.CANCELLED
    return AgentLeg(
        seq=leg.seq,
        visit_seq=leg.visit.seq,
        queue=leg.visit.queue,
        leg_id=leg.leg_id,
        interface=leg.interface,
        member_name=leg.member_name,
        agent_id=resolve_agent(leg.interface),
        rang_at=utc(leg.rang_at),
        ended_at=utc(stop),
        ring_s=ring_s,
        rings=rule.rings(ring_s),
        answered=leg.answered,
        missed=not leg.answered and sla.agent_missed(end, colleague_rings, rule.max_rings),
        ended_by=end,
    )


def live_call(call: CallState, *, ended: bool = False) -> LiveCall:
    """What a wallboard or screen-pop needs to know about the call right now."""
    visit = call.visits[-1] if call.visits else None
    ringing = tuple(leg.interface for leg in (visit.legs if visit else ()) if leg.ended_at is None)
    answered = call.answered_leg
    if ended:
        phase = Phase.ENDED
    elif call.direction is Direction.OUTBOUND:
        phase = _outbound_phase(call)
    elif answered is not None and answered.talk_end is None:
        phase = Phase.TALKING
    elif visit is None:
        phase = Phase.MENU if answered is None else Phase.AFTER_QUEUE  # adopted, talk over
    elif visit.result is None and visit.abandoned_at is None:
        phase = Phase.RINGING if ringing else Phase.WAITING
    else:
        phase = Phase.AFTER_QUEUE
    return LiveCall(
        call_id=call.call_id,
        caller_num=call.caller_num,
        caller_num_e164=call.caller_e164,
        caller_name=call.caller_name,
        phase=phase,
        entered_ts=call.entered_at,
        queue=visit.queue if visit else (call.hotline_queue or None),
        queued_ts=call.queued_at,
        position=visit.position if visit else None,
        ringing=ringing,
        answered_ts=call.answered_at,
        answered_interface=(
            _answering_interface(call)
            if call.answered_at is not None or answered is not None  # adopted: time unknown
            else None
        ),
        in_doubt=call.doubt_ts is not None,
        direction=call.direction,
    )


def _outbound_phase(call: CallState) -> Phase:
    if call.answered_at is not None:
        return Phase.TALKING
    if call.dial_status is None:
        return Phase.DIALING
    return Phase.AFTER_QUEUE  # the customer did not answer; the agent is still on
