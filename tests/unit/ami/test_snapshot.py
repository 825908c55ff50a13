from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcenter.ami.counters import Counters
from callcenter.ami.snapshot import build_snapshot

pytestmark = pytest.mark.unit

# Shapes copied from Asterisk 22's answers on the bench (QueueStatus, CoreShowChannels).
QUEUE_STATUS = [
    {"Event": "QueueParams", "Queue": "bench-q1", "Strategy": "rrmemory", "Calls": "2"},
    {"Event": "QueueMember", "Queue": "bench-q1", "Name": "agent1011",
     "Location": "Local/1011@bench-agents/n", "StateInterface": "Local/1011@bench-agents",
     "Status": "2", "Paused": "1", "PausedReason": "lunch", "InCall": "1"},
    {"Event": "QueueEntry", "Queue": "bench-q1", "Position": "2", "Uniqueid": "c2;2",
     "CallerIDNum": "<unknown>", "Wait": "3"},
    {"Event": "QueueEntry", "Queue": "bench-q1", "Position": "1", "Uniqueid": "c1;2",
     "CallerIDNum": "13800138000", "Wait": "9"},
    {"Event": "QueueParams", "Queue": "bench-empty", "Strategy": "ringall"},
    {"Event": "QueueStatusComplete", "EventList": "Complete", "ListItems": "5"},
]
CHANNELS = [
    {"Event": "CoreShowChannel", "Channel": "Local/bench-q1@bench-inbound-00000001;2",
     "Uniqueid": "c1;2", "Linkedid": "c1", "ChannelStateDesc": "Up"},
    {"Event": "CoreShowChannel", "Channel": "Local/bench-q1@bench-inbound-00000002;2",
     "Uniqueid": "c2;2", "Linkedid": "c2", "ChannelStateDesc": "Up"},
]


def test_queue_status_and_channels_become_one_snapshot() -> None:
    snapshot = build_snapshot(QUEUE_STATUS, CHANNELS, ts=100.0)
    assert snapshot.ts == 100.0
    assert [q.name for q in snapshot.queues] == ["bench-q1", "bench-empty"]
    q1 = snapshot.queues[0]
    (member,) = q1.members
    assert (member.member_name, member.interface, member.status) == (
        "agent1011", "Local/1011@bench-agents/n", 2,
    )
    assert (member.paused, member.paused_reason, member.in_call) == (True, "lunch", True)
    assert [(e.position, e.call_id, e.caller_num, e.wait_s) for e in q1.entries] == [
        (1, "c1", "13800138000", 9.0),
        (2, "c2", "", 3.0),
    ]
    assert snapshot.queues[1].strategy == "ringall"
    assert snapshot.live_call_ids() == {"c1", "c2"}


def test_garbled_item_is_left_out_and_counted() -> None:
    counters = Counters()
    garbled = [*QUEUE_STATUS[:2], {**QUEUE_STATUS[2], "Position": "two"}, QUEUE_STATUS[3]]
    snapshot = build_snapshot(garbled, [*CHANNELS[:1], {"Event": "CoreShowChannel"}],
                              ts=1.0, counters=counters)
    assert [e.call_id for e in snapshot.queues[0].entries] == ["c1"]
    assert [c.call_id for c in snapshot.channels] == ["c1"]
    assert counters.malformed_events == {"QueueEntry": 1, "CoreShowChannel": 1}


def test_entry_whose_channel_is_unknown_uses_its_own_uniqueid() -> None:
    snapshot = build_snapshot(QUEUE_STATUS, [], ts=1.0)
    assert [e.call_id for e in snapshot.queues[0].entries] == ["c1;2", "c2;2"]


def test_recorded_channels_carry_age_bridge_application_and_caller() -> None:
    recorded = json.loads((Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "resync"
                           / "bench_q5_one_talking_one_waiting.json").read_text("utf-8"))
    snapshot = build_snapshot(recorded["QueueStatus"], recorded["CoreShowChannels"], ts=1.0)
    callers = {c.leg_id: c for c in snapshot.channels if c.application == "Queue"}
    talking = callers["bench-7439fd6809924410-2"]
    assert (talking.duration_s, talking.app_data.split(",")[0]) == (6, "bench-q5")
    assert (talking.caller_num, talking.caller_name) == ("13900000031", "Bench Caller")
    agent = next(c for c in snapshot.channels if c.application == "AppQueue")
    assert agent.bridge_id == talking.bridge_id != ""
    assert callers["bench-8749952f189f4228-2"].bridge_id == ""
    (entry,) = snapshot.queues[0].entries
    assert (entry.wait_s, entry.caller_name) == (5.0, "Bench Caller")


def test_duration_missing_or_garbled_is_unknown_not_zero() -> None:
    snapshot = build_snapshot([], [{**CHANNELS[0], "Duration": "later"}, CHANNELS[1]], ts=1.0)
    assert [c.duration_s for c in snapshot.channels] == [None, None]
