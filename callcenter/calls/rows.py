"""Mapping between FinishedCall records and registry rows, in both directions.

Plain dictionaries on the way in (Core bulk inserts are several times cheaper than ORM
objects at the write rates the tracker produces), records on the way out so that reports run
the same R1 functions on stored calls as on live ones.
"""

from __future__ import annotations

from typing import Any

from callcenter.calls.call_records import (
    AgentLeg,
    Direction,
    ExitReason,
    FinishedCall,
    LegEnd,
    QueueVisit,
    TimePrecision,
    VisitResult,
)
from callcenter.calls.models import CallAgentLegRow, CallQueueVisitRow, CallRow
from callcenter.calls.sla import RingRule


def call_values(call: FinishedCall) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "caller_num_raw": call.caller_num_raw,
        "caller_num_e164": call.caller_num_e164,
        "caller_name": call.caller_name,
        "queue": call.queue,
        "entered_at": call.entered_at,
        "queued_at": call.queued_at,
        "answered_at": call.answered_at,
        "ended_at": call.ended_at,
        "menu_s": call.menu_s,
        "wait_s": call.wait_s,
        "caller_rings": call.caller_rings,
        "within_rule": call.within_rule,
        "answered_by_agent": call.answered_by_agent,
        "answered_interface": call.answered_interface,
        "talk_s": call.talk_s,
        "exit_reason": call.exit_reason.value,
        "abandon_position": call.abandon_position,
        "interrupted": call.interrupted,
        "direction": call.direction.value,
        "customer_id": call.customer_id,
        "rule_max_rings": call.rule.max_rings if call.rule is not None else None,
        "rule_ring_cycle_s": call.rule.ring_cycle_s if call.rule is not None else None,
        "adopted": call.adopted,
        "precision": {name: p.value for name, p in call.precision} or None,
    }


def visit_values(call_id: str, visit: QueueVisit) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "seq": visit.seq,
        "queue": visit.queue,
        "joined_at": visit.joined_at,
        "left_at": visit.left_at,
        "position": visit.position,
        "result": visit.result.value,
    }


def leg_values(call_id: str, leg: AgentLeg) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "seq": leg.seq,
        "visit_seq": leg.visit_seq,
        "queue": leg.queue,
        "leg_id": leg.leg_id,
        "agent_id": leg.agent_id,
        "interface": leg.interface,
        "member_name": leg.member_name,
        "rang_at": leg.rang_at,
        "ended_at": leg.ended_at,
        "ring_s": leg.ring_s,
        "rings": leg.rings,
        "answered": leg.answered,
        "missed": leg.missed,
        "ended_by": leg.ended_by.value,
    }


def finished_call(
    row: CallRow,
    visits: list[CallQueueVisitRow] | None = None,
    legs: list[CallAgentLegRow] | None = None,
) -> FinishedCall:
    """A stored call as a record; children only when they were loaded."""
    return FinishedCall(
        call_id=row.call_id,
        caller_num_raw=row.caller_num_raw,
        caller_num_e164=row.caller_num_e164,
        caller_name=row.caller_name,
        queue=row.queue,
        entered_at=row.entered_at,
        queued_at=row.queued_at,
        answered_at=row.answered_at,
        ended_at=row.ended_at,
        menu_s=row.menu_s,
        wait_s=row.wait_s,
        caller_rings=row.caller_rings,
        within_rule=row.within_rule,
        answered_by_agent=row.answered_by_agent,
        answered_interface=row.answered_interface,
        talk_s=row.talk_s,
        exit_reason=ExitReason(row.exit_reason),
        abandon_position=row.abandon_position,
        interrupted=row.interrupted,
        visits=tuple(_visit(v) for v in visits or ()),
        legs=tuple(_leg(leg) for leg in legs or ()),
        direction=Direction(row.direction),
        customer_id=row.customer_id,
        rule=_rule(row),
        adopted=row.adopted,
        precision=tuple(sorted((name, TimePrecision(p)) for name, p in
                               (row.precision or {}).items())),
    )


def _rule(row: CallRow) -> RingRule | None:
    """The R1 rule stored with the call, the one every verdict on it goes by."""
    if row.rule_max_rings is None or row.rule_ring_cycle_s is None:
        return None
    return RingRule(row.rule_max_rings, row.rule_ring_cycle_s)


def _visit(row: CallQueueVisitRow) -> QueueVisit:
    return QueueVisit(
        seq=row.seq,
        queue=row.queue,
        joined_at=row.joined_at,
        left_at=row.left_at,
        position=row.position,
        result=VisitResult(row.result),
    )


def _leg(row: CallAgentLegRow) -> AgentLeg:
    return AgentLeg(
        seq=row.seq,
        visit_seq=row.visit_seq,
        queue=row.queue,
        leg_id=row.leg_id,
        interface=row.interface,
        member_name=row.member_name,
        agent_id=row.agent_id,
        rang_at=row.rang_at,
        ended_at=row.ended_at,
        ring_s=row.ring_s,
        rings=row.rings,
        answered=row.answered,
        missed=row.missed,
        ended_by=LegEnd(row.ended_by),
    )
