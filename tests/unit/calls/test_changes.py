"""The live-state owner's change records, from real bench recordings: each ring told once,
with the reason it ended, in the order the PBX said it, and one CallEnded per call."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.ami import replay
from callcenter.calls.changes import (
    AgentLeft,
    CallEnded,
    CallEntered,
    CallerGaveUp,
    Change,
    RingAnswered,
    RingEnded,
    RingStarted,
)
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import AgentRung

pytestmark = pytest.mark.unit

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "scenarios"


def agent_of(interface: str) -> str | None:
    ext = interface.removeprefix("Local/").split("@", 1)[0]
    return f"a{ext}" if ext.isdigit() else None


def records_of(name: str) -> list[Change]:
    tracker = CallTracker(everywhere(RingRule()), agent_of)
    seen: list[Change] = []
    tracker.subscribe(seen.append)
    for event in replay(SCENARIOS / f"{name}.ami", wanted=tracker.wants):
        tracker.on_event(event)
    return seen


def story(records: list[Change]) -> list[tuple[str, str]]:
    """The ring-level records as (record, agent or reason), in order."""
    out: list[tuple[str, str]] = []
    for r in records:
        if isinstance(r, RingStarted | RingAnswered | AgentLeft):
            out.append((type(r).__name__, r.ring.agent_id or "?"))
        elif isinstance(r, RingEnded):
            out.append((type(r).__name__, f"{r.ring.agent_id}:{r.reason.value}"))
        elif isinstance(r, CallerGaveUp | CallEnded):
            out.append((type(r).__name__, ""))
    return out


def test_ring_all_tells_three_rings_one_answer_and_two_colleague_answered() -> None:
    records = records_of("ringall_one_of_three_answers")
    told = story(records)
    started = [who for kind, who in told if kind == "RingStarted"]
    ended = [who for kind, who in told if kind == "RingEnded"]
    answered = [who for kind, who in told if kind == "RingAnswered"]
    assert len(started) == 3
    assert len(set(started)) == 3
    assert len(answered) == 1
    assert sorted(ended) == sorted(f"{a}:answered_elsewhere" for a in started
                                   if a not in answered)
    assert told.count(("AgentLeft", answered[0])) == 1
    assert sum(isinstance(r, CallEnded) for r in records) == 1


def test_a_caller_hanging_up_while_the_agent_rings_ends_the_ring_as_caller_left() -> None:
    told = story(records_of("caller_hangs_up_while_agent_rings"))
    agent = told[0][1]
    assert told == [("RingStarted", agent), ("RingEnded", f"{agent}:caller_left"),
                    ("CallerGaveUp", ""), ("CallEnded", "")]


def test_a_ring_out_then_a_colleague_answers() -> None:
    told = story(records_of("first_rings_out_second_answers"))
    ended = [who for kind, who in told if kind == "RingEnded"]
    assert len(ended) == 1
    assert ended[0].endswith(":rang_out")
    assert [kind for kind, _ in told].count("RingAnswered") == 1


def test_the_caller_number_is_normalised_once_on_the_call_and_rides_on_each_ring() -> None:
    records = records_of("answered_within_1_ring")
    entered = next(r for r in records if isinstance(r, CallEntered))
    ring = next(r.ring for r in records if isinstance(r, RingStarted))
    assert ring.caller_num == entered.call.caller_num
    assert ring.caller_num_e164 == entered.call.caller_num_e164


def test_a_ring_seen_again_is_told_once() -> None:
    tracker = CallTracker(everywhere(RingRule()), agent_of)
    seen: list[Change] = []
    tracker.subscribe(seen.append)
    ring = AgentRung(1.0, "c1", "caller", "agent-leg", "q", "Local/1051@bench-agents/n", "",
                     "13800138000", "")
    tracker.on_event(ring)
    tracker.on_event(ring)
    assert sum(isinstance(r, RingStarted) for r in seen) == 1
