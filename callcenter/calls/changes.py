"""The change records the live-state owner (`tracker.CallTracker`) hands out, one event step
at a time.

The owner alone decides from the PBX's events whether a phone rings, was answered or left the
call, whether a caller gave up, and what each agent is doing. Its readers (the screen-pop
board, agent presence on the pages, the dialer, the registry writer, the hub publisher) act on
these records and keep no ring or call state of their own, so two views can never disagree
about the same call. Every record is immutable and carries the PBX's own timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callcenter.calls.agent_state import Presence
from callcenter.calls.call_records import FinishedCall, LiveCall


class RingEnd(StrEnum):
    """Why an agent's phone stopped ringing without that agent answering, as a page says it."""

    RANG_OUT = "rang_out"  # ring-no-answer: the queue's timeout for the phone
    REJECTED = "rejected"  # the phone refused the call (busy, congestion)
    ANSWERED_ELSEWHERE = "answered_elsewhere"  # ring-all: a colleague took the call
    CALLER_LEFT = "caller_left"  # the caller gave up while this phone rang
    CALL_ENDED = "call_ended"  # the call or the agent's leg was gone (hang-up, resync)


@dataclass(frozen=True, slots=True)
class Ring:
    """One agent's phone ringing for one call: the unit a screen-pop is shown for (R5).

    `caller_num` is the number as the PBX sent it, `caller_num_e164` the same number
    normalised once, on the call; `agent_id` is the directory's agent behind the interface
    (None for a phone that belongs to nobody)."""

    call_id: str
    caller_leg_id: str
    agent_leg_id: str
    interface: str
    member_name: str
    agent_id: str | None
    queue: str
    caller_num: str
    caller_num_e164: str | None
    caller_name: str
    rang_ts: float


@dataclass(frozen=True, slots=True)
class CallChanged:
    """The call's picture after an event step that touched it (entered, joined, rang...)."""

    ts: float
    call: LiveCall


@dataclass(frozen=True, slots=True)
class CallEntered:
    """A call reached the hotline's door (or a queue, when the door was not seen): the
    caller is known from here on, before any agent rings."""

    ts: float
    call: LiveCall


@dataclass(frozen=True, slots=True)
class CallAdopted:
    """A call already in progress on the PBX was taken over at a (re)connect."""

    ts: float
    call: LiveCall


@dataclass(frozen=True, slots=True)
class RingStarted:
    ts: float
    ring: Ring


@dataclass(frozen=True, slots=True)
class RingEnded:
    """The phone stopped ringing unanswered (told once per ring, when the PBX says so)."""

    ts: float
    ring: Ring
    reason: RingEnd


@dataclass(frozen=True, slots=True)
class RingAnswered:
    """The agent behind `ring` answered; the call's other rings are over for the caller."""

    ts: float
    ring: Ring


@dataclass(frozen=True, slots=True)
class AgentLeft:
    """An agent who had answered left the call: their phone hung up, the queue said the call
    completed, or the call was gone at a resync. The agent's wrap-up starts here."""

    ts: float
    ring: Ring


@dataclass(frozen=True, slots=True)
class CallerGaveUp:
    """The caller abandoned the queue (R1 abandon): every ring of the call is lost to them,
    even before each phone stops."""

    ts: float
    call_id: str


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The call is over and `record` is its one registry row (R4)."""

    ts: float
    call: LiveCall
    record: FinishedCall


@dataclass(frozen=True, slots=True)
class AgentChanged:
    """An agent interface's state changed (or its pause reason, or its queues)."""

    ts: float
    presence: Presence


@dataclass(frozen=True, slots=True)
class OriginateEnded:
    """The PBX answered an Originate: `success` when the originated leg was answered."""

    ts: float
    leg_id: str
    success: bool
    reason: int


@dataclass(frozen=True, slots=True)
class LegEnded:
    """A channel of any call hung up, with the PBX's cause code."""

    ts: float
    call_id: str
    leg_id: str
    cause: int


@dataclass(frozen=True, slots=True)
class Resynced:
    """The owner was reconciled with the PBX's own lists after a (re)connect; the records of
    what ended meanwhile precede this one."""

    ts: float


Change = (
    CallChanged | CallEntered | CallAdopted | RingStarted | RingEnded | RingAnswered
    | AgentLeft | CallerGaveUp | CallEnded | AgentChanged | OriginateEnded | LegEnded | Resynced
)


def new_picture(change: Change) -> LiveCall | None:
    """The call's new picture, once per event step that changed a call (`CallEntered` is
    always followed by the same step's `CallChanged`): what a wallboard or the hub shows."""
    if isinstance(change, CallChanged | CallAdopted | CallEnded):
        return change.call
    return None


__all__ = [
    "AgentChanged",
    "AgentLeft",
    "CallAdopted",
    "CallChanged",
    "CallEnded",
    "CallEntered",
    "CallerGaveUp",
    "Change",
    "LegEnded",
    "OriginateEnded",
    "Resynced",
    "Ring",
    "RingAnswered",
    "RingEnd",
    "RingEnded",
    "RingStarted",
    "new_picture",
]
