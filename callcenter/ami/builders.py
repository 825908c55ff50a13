"""One builder per AMI event name: a frame in, a typed `callcenter.events` object out.

Each builder is registered with the AMI event name it reads and the typed classes it produces;
`translate.py` turns that table into the translator and the event-filter names. Builders may
raise KeyError/ValueError on a missing or garbled field: the translator counts those as
malformed, so the builders stay straight-line code on the hot path.

Field conventions (see `callcenter.events`): `ts` is the PBX `Timestamp` (arrival time when the
PBX does not stamp events), call_id = Linkedid, leg_id = Uniqueid, agent_leg_id = DestUniqueid,
interface = Interface (else StateInterface), member_name = MemberName. Asterisk writes
"<unknown>" for an empty caller id; it becomes "". AgentRingNoAnswer's RingTime is in
milliseconds, every other duration in seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from callcenter.ami.frames import Frame
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentDumped,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    CallerJoinedQueue,
    CallerLeftQueue,
    DeskDialed,
    DialEnded,
    DtmfReceived,
    HotlineEntered,
    LegHungUp,
    MemberAdded,
    MemberPaused,
    MemberRemoved,
    MemberStatusChanged,
    OriginateResult,
    PbxBooted,
    PbxEvent,
    PbxShuttingDown,
    QueueExited,
)

Builder = Callable[[Frame], PbxEvent | None]

#: AMI event name -> (typed classes it produces, builder).
BUILDERS: dict[str, tuple[tuple[type[PbxEvent], ...], Builder]] = {}
#: UserEvent name (the dialplan's UserEvent(<name>,...)) -> builder.
USER_EVENTS: dict[str, Builder] = {}


def _event(name: str, *produces: type[PbxEvent]) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        BUILDERS[name] = (produces, build)
        return build

    return register


def _user_event(name: str) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        USER_EVENTS[name] = build
        return build

    return register


class UnknownUserEvent(Exception):
    """A UserEvent whose name no builder knows (counted as unknown, not malformed)."""


_now = time.time


def _ts(f: Frame) -> float:
    stamp = f.get("Timestamp")
    return float(stamp) if stamp else _now()


def _cid(value: str | None) -> str:
    return "" if value is None or value == "<unknown>" else value


def _interface(f: Frame) -> str:
    return f.get("Interface") or f["StateInterface"]


def _flag(value: str) -> bool:
    """AMI booleans come as 1/0, true/false or yes/no depending on the event."""
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a boolean: {value!r}")


# -- PBX lifecycle -----------------------------------------------------------------------------


@_event("FullyBooted", PbxBooted)
def _fully_booted(f: Frame) -> PbxEvent:
    return PbxBooted(_ts(f))


@_event("Shutdown", PbxShuttingDown)
def _shutdown(f: Frame) -> PbxEvent:
    return PbxShuttingDown(_ts(f), restart=_flag(f.get("Restart", "false")))


@_event("Reload")
def _reload(f: Frame) -> None:
    """Handled by the link (it resyncs); no typed event of its own."""
    return None


# -- Dialplan UserEvents -----------------------------------------------------------------------


@_event("UserEvent", HotlineEntered, QueueExited, DeskDialed)
def _user(f: Frame) -> PbxEvent | None:
    sub = f["UserEvent"]
    build = USER_EVENTS.get(sub)
    if build is None:
        raise UnknownUserEvent(sub)
    return build(f)


@_user_event("HotlineEnter")
def _hotline_enter(f: Frame) -> PbxEvent:
    return HotlineEntered(
        _ts(f), f["Linkedid"], f["Uniqueid"],
        caller_num=_cid(f.get("CallerIDNum")), caller_name=_cid(f.get("CallerIDName")),
        queue=f["Queue"],
    )


@_user_event("DeskDial")
def _desk_dial(f: Frame) -> PbxEvent:
    """Customer is the record id the service set on the call, empty when there is none."""
    customer = f.get("Customer", "")
    return DeskDialed(
        _ts(f), f["Linkedid"], f["Uniqueid"], number=f["Number"], interface=f["Interface"],
        customer_id=int(customer) if customer.isdigit() else None,
    )


@_user_event("QueueExit")
def _queue_exit(f: Frame) -> PbxEvent:
    return QueueExited(_ts(f), f["Linkedid"], f["Uniqueid"], queue=f["Queue"], status=f["Status"])


# -- Queue callers -----------------------------------------------------------------------------


@_event("QueueCallerJoin", CallerJoinedQueue)
def _caller_join(f: Frame) -> PbxEvent:
    return CallerJoinedQueue(
        _ts(f), f["Linkedid"], f["Uniqueid"], queue=f["Queue"], position=int(f["Position"]),
        caller_num=_cid(f.get("CallerIDNum")), caller_name=_cid(f.get("CallerIDName")),
    )


@_event("QueueCallerLeave", CallerLeftQueue)
def _caller_leave(f: Frame) -> PbxEvent:
    return CallerLeftQueue(
        _ts(f), f["Linkedid"], f["Uniqueid"], queue=f["Queue"], position=int(f["Position"])
    )


@_event("QueueCallerAbandon", CallerAbandoned)
def _caller_abandon(f: Frame) -> PbxEvent:
    return CallerAbandoned(
        _ts(f), f["Linkedid"], f["Uniqueid"], queue=f["Queue"], position=int(f["Position"]),
        original_position=int(f["OriginalPosition"]), hold_s=float(f["HoldTime"]),
    )


# -- Agent legs --------------------------------------------------------------------------------


@_event("AgentCalled", AgentRung)
def _agent_called(f: Frame) -> PbxEvent:
    return AgentRung(
        _ts(f), f["Linkedid"], f["Uniqueid"], f["DestUniqueid"], f["Queue"], _interface(f),
        f["MemberName"],
        caller_num=_cid(f.get("CallerIDNum")), caller_name=_cid(f.get("CallerIDName")),
    )


@_event("AgentRingNoAnswer", AgentRingNoAnswer)
def _agent_ring_no_answer(f: Frame) -> PbxEvent:
    return AgentRingNoAnswer(
        _ts(f), f["Linkedid"], f["Uniqueid"], f["DestUniqueid"], f["Queue"], _interface(f),
        f["MemberName"], ring_s=int(f["RingTime"]) / 1000.0,  # milliseconds on the wire
    )


@_event("AgentConnect", AgentAnswered)
def _agent_connect(f: Frame) -> PbxEvent:
    return AgentAnswered(
        _ts(f), f["Linkedid"], f["Uniqueid"], f["DestUniqueid"], f["Queue"], _interface(f),
        f["MemberName"], hold_s=float(f["HoldTime"]), ring_s=float(f["RingTime"]),
    )


@_event("AgentComplete", AgentCallCompleted)
def _agent_complete(f: Frame) -> PbxEvent | None:
    """When the agent hung up, the agent channel may already be gone and Asterisk then sends
    no Dest* headers at all (seen on the bench): agent_leg_id is "" and the agent is known by
    interface/member_name only. When the caller's channel is gone too (both hung up at once,
    seen on the bench with 120 calls ending together) the frame names no call at all: the
    legs' own Hangup events end the call, so there is nothing to deliver."""
    if "Linkedid" not in f:
        return None
    return AgentCallCompleted(
        _ts(f), f["Linkedid"], f["Uniqueid"], f.get("DestUniqueid", ""), f["Queue"],
        _interface(f),
        f["MemberName"], hold_s=float(f["HoldTime"]), talk_s=float(f["TalkTime"]),
        reason=f["Reason"],
    )


@_event("AgentDump", AgentDumped)
def _agent_dump(f: Frame) -> PbxEvent:
    """The agent leg hung up: like AgentComplete, it may come without Dest* headers."""
    return AgentDumped(
        _ts(f), f["Linkedid"], f["Uniqueid"], f.get("DestUniqueid", ""), f["Queue"],
        _interface(f), f["MemberName"],
    )


# -- Channels ----------------------------------------------------------------------------------


@_event("DialEnd", DialEnded)
def _dial_end(f: Frame) -> PbxEvent:
    """An Originate's own dial has no calling channel: only Dest* headers, leg_id ""."""
    return DialEnded(
        _ts(f), f.get("Linkedid") or f["DestLinkedid"], f.get("Uniqueid", ""),
        dest_leg_id=f["DestUniqueid"], status=f["DialStatus"],
    )


@_event("Hangup", LegHungUp)
def _hangup(f: Frame) -> PbxEvent:
    return LegHungUp(
        _ts(f), f["Linkedid"], f["Uniqueid"], channel=f["Channel"], cause=int(f["Cause"]),
        cause_text=f.get("Cause-txt", ""),
    )


@_event("DTMFEnd", DtmfReceived)
def _dtmf_end(f: Frame) -> PbxEvent | None:
    """Only digits the channel received: SendDTMF on the same channel shows as Sent."""
    if f.get("Direction", "Received") != "Received":
        return None
    return DtmfReceived(_ts(f), f["Linkedid"], f["Uniqueid"], digit=f["Digit"])


@_event("OriginateResponse", OriginateResult)
def _originate_response(f: Frame) -> PbxEvent:
    """leg_id is the Uniqueid the Originate's ChannelId set (present even when it failed)."""
    return OriginateResult(
        _ts(f), leg_id=f["Uniqueid"], success=f["Response"] == "Success", reason=int(f["Reason"])
    )


# -- Queue members -----------------------------------------------------------------------------


@_event("QueueMemberStatus", MemberStatusChanged)
def _member_status(f: Frame) -> PbxEvent:
    return MemberStatusChanged(
        _ts(f), f["Queue"], _interface(f), f["MemberName"], status=int(f["Status"]),
        paused=_flag(f["Paused"]), paused_reason=f.get("PausedReason", ""),
        in_call=_flag(f.get("InCall", "0")),
    )


@_event("QueueMemberAdded", MemberAdded)
def _member_added(f: Frame) -> PbxEvent:
    return MemberAdded(
        _ts(f), f["Queue"], _interface(f), f["MemberName"], paused=_flag(f.get("Paused", "0")),
        paused_reason=f.get("PausedReason", ""),
    )


@_event("QueueMemberRemoved", MemberRemoved)
def _member_removed(f: Frame) -> PbxEvent:
    return MemberRemoved(_ts(f), f["Queue"], _interface(f), f["MemberName"])


@_event("QueueMemberPause", MemberPaused)
def _member_pause(f: Frame) -> PbxEvent:
    return MemberPaused(
        _ts(f), f["Queue"], _interface(f), f["MemberName"], paused=_flag(f["Paused"]),
        reason=f.get("PausedReason") or f.get("Reason", ""),
    )


__all__ = ["BUILDERS", "Builder", "UnknownUserEvent"]
