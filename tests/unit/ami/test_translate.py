from __future__ import annotations

import logging
from pathlib import Path

import pytest

from callcenter.ami.counters import Counters
from callcenter.ami.recorder import replay
from callcenter.ami.translate import ALWAYS_WANTED, Translator, ami_event_names
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    CallerJoinedQueue,
    CallerLeftQueue,
    CallEvent,
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
    PbxShuttingDown,
    QueueExited,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ami"
#: One recording per call scenario of `callcenter.devtools.pbx.scenarios`
#: (`callcenter scenario --record`).
SCENARIOS = FIXTURES / "scenarios"

AGENT_HEADERS = {
    "Timestamp": "1700000000.250000",
    "Queue": "hotline",
    "Uniqueid": "1700000000.11",
    "Linkedid": "1700000000.10",
    "DestUniqueid": "1700000000.12",
    "Interface": "Local/1001@agents/n",
    "StateInterface": "Local/1001@agents",
    "MemberName": "agent1001",
    "CallerIDNum": "13800138000",
    "CallerIDName": "<unknown>",
}


def translate(frame: dict[str, str], counters: Counters | None = None) -> object:
    return Translator(counters or Counters()).translate(frame)


def test_answered_call_recorded_on_the_bench_becomes_typed_events_in_order() -> None:
    counters = Counters()
    events = list(replay(SCENARIOS / "answered_within_1_ring.ami", counters=counters))
    call = "bench-c83c90c8428e4647"  # Linkedid: the ChannelId of the scenario's Originate
    # The recording also holds the end of the scenario recorded before it (another call).
    ours = [e for e in events if getattr(e, "call_id", call) == call]
    kinds = [type(e) for e in ours if not isinstance(e, MemberStatusChanged | LegHungUp)]
    assert kinds == [
        PbxBooted, OriginateResult, DialEnded, HotlineEntered, CallerJoinedQueue, AgentRung,
        DialEnded, CallerLeftQueue, AgentAnswered, AgentCallCompleted, QueueExited,
    ]
    assert counters.malformed_events == {}
    answered = next(e for e in events if isinstance(e, AgentAnswered))
    assert answered.call_id == call
    assert answered.leg_id == f"{call}-2"  # the queue leg: the Originate's OtherChannelId
    assert answered.member_name == "agent1051"
    assert answered.interface == "Local/1051@bench-agents/n"
    assert answered.ts > 1_700_000_000  # the PBX's own Timestamp header
    exited = next(e for e in events if isinstance(e, QueueExited) and e.call_id == call)
    assert (exited.queue, exited.status) == ("bench-q5", "CONTINUE")


def test_ring_no_answer_ring_time_milliseconds_become_seconds() -> None:
    event = translate({"Event": "AgentRingNoAnswer", **AGENT_HEADERS, "RingTime": "3500"})
    assert isinstance(event, AgentRingNoAnswer)
    assert event.ring_s == 3.5


def test_ring_no_answer_recorded_on_the_bench_is_three_seconds() -> None:
    events = list(replay(SCENARIOS / "first_rings_out_second_answers.ami"))
    (miss,) = [e for e in events if isinstance(e, AgentRingNoAnswer)]
    assert miss.ring_s == 3.0  # bench-rna has a 3 s member timeout
    assert miss.member_name == "agent1101"


def test_agent_connect_and_complete_durations_are_seconds() -> None:
    answered = translate(
        {"Event": "AgentConnect", **AGENT_HEADERS, "HoldTime": "12", "RingTime": "4"}
    )
    assert isinstance(answered, AgentAnswered)
    assert (answered.hold_s, answered.ring_s) == (12.0, 4.0)
    done = translate({
        "Event": "AgentComplete", **AGENT_HEADERS, "HoldTime": "12", "TalkTime": "95",
        "Reason": "caller",
    })
    assert isinstance(done, AgentCallCompleted)
    assert (done.hold_s, done.talk_s, done.reason) == (12.0, 95.0, "caller")


def test_agent_complete_after_the_agent_channel_is_gone_has_no_agent_leg() -> None:
    """Seen on the bench (two calls at once): AgentComplete without any Dest* header."""
    headers = {k: v for k, v in AGENT_HEADERS.items() if k != "DestUniqueid"}
    done = translate({"Event": "AgentComplete", **headers, "HoldTime": "1", "TalkTime": "3",
                      "Reason": "agent"})
    assert isinstance(done, AgentCallCompleted)
    assert (done.agent_leg_id, done.member_name, done.talk_s) == ("", "agent1001", 3.0)


def test_agent_complete_without_any_channel_is_skipped_not_malformed() -> None:
    """Recorded on the bench PBX (120 calls ending at once): both channels were gone."""
    counters = Counters()
    frame = {"Event": "AgentComplete", "Privilege": "agent,all",
             "Timestamp": "1795377777.331029", "Queue": "bench-pop",
             "Interface": "Local/1308@bench-agents/n", "MemberName": "Bench 1308",
             "HoldTime": "3", "TalkTime": "3", "Reason": "agent"}
    assert translate(frame, counters) is None
    assert counters.malformed_events == {}


def test_ids_come_from_linkedid_uniqueid_and_destuniqueid() -> None:
    rung = translate({"Event": "AgentCalled", **AGENT_HEADERS})
    assert isinstance(rung, AgentRung)
    assert (rung.call_id, rung.leg_id, rung.agent_leg_id) == (
        "1700000000.10", "1700000000.11", "1700000000.12",
    )
    assert rung.caller_name == ""  # Asterisk's "<unknown>"
    assert rung.ts == 1700000000.25


def test_legs_with_the_same_seconds_part_stay_distinct() -> None:
    """panoramisk's CallManager keys calls by the part of Uniqueid before the dot."""
    first = translate({"Event": "Hangup", "Linkedid": "1700000000.1", "Uniqueid": "1700000000.1",
                       "Channel": "Local/a;1", "Cause": "16"})
    second = translate({"Event": "Hangup", "Linkedid": "1700000000.2", "Uniqueid": "1700000000.2",
                        "Channel": "Local/b;1", "Cause": "16"})
    assert isinstance(first, LegHungUp)
    assert isinstance(second, LegHungUp)
    assert first.leg_id != second.leg_id
    assert first.call_id != second.call_id


def test_interface_falls_back_to_state_interface() -> None:
    headers = {k: v for k, v in AGENT_HEADERS.items() if k != "Interface"}
    event = translate({"Event": "AgentDump", **headers})
    assert event is not None
    assert event.interface == "Local/1001@agents"  # type: ignore[attr-defined]


def test_missing_timestamp_falls_back_to_arrival_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("callcenter.ami.builders._now", lambda: 42.0)
    event = translate({"Event": "FullyBooted", "Status": "Fully Booted"})
    assert event == PbxBooted(42.0)


def test_garbled_number_is_counted_malformed_and_logged_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    counters = Counters()
    frame = {"Event": "QueueCallerAbandon", **AGENT_HEADERS, "Position": "1",
             "OriginalPosition": "1", "HoldTime": "twelve"}
    with caplog.at_level(logging.WARNING, logger="callcenter.ami.translate"):
        assert translate(frame, counters) is None
    assert counters.malformed_events == {"QueueCallerAbandon": 1}
    assert "QueueCallerAbandon" in caplog.text
    assert "1700000000.10" in caplog.text  # logged with the call it concerns


def test_missing_field_is_counted_malformed() -> None:
    counters = Counters()
    assert translate({"Event": "QueueCallerJoin", "Queue": "q"}, counters) is None
    assert counters.malformed_events == {"QueueCallerJoin": 1}


def test_unknown_events_and_user_events_are_counted_per_name() -> None:
    counters = Counters()
    translator = Translator(counters)
    assert translator.translate({"Event": "Newexten"}) is None
    assert translator.translate({"Event": "Newexten"}) is None
    assert translator.translate({"Event": "UserEvent", "UserEvent": "SurveyFailed"}) is None
    assert counters.unknown_events == {"Newexten": 2, "UserEvent:SurveyFailed": 1}
    assert counters.malformed_events == {}


def test_user_events_from_the_dialplan_become_hotline_events() -> None:
    common = {"Uniqueid": "1.2", "Linkedid": "1.1", "Timestamp": "5.0"}
    entered = translate({"Event": "UserEvent", "UserEvent": "HotlineEnter", "Queue": "hotline",
                         "CallerIDNum": "13800138000", "CallerIDName": "张三", **common})
    assert entered == HotlineEntered(5.0, "1.1", "1.2", "13800138000", "张三", "hotline")
    exited = translate({"Event": "UserEvent", "UserEvent": "QueueExit", "Queue": "hotline",
                        "Status": "TIMEOUT", **common})
    assert exited == QueueExited(5.0, "1.1", "1.2", "hotline", "TIMEOUT")


def test_desk_dial_user_event_opens_an_outbound_call_with_its_customer() -> None:
    frame = {"Event": "UserEvent", "UserEvent": "DeskDial", "Uniqueid": "dial-1",
             "Linkedid": "dial-1", "Timestamp": "5.0", "Number": "13800000001",
             "Interface": "Local/1205@bench-agents/n", "Customer": "42"}
    assert translate(frame) == DeskDialed(5.0, "dial-1", "dial-1", "13800000001",
                                          "Local/1205@bench-agents/n", 42)
    assert translate({**frame, "Customer": ""}) == DeskDialed(
        5.0, "dial-1", "dial-1", "13800000001", "Local/1205@bench-agents/n", None)


def test_originate_response_keeps_the_channel_id_and_reason() -> None:
    events = list(replay(FIXTURES / "originate.transcript", wanted=[OriginateResult]))
    assert [(e.leg_id, e.success, e.reason) for e in events if isinstance(e, OriginateResult)] == [
        ("fixture-orig-fail", False, 0),
        ("fixture-orig-busy", False, 5),
        ("fixture-orig-dtmf", True, 4),
    ]


def test_dial_end_of_an_originate_has_no_calling_leg() -> None:
    events = list(replay(FIXTURES / "originate.transcript", wanted=[DialEnded]))
    busy = next(e for e in events if isinstance(e, DialEnded) and e.status == "BUSY")
    assert (busy.call_id, busy.leg_id, busy.dest_leg_id) == (
        "fixture-orig-busy", "", "fixture-orig-busy",
    )


def test_dtmf_keyed_by_the_customer_is_received_on_the_originated_leg() -> None:
    events = list(replay(FIXTURES / "originate.transcript", wanted=[DtmfReceived]))
    assert [(e.leg_id, e.digit) for e in events if isinstance(e, DtmfReceived)] == [
        ("fixture-orig-dtmf", "4"),
    ]


def test_sent_dtmf_is_not_reported_as_received() -> None:
    frame = {"Event": "DTMFEnd", "Linkedid": "1", "Uniqueid": "1", "Digit": "5",
             "Direction": "Sent"}
    assert translate(frame) is None


def test_member_lifecycle_recorded_on_the_bench() -> None:
    events = list(replay(FIXTURES / "members.transcript"))
    member_events = [e for e in events if not isinstance(e, PbxBooted)]
    assert [type(e) for e in member_events] == [MemberAdded, MemberPaused, MemberPaused,
                                                MemberRemoved]
    paused = member_events[1]
    assert isinstance(paused, MemberPaused)
    assert (paused.paused, paused.reason, paused.member_name) == (True, "lunch", "agent1201")


def test_abandon_and_queue_timeout_are_told_apart_by_queue_exit() -> None:
    timeout_events = list(replay(SCENARIOS / "queue_timeout.ami"))
    assert any(isinstance(e, CallerAbandoned) for e in timeout_events)
    exits = [e for e in timeout_events if isinstance(e, QueueExited)]
    assert [e.status for e in exits] == ["TIMEOUT"]
    hung_up = list(replay(SCENARIOS / "caller_hangs_up_with_no_agent_free.ami"))
    (abandon,) = [e for e in hung_up if isinstance(e, CallerAbandoned)]
    # Patience 4 s from the Originate, ~0.5 s of it before Queue(); HoldTime is whole seconds.
    assert abandon.hold_s == 3.0
    assert not any(isinstance(e, QueueExited) for e in hung_up)


def test_shutdown_says_whether_the_pbx_restarts() -> None:
    event = translate({"Event": "Shutdown", "Shutdown": "Cleanly", "Restart": "True"})
    assert isinstance(event, PbxShuttingDown)
    assert event.restart is True


def test_filter_names_are_the_union_of_wanted_classes_plus_the_links_own() -> None:
    dialer = ami_event_names([OriginateResult, DtmfReceived])
    queues = ami_event_names([CallerJoinedQueue, HotlineEntered])
    assert dialer == {"OriginateResponse", "DTMFEnd"} | ALWAYS_WANTED
    assert queues == {"QueueCallerJoin", "UserEvent"} | ALWAYS_WANTED
    assert ami_event_names([OriginateResult, DtmfReceived, CallerJoinedQueue, HotlineEntered]) == (
        dialer | queues
    )
    assert ami_event_names([]) == ALWAYS_WANTED == {"FullyBooted", "Shutdown", "Reload"}


def test_a_base_class_subscribes_every_subclass() -> None:
    names = ami_event_names([CallEvent])
    assert {"AgentCalled", "AgentConnect", "Hangup", "DialEnd", "UserEvent"} <= names
    assert "QueueMemberStatus" not in names


def test_translator_limited_to_wanted_classes_skips_others_as_unwanted() -> None:
    counters = Counters()
    translator = Translator(counters, [OriginateResult])
    assert translator.translate({"Event": "Hangup", "Uniqueid": "1"}) is None
    assert counters.unwanted_events == {"Hangup": 1}
    assert counters.malformed_events == {}
