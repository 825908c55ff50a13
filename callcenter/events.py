"""Typed PBX events: the vocabulary the domain understands.

The AMI adapter (`callcenter.ami`) is the only code that knows AMI frames; it turns each frame
it understands into one of these immutable objects. Trackers, the registry and replays all
work on these types, so the same code runs on a live PBX, on a recorded transcript and in a
benchmark.

`ts` is the PBX's own clock (AMI `Timestamp`, epoch seconds with microseconds) so that
durations stay right when the service lags or replays; it falls back to arrival time only
when the PBX does not stamp events. Floats rather than datetimes keep the hot path cheap.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PbxEvent:
    ts: float


@dataclass(frozen=True, slots=True)
class PbxBooted(PbxEvent):
    """The PBX finished booting or the link logged in to a running PBX."""


@dataclass(frozen=True, slots=True)
class PbxShuttingDown(PbxEvent):
    """The PBX announced a shutdown or restart: calls in flight will be cut off."""

    restart: bool


@dataclass(frozen=True, slots=True)
class CallEvent(PbxEvent):
    """An event about one call: `call_id` is the Linkedid, `leg_id` the Uniqueid."""

    call_id: str
    leg_id: str


@dataclass(frozen=True, slots=True)
class HotlineEntered(CallEvent):
    """A call reached the hotline's front door (dialplan UserEvent HotlineEnter)."""

    caller_num: str
    caller_name: str
    queue: str


@dataclass(frozen=True, slots=True)
class DeskDialed(CallEvent):
    """An agent answered their phone for a click-to-dial and the customer is being dialled
    (dialplan UserEvent DeskDial): the door of an outbound call, as HotlineEntered is of an
    inbound one. `leg_id` is the agent's leg; `customer_id` the record the click came from."""

    number: str
    interface: str
    customer_id: int | None


@dataclass(frozen=True, slots=True)
class QueueExited(CallEvent):
    """The dialplan continued after Queue(): `status` is its QUEUESTATUS.

    This is what tells a Queue() timeout, a full or empty queue and a withdrawal apart, since
    the PBX reports all of them as an abandon.
    """

    queue: str
    status: str


@dataclass(frozen=True, slots=True)
class CallerJoinedQueue(CallEvent):
    queue: str
    position: int
    caller_num: str
    caller_name: str


@dataclass(frozen=True, slots=True)
class CallerLeftQueue(CallEvent):
    queue: str
    position: int


@dataclass(frozen=True, slots=True)
class CallerAbandoned(CallEvent):
    """The caller left the queue unanswered (hang-up, timeout, empty queue or withdrawal)."""

    queue: str
    position: int
    original_position: int
    hold_s: float


@dataclass(frozen=True, slots=True)
class AgentLegEvent(CallEvent):
    """An event about one agent's phone for one call: `agent_leg_id` is that phone's Uniqueid."""

    agent_leg_id: str
    queue: str
    interface: str
    member_name: str


@dataclass(frozen=True, slots=True)
class AgentRung(AgentLegEvent):
    """The queue started ringing an agent's phone (the screen-pop moment, R5)."""

    caller_num: str
    caller_name: str


@dataclass(frozen=True, slots=True)
class AgentRingNoAnswer(AgentLegEvent):
    ring_s: float


@dataclass(frozen=True, slots=True)
class AgentAnswered(AgentLegEvent):
    hold_s: float
    ring_s: float


@dataclass(frozen=True, slots=True)
class AgentCallCompleted(AgentLegEvent):
    hold_s: float
    talk_s: float
    reason: str


@dataclass(frozen=True, slots=True)
class AgentDumped(AgentLegEvent):
    """The agent's phone hung up after answering but before being bridged to the caller."""


@dataclass(frozen=True, slots=True)
class DialEnded(CallEvent):
    """A dial attempt from one leg to another ended (ANSWER, CANCEL, BUSY, NOANSWER...)."""

    dest_leg_id: str
    status: str


@dataclass(frozen=True, slots=True)
class LegHungUp(CallEvent):
    channel: str
    cause: int
    cause_text: str


@dataclass(frozen=True, slots=True)
class MemberEvent(PbxEvent):
    """Something about a queue member (an agent's interface in one queue)."""

    queue: str
    interface: str
    member_name: str


@dataclass(frozen=True, slots=True)
class MemberStatusChanged(MemberEvent):
    """The PBX's view of a member: device status, pause and whether it is on a call."""

    status: int
    paused: bool
    paused_reason: str
    in_call: bool


@dataclass(frozen=True, slots=True)
class MemberAdded(MemberEvent):
    paused: bool
    paused_reason: str


@dataclass(frozen=True, slots=True)
class MemberRemoved(MemberEvent):
    pass


@dataclass(frozen=True, slots=True)
class MemberPaused(MemberEvent):
    paused: bool
    reason: str


@dataclass(frozen=True, slots=True)
class OriginateResult(PbxEvent):
    """Outcome of an asynchronous Originate, correlated by the ChannelId it was sent with.

    `reason` is Asterisk's code: 0 failure, 1 hang-up, 3 no answer, 4 answered, 5 busy,
    8 congestion.
    """

    leg_id: str
    success: bool
    reason: int


@dataclass(frozen=True, slots=True)
class DtmfReceived(CallEvent):
    digit: str


# Snapshot records: the PBX's answer to a resync (QueueStatus, CoreShowChannels). They are
# not events in time; trackers use them to drop live state that ended while the link was down
# and to adopt what started while no service was listening. Their ages (`wait_s`,
# `duration_s`) are whole seconds: the PBX counts them in time_t.


@dataclass(frozen=True, slots=True)
class QueueMemberSnapshot:
    queue: str
    interface: str
    member_name: str
    status: int
    paused: bool
    paused_reason: str
    in_call: bool


@dataclass(frozen=True, slots=True)
class QueueEntrySnapshot:
    queue: str
    call_id: str
    leg_id: str
    position: int
    wait_s: float
    caller_num: str
    caller_name: str = ""


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    name: str
    strategy: str
    members: tuple[QueueMemberSnapshot, ...]
    entries: tuple[QueueEntrySnapshot, ...]


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    """One CoreShowChannel item. `application`/`app_data` say what the channel runs now (a
    caller in a queue runs `Queue` with the queue's name first, even once bridged to the
    agent), `bridge_id` is set while it is bridged (answered), `duration_s` is its age in
    whole seconds (None when the PBX did not say)."""

    call_id: str
    leg_id: str
    channel: str
    state: str
    caller_num: str = ""
    caller_name: str = ""
    application: str = ""
    app_data: str = ""
    duration_s: int | None = None
    bridge_id: str = ""


@dataclass(frozen=True, slots=True)
class PbxSnapshot:
    """Everything live on the PBX at one moment, taken right after a (re)connect."""

    ts: float
    queues: tuple[QueueSnapshot, ...]
    channels: tuple[ChannelSnapshot, ...]

    def live_call_ids(self) -> frozenset[str]:
        return frozenset(c.call_id for c in self.channels)
