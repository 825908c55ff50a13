"""Calls in progress when the service (re)connects are adopted from the PBX's resync lists and
registered once when they end, flagged adopted, their whole-second and unknown figures named,
and counted apart from the R1 figures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcenter.ami.snapshot import build_snapshot
from callcenter.calls import sla
from callcenter.calls.call_records import ExitReason, FinishedCall, LiveCall, Phase, TimePrecision
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import (
    AgentAnswered,
    CallerJoinedQueue,
    ChannelSnapshot,
    LegHungUp,
    PbxSnapshot,
    QueueEntrySnapshot,
    QueueSnapshot,
)
from tests.unit.calls.script import pictures_to

pytestmark = pytest.mark.unit

RECORDED = (Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "resync"
            / "bench_q5_one_talking_one_waiting.json")
TALKING = "bench-7439fd6809924410"  # caller 13900000031, bridged to agent1051
WAITING = "bench-8749952f189f4228"  # caller 13900000032, QueueEntry Wait 5
AGENT_1051 = "Local/1051@bench-agents/n"
SECOND, UNKNOWN = TimePrecision.SECOND, TimePrecision.UNKNOWN


class Service:
    """A tracker wired to lists, as the service wires it to the registry and the hub."""

    def __init__(self) -> None:
        self.finished: list[FinishedCall] = []
        self.changes: list[LiveCall] = []
        self.tracker = CallTracker(everywhere(RingRule()), {AGENT_1051: "a1051"}.get,
                                   self.finished.append)
        self.tracker.subscribe(pictures_to(self.changes))

    def rows(self, call_id: str) -> list[FinishedCall]:
        return [call for call in self.finished if call.call_id == call_id]


def recorded_snapshot() -> PbxSnapshot:
    data = json.loads(RECORDED.read_text(encoding="utf-8"))
    return build_snapshot(data["QueueStatus"], data["CoreShowChannels"], ts=data["ts"])


def hangup(snapshot: PbxSnapshot, call_id: str, after_s: float) -> LegHungUp:
    """The caller's own leg hanging up `after_s` after the snapshot."""
    leg = next(c.leg_id for c in snapshot.channels
               if c.call_id == call_id and c.application == "Queue")
    return LegHungUp(snapshot.ts + after_s, call_id, leg, "Local/x;2", 16, "Normal Clearing")


def at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def test_recorded_resync_adopts_the_waiting_and_the_talking_caller_as_live_calls() -> None:
    service = Service()
    snapshot = recorded_snapshot()
    service.tracker.on_snapshot(snapshot)
    live = {call.call_id: call for call in service.tracker.live_calls()}
    assert set(live) == {TALKING, WAITING}
    assert live[WAITING].phase is Phase.WAITING
    assert live[WAITING].queued_ts == snapshot.ts - 5
    assert live[TALKING].phase is Phase.TALKING
    assert live[TALKING].answered_interface == AGENT_1051
    assert live[TALKING].answered_ts is None  # when the agent answered is unknown
    assert {c.caller_num for c in live.values()} == {"13900000031", "13900000032"}
    assert service.finished == []


def test_waiting_caller_adopted_then_hanging_up_is_one_abandoned_row_with_whole_second_wait(
) -> None:
    service = Service()
    snapshot = recorded_snapshot()
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(hangup(snapshot, WAITING, after_s=2.5))
    (call,) = service.rows(WAITING)
    assert call.adopted
    assert call.exit_reason is ExitReason.QUEUE_HANGUP
    assert call.abandoned
    assert call.queue == "bench-q5"
    assert call.queued_at == at(snapshot.ts - 5)  # QueueEntry Wait: 5
    assert call.entered_at == at(snapshot.ts - 6)  # CoreShowChannel Duration: 00:00:06
    assert call.wait_s == 7.5
    assert call.within_rule is None
    assert dict(call.precision) == {"caller_rings": SECOND, "entered_at": SECOND,
                                    "menu_s": SECOND, "queued_at": SECOND, "wait_s": SECOND}


def test_bridged_caller_adopted_then_hanging_up_is_one_answered_row_with_rings_unknown() -> None:
    service = Service()
    snapshot = recorded_snapshot()
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(hangup(snapshot, TALKING, after_s=9.0))
    (call,) = service.rows(TALKING)
    assert call.adopted
    assert call.answered
    assert call.exit_reason is ExitReason.ANSWERED
    assert (call.answered_interface, call.answered_by_agent) == (AGENT_1051, "a1051")
    assert call.queue == "bench-q5"
    assert call.offered
    assert call.entered_at == at(snapshot.ts - 6)
    assert call.ended_at == at(snapshot.ts + 9)
    assert (call.answered_at, call.queued_at, call.wait_s, call.caller_rings) == (
        None, None, None, None)
    assert (call.within_rule, call.talk_s, call.legs, call.visits) == (None, None, (), ())
    assert {name for name, p in call.precision if p is UNKNOWN} == {
        "answered_at", "caller_rings", "legs", "menu_s", "queued_at", "talk_s", "wait_s"}


def test_a_second_resync_and_a_repeated_hangup_register_each_adopted_call_once() -> None:
    service = Service()
    snapshot = recorded_snapshot()
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_snapshot(snapshot)  # a reconnect: the calls are known already
    service.tracker.on_event(hangup(snapshot, WAITING, after_s=1))
    service.tracker.on_event(hangup(snapshot, TALKING, after_s=2))
    service.tracker.on_snapshot(snapshot)  # a stale list after they ended: not adopted again
    service.tracker.on_event(hangup(snapshot, TALKING, after_s=2))
    assert sorted(call.call_id for call in service.finished) == sorted([TALKING, WAITING])
    assert len(service.tracker) == 0


def typed_snapshot(wait_s: float, *, ts: float = 1_790_000_100.0) -> PbxSnapshot:
    """One caller waiting `wait_s` in bench-q1, in the snapshot's own typed records."""
    entry = QueueEntrySnapshot("bench-q1", "c7", "c7-2", 1, wait_s, "13800138000",
                               "Wang Wu")
    channel = ChannelSnapshot("c7", "c7-2", "Local/bench-q1@bench-inbound-00000007;2", "Up",
                              caller_num="13800138000", application="Queue",
                              app_data="bench-q1,c,,,300", duration_s=int(wait_s) + 3)
    return PbxSnapshot(ts, (QueueSnapshot("bench-q1", "rrmemory", (), (entry,)),), (channel,))


def test_adopted_wait_of_7_s_then_hangup_is_counted_apart_not_judged() -> None:
    service = Service()
    snapshot = typed_snapshot(7)
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(LegHungUp(snapshot.ts + 0.4, "c7", "c7-2", "x", 16, "Normal"))
    (call,) = service.finished
    assert call.adopted
    assert call.abandoned
    assert call.caller_name == "Wang Wu"
    assert call.wait_s == 7.4
    assert call.precision_of("wait_s") is SECOND
    assert call.caller_num_e164 == "+8613800138000"
    level = sla.service_level([call], rule_for=everywhere(RingRule()), short_abandon_s=5)
    assert (level.listed, level.adopted, level.offered, level.abandoned) == (1, 1, 0, 0)
    assert sla.breaches([call], rule_for=everywhere(RingRule())) == []


def test_adopted_caller_answered_after_adoption_keeps_the_exact_answer_but_is_not_judged(
) -> None:
    service = Service()
    snapshot = typed_snapshot(12)
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(AgentAnswered(
        snapshot.ts + 3.1, "c7", "c7-2", agent_leg_id="agent-1", queue="bench-q1",
        interface=AGENT_1051, member_name="agent1051", hold_s=15, ring_s=2))
    service.tracker.on_event(LegHungUp(snapshot.ts + 20, "c7", "c7-2", "x", 16, "Normal"))
    (call,) = service.finished
    assert call.adopted
    assert call.answered_at == at(snapshot.ts + 3.1)
    assert call.wait_s == 15.1  # 12 s before adoption (whole seconds) + 3.1 s after
    assert call.within_rule is None  # 15.1 s is 4 rings, but the 12 may have been 11.x
    assert [leg.answered for leg in call.legs] == [True]
    assert call.talk_s == 16.9


def test_a_call_followed_from_its_queue_join_is_not_adopted_when_a_resync_lists_it() -> None:
    service = Service()
    snapshot = typed_snapshot(3)
    service.tracker.on_event(CallerJoinedQueue(snapshot.ts - 3.25, "c7", "c7-2", "bench-q1", 1,
                                               "13800138000", "Wang Wu"))
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(LegHungUp(snapshot.ts + 1, "c7", "c7-2", "x", 16, "Normal"))
    (call,) = service.finished
    assert not call.adopted
    assert call.precision == ()
    assert call.wait_s == 4.25
    assert call.within_rule is False
