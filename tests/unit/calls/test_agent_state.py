"""Agent state, as the live-state owner keeps it, from a real bench recording: agent 1201
logs in, pauses for a break, resumes, takes a call (rings 2 s, talks 2 s), pauses for
wrap-up and logs out
(`callcenter.devtools.pbx.scenarios`, scenario agent_logs_in_pauses_takes_a_call_and_logs_out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.ami import replay
from callcenter.calls.agent_state import AgentState, Presence
from callcenter.calls.changes import AgentChanged, Change
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import PbxSnapshot, QueueMemberSnapshot, QueueSnapshot

pytestmark = pytest.mark.unit

TRANSCRIPT = (Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "scenarios"
              / "agent_logs_in_pauses_takes_a_call_and_logs_out.ami")
AGENT = "Local/1201@bench-agents/n"


def owner() -> CallTracker:
    return CallTracker(everywhere(RingRule()), lambda interface: None)


def states_seen() -> list[Presence]:
    seen: list[Presence] = []

    def heard(change: Change) -> None:
        if isinstance(change, AgentChanged):
            seen.append(change.presence)

    tracker = owner()
    tracker.subscribe(heard)
    for event in replay(TRANSCRIPT, wanted=tracker.wants):
        tracker.on_event(event)
    return [p for p in seen if p.interface == AGENT]


def test_agent_state_follows_the_pbx_through_a_working_session() -> None:
    states = [p.state for p in states_seen()]
    collapsed = [s for i, s in enumerate(states) if i == 0 or s != states[i - 1]]
    assert collapsed == [
        AgentState.AVAILABLE,
        AgentState.PAUSED,
        AgentState.AVAILABLE,
        AgentState.RINGING,
        AgentState.ON_CALL,
        AgentState.AVAILABLE,
        AgentState.WRAP_UP,
        AgentState.LOGGED_OUT,
    ]


def test_pause_carries_its_reason_and_the_time_from_the_pbx() -> None:
    seen = states_seen()
    paused = next(p for p in seen if p.state is AgentState.PAUSED)
    assert paused.paused_reason == "break"
    assert paused.queues == ("bench-dynamic",)
    wrap = next(p for p in seen if p.state is AgentState.WRAP_UP)
    assert wrap.paused_reason == "wrap-up"
    assert wrap.since > paused.since > 1.7e9


def test_ringing_and_on_call_name_the_call() -> None:
    seen = states_seen()
    ringing = next(p for p in seen if p.state is AgentState.RINGING)
    talking = next(p for p in seen if p.state is AgentState.ON_CALL)
    assert ringing.call_ids
    assert ringing.call_ids == talking.call_ids
    assert talking.since - ringing.since == pytest.approx(2.0, abs=0.5)


def test_snapshot_after_reconnect_drops_a_ring_that_ended_while_the_link_was_down() -> None:
    tracker = owner()
    for event in replay(TRANSCRIPT, wanted=tracker.wants):
        tracker.on_event(event)
        if tracker.presence(AGENT).state is AgentState.RINGING:
            break
    member = QueueMemberSnapshot("bench-dynamic", AGENT, "agent1201", status=1, paused=False,
                                 paused_reason="", in_call=False)
    tracker.on_snapshot(PbxSnapshot(ts=2e9, channels=(), queues=(
        QueueSnapshot("bench-dynamic", "rrmemory", (member,), ()),)))
    assert tracker.presence(AGENT).state is AgentState.AVAILABLE
    tracker.on_snapshot(PbxSnapshot(ts=2e9 + 1, channels=(), queues=()))
    assert tracker.presence(AGENT).state is AgentState.LOGGED_OUT
