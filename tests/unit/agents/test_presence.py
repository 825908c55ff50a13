"""Agent state from a real bench recording: agent 1201 logs in, pauses for a break, resumes,
takes a call (rings 2 s, talks 2 s), pauses for wrap-up and logs out
(`callcenter.pbx.scenarios`, scenario agent_logs_in_pauses_takes_a_call_and_logs_out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.agents.presence import AgentState, Presence, PresenceTracker, transfer_queue
from callcenter.ami import replay
from callcenter.events import PbxSnapshot, QueueMemberSnapshot, QueueSnapshot

pytestmark = pytest.mark.unit

TRANSCRIPT = (Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "scenarios"
              / "agent_logs_in_pauses_takes_a_call_and_logs_out.ami")
AGENT = "Local/1201@bench-agents/n"


def states_seen() -> list[Presence]:
    seen: list[Presence] = []
    tracker = PresenceTracker(on_change=seen.append)
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
    tracker = PresenceTracker()
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


def _desk(interface: str, state: AgentState, *queues: str) -> Presence:
    return Presence(interface=interface, state=state, since=0.0, queues=tuple(sorted(queues)),
                    paused_reason="", call_ids=())


def test_a_transfer_goes_through_the_colleagues_queue_where_nobody_else_is_free() -> None:
    """R6: a queue rings whoever is free, so the one where only the colleague is free."""
    colleague = _desk("PJSIP/1002", AgentState.AVAILABLE, "hotline", "cantonese")
    everyone = [colleague,
                _desk("PJSIP/1003", AgentState.AVAILABLE, "hotline"),
                _desk("PJSIP/1004", AgentState.ON_CALL, "cantonese"),
                _desk("PJSIP/1005", AgentState.PAUSED, "cantonese")]
    assert transfer_queue(colleague, everyone) == ("cantonese", 0)


def test_with_someone_else_free_everywhere_the_fewest_is_chosen_and_counted() -> None:
    colleague = _desk("PJSIP/1002", AgentState.AVAILABLE, "a-queue", "b-queue")
    everyone = [colleague,
                _desk("PJSIP/1003", AgentState.AVAILABLE, "a-queue", "b-queue"),
                _desk("PJSIP/1004", AgentState.AVAILABLE, "a-queue")]
    assert transfer_queue(colleague, everyone) == ("b-queue", 1)
    alone = [colleague, _desk("PJSIP/1003", AgentState.AVAILABLE, "a-queue", "b-queue")]
    assert transfer_queue(colleague, alone) == ("a-queue", 1)  # a tie: the first, stably


def test_a_colleague_in_no_queue_cannot_be_transferred_to() -> None:
    with pytest.raises(ValueError, match="in no queue"):
        transfer_queue(_desk("PJSIP/1002", AgentState.LOGGED_OUT), [])
