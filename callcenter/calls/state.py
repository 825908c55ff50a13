"""The mutable state of one call in progress and how each PBX event moves it on.

Kept apart from the tracker so that the rules of a single call (R1 clocks, ring-all, why a
ring ended) read in one place, and the tracker only routes events and owns lifetimes.
Every transition is idempotent: an event seen twice around a resync changes nothing the
second time. Times are PBX epoch seconds (floats keep the hot path cheap).
"""

from __future__ import annotations

from callcenter.calls.call_records import Direction, LegEnd, TimePrecision, VisitResult

# QUEUESTATUS values after Queue() returns (R4 exit reasons). FULL and JOIN* mean the caller
# was refused at the door: the call still counts as offered, the queue failed it.
_STATUS_RESULT = {
    "TIMEOUT": VisitResult.TIMEOUT,
    "FULL": VisitResult.FULL,
    "JOINEMPTY": VisitResult.EMPTY,
    "LEAVEEMPTY": VisitResult.EMPTY,
    "JOINUNAVAIL": VisitResult.EMPTY,
    "LEAVEUNAVAIL": VisitResult.EMPTY,
    "CONTINUE": VisitResult.FORWARDED,
    "WITHDRAW": VisitResult.FORWARDED,
}
_REFUSED_AT_JOIN = frozenset({"FULL", "JOINEMPTY", "JOINUNAVAIL"})

# How a ring that the queue cancelled is classified once the visit's fate is known.
_CANCELLED_BY = {
    VisitResult.ANSWERED: LegEnd.COLLEAGUE_ANSWERED,
    VisitResult.CALLER_HANGUP: LegEnd.CALLER_LEFT,
    VisitResult.INTERRUPTED: LegEnd.INTERRUPTED,
}
_DIAL_END = {"NOANSWER": LegEnd.RANG_OUT, "BUSY": LegEnd.REJECTED}

# QueueCallerAbandon also means timeout / empty queue / withdrawal; the QueueExited user event
# tells which. Without one, a caller hang-up follows the abandon within milliseconds, while a
# call the dialplan took on elsewhere lives on for longer.
HANGUP_AFTER_ABANDON_S = 1.0


class LegState:
    """One agent phone ringing for the call. `ended_at` set with `end` None = cancelled by
    the queue, cause decided when the visit's fate is known. An `adopted` leg was already
    talking when the call was adopted: its ring and answer times are unknown."""

    __slots__ = (
        "adopted",
        "answer_ts",
        "answered",
        "end",
        "ended_at",
        "interface",
        "leg_id",
        "member_name",
        "rang_at",
        "seq",
        "talk_end",
        "visit",
    )

    def __init__(
        self, seq: int, visit: VisitState, leg_id: str, interface: str, member: str, ts: float
    ) -> None:
        self.seq = seq
        self.visit = visit
        self.leg_id = leg_id
        self.interface = interface
        self.member_name = member
        self.rang_at = ts
        self.ended_at: float | None = None
        self.end: LegEnd | None = None
        self.answer_ts: float | None = None
        self.answered = False
        self.talk_end: float | None = None
        self.adopted = False


class VisitState:
    """One stay in one queue."""

    __slots__ = (
        "abandon_position",
        "abandoned_at",
        "joined_at",
        "left_at",
        "legs",
        "position",
        "queue",
        "result",
        "ringing_at_abandon",
        "seq",
    )

    def __init__(self, seq: int, queue: str, ts: float, position: int) -> None:
        self.seq = seq
        self.queue = queue
        self.joined_at = ts
        self.position = position
        self.left_at: float | None = None
        self.result: VisitResult | None = None
        self.abandoned_at: float | None = None
        self.abandon_position: int | None = None
        self.ringing_at_abandon = False
        self.legs: list[LegState] = []

    def waiting(self) -> bool:
        """The caller is still in this queue (nothing says they left)."""
        return self.result is None and self.left_at is None and self.abandoned_at is None

    def ringing(self) -> bool:
        """An agent phone rings (or was just cancelled by the caller leaving)."""
        return any(leg.end is None and not leg.answered for leg in self.legs)

    def resolve(self, result: VisitResult, ts: float) -> None:
        """Settle the visit and, with it, why each still-unexplained ring ended."""
        self.result = result
        if self.left_at is None:
            self.left_at = ts
        cause = _CANCELLED_BY.get(result, LegEnd.CANCELLED)
        for leg in self.legs:
            if leg.ended_at is None:
                leg.ended_at = ts
            if leg.end is None and not leg.answered:
                leg.end = cause


class CallState:
    """One call from the hotline's door to the caller's hang-up (R4), or an outbound call
    from the agent's answer of their click-to-dial to their hang-up (`leg_id` is then the
    agent's leg, `caller_*` the customer's number).

    An `adopted` call was taken over from the PBX's lists after it had started; `precision`
    names its figures that are whole-second or unknown (see `call_records.FinishedCall`)."""

    __slots__ = (
        "adopted",
        "agent_interface",
        "answered_at",
        "answered_leg",
        "call_id",
        "caller_e164",
        "caller_name",
        "caller_num",
        "customer_id",
        "dial_status",
        "direction",
        "doubt_ts",
        "ended_at",
        "entered_at",
        "hotline_queue",
        "interrupted",
        "last_ts",
        "leg_id",
        "legs",
        "precision",
        "queued_at",
        "via_hotline",
        "visits",
    )

    def __init__(
        self,
        call_id: str,
        leg_id: str,
        ts: float,
        *,
        via_hotline: bool,
        hotline_queue: str,
        direction: Direction = Direction.INBOUND,
    ) -> None:
        self.direction = direction
        self.call_id = call_id
        self.leg_id = leg_id
        self.entered_at = ts
        self.last_ts = ts
        self.via_hotline = via_hotline
        self.hotline_queue = hotline_queue
        self.caller_num = ""
        self.caller_e164: str | None = None
        self.caller_name = ""
        self.queued_at: float | None = None
        self.answered_at: float | None = None
        self.answered_leg: LegState | None = None
        self.ended_at: float | None = None
        self.interrupted = False
        self.doubt_ts: float | None = None
        self.visits: list[VisitState] = []
        self.legs: dict[str, LegState] = {}
        # Outbound calls: the agent's interface, the customer's record, how the dial ended.
        self.agent_interface: str | None = None
        self.customer_id: int | None = None
        self.dial_status: str | None = None
        self.adopted = False
        self.precision: dict[str, TimePrecision] = {}

    def customer_dial_ended(self, ts: float, status: str) -> None:
        """Outbound: the agent's leg stopped dialling the customer (ANSWER, BUSY, CANCEL...)."""
        if self.dial_status is not None:
            return
        self.dial_status = status
        if status == "ANSWER":
            self.answered_at = ts

    def visit_for(self, queue: str) -> VisitState | None:
        for visit in reversed(self.visits):
            if visit.queue == queue:
                return visit
        return None

    def join(self, ts: float, queue: str, position: int) -> None:
        for visit in self.visits:
            if visit.queue == queue and (visit.joined_at == ts or visit.waiting()):
                return  # the same join seen again
        if self.visits:
            self._settle_previous(self.visits[-1], ts)
        self.visits.append(VisitState(len(self.visits) + 1, queue, ts, position))
        if self.queued_at is None:
            self.queued_at = ts  # R1: the caller's clock starts at the FIRST queue

    def _settle_previous(self, visit: VisitState, ts: float) -> None:
        """The caller is in another queue now, so the last one let them go unanswered."""
        if visit.result is None:
            visit.resolve(VisitResult.FORWARDED, ts)

    def leave(self, ts: float, queue: str) -> None:
        visit = self.visit_for(queue)
        if visit is not None and visit.left_at is None:
            visit.left_at = ts

    def abandon(self, ts: float, queue: str, position: int) -> None:
        visit = self.visit_for(queue)
        if visit is None or visit.result is not None or visit.abandoned_at is not None:
            return
        visit.abandoned_at = ts
        visit.abandon_position = position
        visit.ringing_at_abandon = visit.ringing()
        if visit.left_at is None:
            visit.left_at = ts
        for leg in visit.legs:
            if leg.ended_at is None:
                leg.ended_at = ts

    def queue_exited(self, ts: float, queue: str, status: str) -> None:
        result = _STATUS_RESULT.get(status)
        if result is None:
            return  # no status (e.g. sent from the hang-up handler): the hang-up will tell
        visit = self.visit_for(queue)
        if status in _REFUSED_AT_JOIN and (visit is None or visit.result is not None):
            if visit is not None and visit.joined_at == ts:
                return  # the same refusal seen again
            self.join(ts, queue, 0)
            visit = self.visits[-1]
        if visit is not None and visit.result is None:
            visit.resolve(result, ts)

    def agent_rung(self, ts: float, leg_id: str, queue: str, interface: str, member: str) -> None:
        if leg_id in self.legs:
            return
        visit = self.visit_for(queue)
        if visit is None or visit.result is not None or visit.abandoned_at is not None:
            return
        leg = LegState(len(self.legs) + 1, visit, leg_id, interface, member, ts)
        self.legs[leg_id] = leg
        visit.legs.append(leg)

    def ring_no_answer(self, ts: float, leg_id: str) -> None:
        leg = self.legs.get(leg_id)
        if leg is None or leg.answered or leg.end not in (None, LegEnd.RANG_OUT):
            return
        if leg.ended_at is None:
            leg.ended_at = ts
        leg.end = LegEnd.RANG_OUT

    def dial_ended(self, ts: float, leg_id: str, status: str) -> None:
        leg = self.legs.get(leg_id)
        if leg is None or leg.ended_at is not None:
            return
        if status == "ANSWER":
            if leg.answer_ts is None:
                leg.answer_ts = ts  # the pick-up itself; AgentConnect follows a little later
            return
        leg.ended_at = ts
        # A queue CANCEL is explained later, by how the visit ends (colleague or caller).
        leg.end = None if status == "CANCEL" else _DIAL_END.get(status, LegEnd.CANCELLED)

    def agent_answered(
        self, ts: float, leg_id: str, queue: str, interface: str, member: str, ring_s: float
    ) -> None:
        leg = self.legs.get(leg_id)
        if leg is None:  # the ring itself was not seen (filtered, or before a resync)
            self.agent_rung(ts - ring_s, leg_id, queue, interface, member)
            leg = self.legs.get(leg_id)
        if leg is None or leg.answered:
            return
        answer_ts = leg.answer_ts if leg.answer_ts is not None else ts
        leg.answered = True
        leg.answer_ts = answer_ts
        leg.ended_at = answer_ts
        leg.end = LegEnd.ANSWERED
        if leg.visit.result is None:
            leg.visit.resolve(VisitResult.ANSWERED, answer_ts)
        if self.answered_leg is None:
            self.answered_leg = leg
            self.answered_at = answer_ts

    def talk_ended(self, ts: float, leg_id: str) -> None:
        leg = self.legs.get(leg_id)
        if leg is not None and leg.answered and leg.talk_end is None:
            leg.talk_end = ts

    def agent_dumped(self, ts: float, leg_id: str) -> None:
        leg = self.legs.get(leg_id)
        if leg is None or leg.answered:
            return
        leg.answer_ts = None
        leg.end = LegEnd.DUMPED
        if leg.ended_at is None:
            leg.ended_at = ts

    def close(self, ts: float, *, interrupted: bool) -> None:
        """The caller's leg is gone (or the PBX failed): settle everything still open."""
        self.ended_at = ts
        self.interrupted = interrupted
        for visit in self.visits:
            if visit.result is not None:
                continue
            if interrupted:
                visit.resolve(VisitResult.INTERRUPTED, ts)
            elif visit.abandoned_at is not None:
                gone_at_once = ts - visit.abandoned_at <= HANGUP_AFTER_ABANDON_S
                visit.resolve(
                    VisitResult.CALLER_HANGUP if gone_at_once else VisitResult.FORWARDED, ts
                )
            elif visit.left_at is None:
                visit.ringing_at_abandon = visit.ringing()
                visit.resolve(VisitResult.CALLER_HANGUP, ts)
            else:
                visit.resolve(VisitResult.FORWARDED, ts)
        for leg in self.legs.values():
            if leg.answered and leg.talk_end is None:
                leg.talk_end = ts

    def release(self) -> None:
        """Forget the call's internals once its record is made.

        Visits and legs point at each other, so a finished call is a reference cycle that only
        the cyclic garbage collector frees; on a busy PBX those pile up by the thousand and
        lengthen the collector's pauses, which stall the event loop. Breaking the cycle lets
        reference counting free the call at once.
        """
        for visit in self.visits:
            visit.legs = []
        self.legs = {}
        self.answered_leg = None
