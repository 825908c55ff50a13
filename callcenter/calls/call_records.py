"""The call records the tracker hands out: immutable, so that a record already written or
published can never change under the registry, the dashboards or a report.

Times are aware UTC datetimes taken from the PBX's own event timestamps (R1); durations are
seconds rounded to the millisecond, the precision the ring count is computed at.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # sla judges these records, so it imports this module at run time
    from callcenter.calls.sla import RingRule


class Direction(StrEnum):
    """Who placed the call: a caller into the hotline, or an agent's click-to-dial."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class ExitReason(StrEnum):
    """How a call left the hotline's menu and queues (R4 "outcome" of the call itself), or,
    for an outbound call, how the customer's side of it ended."""

    ANSWERED = "answered"
    MENU_HANGUP = "menu_hangup"  # caller hung up before reaching any queue
    QUEUE_HANGUP = "queue_hangup"  # caller hung up while waiting, no agent ringing
    RINGING_HANGUP = "ringing_hangup"  # caller hung up while an agent's phone rang
    QUEUE_TIMEOUT = "queue_timeout"  # Queue() gave up (QUEUESTATUS=TIMEOUT)
    QUEUE_EMPTY = "queue_empty"  # JOINEMPTY, LEAVEEMPTY, JOINUNAVAIL, LEAVEUNAVAIL
    QUEUE_FULL = "queue_full"  # QUEUESTATUS=FULL
    FORWARDED = "forwarded"  # left unanswered and went on elsewhere (CONTINUE, WITHDRAW, ...)
    INTERRUPTED = "interrupted"  # cut off by a PBX failure before leaving the queues
    # Outbound calls only (ANSWERED and INTERRUPTED serve both directions):
    NO_ANSWER = "no_answer"  # the customer's phone rang out
    BUSY = "busy"  # the customer's line was busy
    UNREACHABLE = "unreachable"  # congestion, or the number could not be dialled
    CANCELLED = "cancelled"  # the agent hung up before the customer answered


ABANDONS = frozenset({ExitReason.QUEUE_HANGUP, ExitReason.RINGING_HANGUP})
"""Exit reasons where the caller gave up; the short ones are left out of the R1 variant."""


class VisitResult(StrEnum):
    """How one stay in one queue ended."""

    ANSWERED = "answered"
    CALLER_HANGUP = "caller_hangup"
    TIMEOUT = "timeout"
    EMPTY = "empty"
    FULL = "full"
    FORWARDED = "forwarded"
    INTERRUPTED = "interrupted"


class LegEnd(StrEnum):
    """Why an agent's phone stopped ringing; decides whether the agent missed the call (R1)."""

    ANSWERED = "answered"
    RANG_OUT = "rang_out"  # ring-no-answer: a miss
    REJECTED = "rejected"  # the phone refused the call (busy): a miss
    DUMPED = "dumped"  # picked up and hung up before being connected: a miss
    COLLEAGUE_ANSWERED = "colleague_answered"  # ring-all: another agent took the call
    CALLER_LEFT = "caller_left"  # the caller hung up or gave up while this phone rang
    CANCELLED = "cancelled"  # the queue stopped ringing it (timeout, withdrawal, failure)
    INTERRUPTED = "interrupted"  # still ringing when the PBX failed


class TimePrecision(StrEnum):
    """How well an adopted call's figure is known (see `FinishedCall.adopted`). A figure not
    listed is as exact as the PBX's event timestamps."""

    SECOND = "second"  # derived from the PBX's whole-second ages (Wait, Duration): ±1 s
    UNKNOWN = "unknown"  # it happened before adoption and the PBX does not say; stored empty


@dataclass(frozen=True, slots=True)
class QueueVisit:
    """One stay of the caller in one queue; a call may pass through several."""

    seq: int
    queue: str
    joined_at: datetime
    left_at: datetime
    position: int
    result: VisitResult


@dataclass(frozen=True, slots=True)
class AgentLeg:
    """One agent's phone ringing for the call: the agent's side of R1."""

    seq: int
    visit_seq: int
    queue: str
    leg_id: str
    interface: str
    member_name: str
    agent_id: str | None
    rang_at: datetime
    ended_at: datetime
    ring_s: float
    rings: int
    answered: bool
    missed: bool
    ended_by: LegEnd


@dataclass(frozen=True, slots=True)
class FinishedCall:
    """One inbound call, from the hotline's front door to the caller hanging up (R4).

    `wait_s` is the caller's side of R1: from the first queue join to the answer, or to
    leaving the last queue when nobody answered. `within_rule` is None when the call never
    reached a queue or was interrupted before an answer: there is nothing to judge.
    `interrupted` is also true for an answered call cut off by a PBX failure mid-talk (its
    exit reason stays "answered"); R1 keeps every interrupted call out of the figures.

    An outbound call (an agent's click-to-dial) is registered the same way: the caller_num
    fields hold the customer's number (the other party, whichever side dialled), entered_at
    is when the agent's phone answered and the customer started being dialled, answered_at
    when the customer answered, answered_by_agent the agent who placed it. It never entered
    a queue, so it is not "offered" and stays out of the R1 figures; `customer_id` is the
    record the click came from (inbound calls get theirs from the wrap-up).

    `rule` is the R1 rule the call was judged by (that of its first queue when it ended), kept
    with the call so that every verdict on it, later ones included, goes by that rule and a
    queue's rule edited since never re-judges it. None for an outbound call: no rule judges it.
    `adopted` marks a call that was already in progress when the service (re)connected to
    the PBX: it was taken over from the PBX's own lists rather than followed from its first
    event. `precision` names each figure of such a call that is not exact (field name →
    TimePrecision): whole-second when derived from the PBX's `Wait`/`Duration`, unknown
    (and left empty) when it happened before adoption and the PBX cannot tell, e.g. when an
    agent answered a call that was already talking. `legs: unknown` says that agent rings
    before adoption are not listed.
    """

    call_id: str
    caller_num_raw: str
    caller_num_e164: str | None
    caller_name: str
    queue: str | None
    entered_at: datetime
    queued_at: datetime | None
    answered_at: datetime | None
    ended_at: datetime
    menu_s: float | None
    wait_s: float | None
    caller_rings: int | None
    within_rule: bool | None
    answered_by_agent: str | None
    answered_interface: str | None
    talk_s: float | None
    exit_reason: ExitReason
    abandon_position: int | None
    interrupted: bool
    visits: tuple[QueueVisit, ...] = ()
    legs: tuple[AgentLeg, ...] = ()
    direction: Direction = Direction.INBOUND
    customer_id: int | None = None
    rule: RingRule | None = None
    adopted: bool = False
    precision: tuple[tuple[str, TimePrecision], ...] = ()

    @property
    def offered(self) -> bool:
        """R1 "offered": the call entered a queue (interrupted calls are removed separately).
        A call adopted while already talking to an agent entered one at an unknown time."""
        return bool(self.visits) or self.queued_at is not None or (
            self.adopted and self.queue is not None and self.direction is Direction.INBOUND
        )

    @property
    def answered(self) -> bool:
        """An agent (or, outbound, the customer) answered; an adopted call may have been
        answered at a time nobody knows (`answered_at` empty)."""
        return self.answered_at is not None or self.exit_reason is ExitReason.ANSWERED

    def precision_of(self, figure: str) -> TimePrecision | None:
        """How inexact `figure` is, or None when it is exact."""
        return dict(self.precision).get(figure)

    @property
    def wait_exact(self) -> bool:
        """The caller's R1 wait is measured from PBX timestamps (not adopted mid-wait)."""
        return self.precision_of("wait_s") is None

    @property
    def abandoned(self) -> bool:
        return self.exit_reason in ABANDONS


class Phase(StrEnum):
    """Where a live call is now, for wallboards and screen-pops."""

    MENU = "menu"
    DIALING = "dialing"  # outbound: the customer's phone is being rung
    WAITING = "waiting"
    RINGING = "ringing"
    TALKING = "talking"
    AFTER_QUEUE = "after_queue"  # left the queues unanswered or after talking, still on line
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class LiveCall:
    """A read-only picture of one call in progress (times are PBX epoch seconds)."""

    call_id: str
    caller_num: str
    caller_num_e164: str | None
    caller_name: str
    phase: Phase
    entered_ts: float
    queue: str | None
    queued_ts: float | None
    position: int | None
    ringing: tuple[str, ...]
    answered_ts: float | None
    answered_interface: str | None
    in_doubt: bool
    direction: Direction = Direction.INBOUND


__all__ = [
    "ABANDONS",
    "AgentLeg",
    "Direction",
    "ExitReason",
    "FinishedCall",
    "LegEnd",
    "LiveCall",
    "Phase",
    "QueueVisit",
    "TimePrecision",
    "VisitResult",
]
