"""Hand-written PBX event sequences for the call tracker, in Asterisk 22's order.

Times are seconds after T0 so that a test reads like the call it describes. Recorded bench
transcripts will replace and extend these; the shapes follow ARCHITECTURE.md "AMI facts".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from callcenter.calls.call_records import FinishedCall, LiveCall
from callcenter.calls.changes import Change, new_picture
from callcenter.calls.sla import RingRule, RuleFor, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentDumped,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    CallerJoinedQueue,
    CallerLeftQueue,
    ChannelSnapshot,
    DeskDialed,
    DialEnded,
    HotlineEntered,
    LegHungUp,
    PbxEvent,
    PbxSnapshot,
    QueueExited,
)

T0 = 1_790_000_000.0
QUEUE = "hotline"
AGENTS = {
    "PJSIP/5001": "zhang.wei",
    "PJSIP/5002": "li.na",
    "PJSIP/5003": "wang.fang",
}


@dataclass(frozen=True)
class Call:
    """One caller: `call` is the Linkedid, the caller's leg has the same Uniqueid."""

    call: str = "1790000000.1"
    number: str = "13800138000"
    name: str = "Zhang San"
    queue: str = QUEUE

    @property
    def leg(self) -> str:
        return self.call

    def agent_leg(self, interface: str) -> str:
        return f"{self.call}-{interface[-4:]}"

    def hotline(self, t: float) -> HotlineEntered:
        return HotlineEntered(T0 + t, self.call, self.leg, self.number, self.name, self.queue)

    def join(self, t: float, position: int = 1, queue: str | None = None) -> CallerJoinedQueue:
        q = queue or self.queue
        return CallerJoinedQueue(T0 + t, self.call, self.leg, q, position, self.number, self.name)

    def leave(self, t: float, position: int = 1, queue: str | None = None) -> CallerLeftQueue:
        return CallerLeftQueue(T0 + t, self.call, self.leg, queue or self.queue, position)

    def abandon(
        self, t: float, position: int = 1, hold_s: float = 0.0, queue: str | None = None
    ) -> CallerAbandoned:
        q = queue or self.queue
        return CallerAbandoned(T0 + t, self.call, self.leg, q, position, position, hold_s)

    def exited(self, t: float, status: str, queue: str | None = None) -> QueueExited:
        return QueueExited(T0 + t, self.call, self.leg, queue or self.queue, status)

    def rung(self, t: float, interface: str, queue: str | None = None) -> AgentRung:
        return AgentRung(
            T0 + t, self.call, self.agent_leg(interface), self.agent_leg(interface),
            queue or self.queue, interface, AGENTS.get(interface, interface),
            self.number, self.name,
        )

    def ring_no_answer(self, t: float, interface: str, ring_s: float) -> AgentRingNoAnswer:
        return AgentRingNoAnswer(
            T0 + t, self.call, self.agent_leg(interface), self.agent_leg(interface),
            self.queue, interface, AGENTS.get(interface, interface), ring_s,
        )

    def dial_end(self, t: float, interface: str, status: str) -> DialEnded:
        return DialEnded(T0 + t, self.call, self.leg, self.agent_leg(interface), status)

    def connect(
        self, t: float, interface: str, hold_s: float = 0, ring_s: float = 0
    ) -> AgentAnswered:
        return AgentAnswered(
            T0 + t, self.call, self.agent_leg(interface), self.agent_leg(interface),
            self.queue, interface, AGENTS.get(interface, interface), hold_s, ring_s,
        )

    def complete(self, t: float, interface: str, talk_s: float = 0) -> AgentCallCompleted:
        return AgentCallCompleted(
            T0 + t, self.call, self.agent_leg(interface), self.agent_leg(interface),
            self.queue, interface, AGENTS.get(interface, interface), 0, talk_s, "caller",
        )

    def dump(self, t: float, interface: str) -> AgentDumped:
        return AgentDumped(
            T0 + t, self.call, self.agent_leg(interface), self.agent_leg(interface),
            self.queue, interface, AGENTS.get(interface, interface),
        )

    def hangup(self, t: float, leg: str | None = None) -> LegHungUp:
        return LegHungUp(T0 + t, self.call, leg or self.leg, "PJSIP/trunk-0001", 16, "Normal")

    def answered_by(
        self, interface: str, *, join: float, rung: float, answer: float, end: float
    ) -> list[PbxEvent]:
        """The whole Asterisk 22 sequence of a call one agent answers, then hang-up."""
        return [
            self.hotline(0.0),
            self.join(join),
            self.rung(rung, interface),
            self.dial_end(answer, interface, "ANSWER"),
            self.leave(answer + 0.001),
            self.connect(answer + 0.002, interface),
            self.complete(end, interface),
            self.hangup(end + 0.01),
        ]

    def channel(self) -> ChannelSnapshot:
        return ChannelSnapshot(self.call, self.leg, "PJSIP/trunk-0001", "Up")


@dataclass(frozen=True)
class Dial:
    """An agent's click-to-dial: `call` is the Linkedid, which is also the agent's leg (the
    Originate's own channel); the customer's leg is the one the agent's leg dials."""

    call: str = "dial-0001"
    number: str = "13800138000"
    interface: str = "PJSIP/5001"
    customer_id: int | None = 7

    @property
    def leg(self) -> str:
        return self.call

    @property
    def customer_leg(self) -> str:
        return f"{self.call}-customer"

    def agent_answered(self, t: float) -> DialEnded:
        """The Originate's own dial of the agent's phone: no calling leg."""
        return DialEnded(T0 + t, self.call, "", self.leg, "ANSWER")

    def desk_dial(self, t: float) -> DeskDialed:
        return DeskDialed(T0 + t, self.call, self.leg, self.number, self.interface,
                          self.customer_id)

    def customer_dial_end(self, t: float, status: str) -> DialEnded:
        return DialEnded(T0 + t, self.call, self.leg, self.customer_leg, status)

    def hangup(self, t: float, leg: str | None = None) -> LegHungUp:
        return LegHungUp(T0 + t, self.call, leg or self.leg, "PJSIP/5001-0001", 16, "Normal")

    def talked(self, *, answer: float, end: float) -> list[PbxEvent]:
        """The agent answers at 1 s, the customer at `answer`; the customer hangs up at `end`."""
        return [
            self.agent_answered(1.0),
            self.desk_dial(1.001),
            self.customer_dial_end(answer, "ANSWER"),
            self.hangup(end, self.customer_leg),
            self.hangup(end + 0.01),
        ]

    def channel(self) -> ChannelSnapshot:
        return ChannelSnapshot(self.call, self.leg, "PJSIP/5001-0001", "Up")


def pictures_to(pictures: list[LiveCall]) -> CallTracker.Listener:
    """A listener writing each new picture of a call down, as the hub publisher sends it."""

    def listen(change: Change) -> None:
        picture = new_picture(change)
        if picture is not None:
            pictures.append(picture)

    return listen


def snapshot(t: float, *calls: Call | Dial) -> PbxSnapshot:
    return PbxSnapshot(T0 + t, (), tuple(c.channel() for c in calls))


@dataclass
class Harness:
    """A tracker wired to lists, as the service wires it to the registry and the hub; every
    queue has the default R1 rule unless `rule_for` gives queues their own."""

    rule_for: RuleFor = field(default_factory=lambda: everywhere(RingRule()))
    finished: list[FinishedCall] = field(default_factory=list)
    changes: list[LiveCall] = field(default_factory=list)
    tracker: CallTracker = field(init=False)

    def __post_init__(self) -> None:
        self.tracker = CallTracker(self.rule_for, AGENTS.get, self.finished.append,
                                   area_code="10")
        self.tracker.subscribe(pictures_to(self.changes))

    def feed(self, *events: PbxEvent | list[PbxEvent]) -> Harness:
        for item in events:
            for event in item if isinstance(item, list) else [item]:
                self.tracker.on_event(event)
        return self

    def only(self) -> FinishedCall:
        assert len(self.finished) == 1, self.finished
        return self.finished[0]
