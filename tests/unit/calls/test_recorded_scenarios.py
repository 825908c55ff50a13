"""Replays AMI transcripts recorded from the real bench PBX through the call tracker.

Each transcript is one scenario of `callcenter.devtools.pbx.scenarios`, recorded alone with
`callcenter scenario --record tests/fixtures/ami/scenarios`. The expected figures follow from
how each scenario was built (an agent's ring seconds, a caller's patience), written here by
hand: 5 s a ring (R1), so a 2 s ring is 1 ring and anything over 15 s is a breach. PBX start-up
costs (Answer() waits ~0.5 s on a Local channel, the queue's retry second) are why some
expectations are ranges.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.ami import replay
from callcenter.calls.call_records import ExitReason, FinishedCall, LegEnd
from callcenter.calls.sla import RingRule, RuleFor, breaches, everywhere, service_level
from callcenter.calls.tracker import CallTracker

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ami" / "scenarios"
SITE = everywhere(RingRule())  # the default rule: 3 rings of 5 s


def agent_of(interface: str) -> str | None:
    """The bench's directory: Local/1051@bench-agents/n belongs to agent a1051."""
    ext = interface.removeprefix("Local/").split("@", 1)[0]
    return f"a{ext}" if ext.isdigit() else None


def replay_calls(name: str, rule_for: RuleFor = SITE) -> list[FinishedCall]:
    finished: list[FinishedCall] = []
    tracker = CallTracker(rule_for, resolve_agent=agent_of, sink=finished.append)
    for event in replay(FIXTURES / f"{name}.ami", wanted=tracker.wants):
        tracker.on_event(event)
    assert tracker.live_calls() == [], "every recorded call ended within its transcript"
    return sorted(finished, key=lambda c: c.entered_at)


def only_call(name: str, rule_for: RuleFor = SITE) -> FinishedCall:
    calls = replay_calls(name, rule_for)
    assert len(calls) == 1
    return calls[0]


def test_transcripts_name_the_asterisk_version() -> None:
    for path in FIXTURES.glob("*.ami"):
        assert path.read_bytes().splitlines()[1].startswith(b"# asterisk: Asterisk 22.")


def test_agent_ringing_2_s_answers_within_1_ring() -> None:
    call = only_call("answered_within_1_ring")
    assert call.exit_reason is ExitReason.ANSWERED
    assert call.wait_s == pytest.approx(2.0, abs=0.5)
    assert call.caller_rings == 1
    assert call.within_rule is True
    assert call.answered_by_agent == "a1051"
    assert call.caller_num_raw == "13900000001"
    assert call.caller_num_e164 == "+8613900000001"
    assert breaches([call], rule_for=SITE) == []


def test_caller_waiting_for_a_busy_agent_is_answered_after_4_rings_and_breaches() -> None:
    first, second = replay_calls("answered_after_4_rings")
    assert first.caller_num_raw == "13900000002"
    assert first.caller_rings == 1
    assert first.within_rule is True
    # The agent talks 15 s with the first caller, who was answered ~1 s after entering; the
    # second caller joined 1 s after the first and rings the agent when the first call ends.
    assert second.caller_num_raw == "13900000003"
    assert second.exit_reason is ExitReason.ANSWERED
    assert second.answered_by_agent == "a1071"
    assert 15.0 < second.wait_s <= 20.0  # type: ignore[operator]
    assert second.caller_rings == 4
    assert second.within_rule is False
    [breach] = breaches([first, second], rule_for=SITE)
    assert breach.call.call_id == second.call_id
    assert breach.rings == 4


def test_first_agent_rings_out_and_is_a_miss_then_second_answers() -> None:
    call = only_call("first_rings_out_second_answers")
    assert call.exit_reason is ExitReason.ANSWERED
    assert call.answered_by_agent == "a1102"
    # 3 s member timeout on 1101, 1 s retry, 1102 rings 2 s: about 6 s, 2 rings.
    assert call.wait_s == pytest.approx(6.0, abs=1.0)
    assert call.caller_rings == 2
    missed = [leg for leg in call.legs if leg.missed]
    assert [leg.agent_id for leg in missed] == ["a1101"]
    assert missed[0].ended_by is LegEnd.RANG_OUT
    assert missed[0].ring_s == pytest.approx(3.0, abs=0.5)
    answering = [leg for leg in call.legs if leg.answered]
    assert [leg.agent_id for leg in answering] == ["a1102"]
    assert answering[0].rings == 1


def test_ring_all_answered_by_one_of_three_counts_no_miss() -> None:
    call = only_call("ringall_one_of_three_answers")
    assert call.exit_reason is ExitReason.ANSWERED
    assert call.answered_by_agent == "a1092"
    assert call.wait_s == pytest.approx(3.0, abs=0.5)
    assert call.caller_rings == 1
    assert {leg.agent_id for leg in call.legs} == {"a1091", "a1092", "a1093"}
    assert not any(leg.missed for leg in call.legs)
    others = [leg for leg in call.legs if not leg.answered]
    assert all(leg.ended_by is LegEnd.COLLEAGUE_ANSWERED for leg in others)


def test_caller_hanging_up_while_the_agent_rings_is_an_abandon_at_position_1() -> None:
    call = only_call("caller_hangs_up_while_agent_rings")
    assert call.exit_reason is ExitReason.RINGING_HANGUP
    assert call.answered_at is None
    assert call.answered_by_agent is None
    assert call.abandon_position == 1
    # Patience 6 s from entry, of which ~0.5 s is the entry's Answer(): ~5.5 s in the queue.
    assert call.wait_s == pytest.approx(5.5, abs=0.6)
    assert call.caller_rings == 2
    level = service_level([call], rule_for=SITE, short_abandon_s=5.0)
    assert (level.offered, level.answered_within, level.abandoned) == (1, 0, 1)


def test_caller_hanging_up_with_no_agent_free_is_a_short_abandon() -> None:
    call = only_call("caller_hangs_up_with_no_agent_free")
    assert call.exit_reason is ExitReason.QUEUE_HANGUP
    assert call.legs == ()
    assert call.wait_s == pytest.approx(3.5, abs=0.6)
    level = service_level([call], rule_for=SITE, short_abandon_s=5.0)
    assert level.standard.denominator == 1
    assert level.short_abandons == 1
    assert level.excluding_short_abandons.denominator == 0
    assert level.excluding_short_abandons.value is None


def test_queue_timeout_is_told_apart_from_a_hang_up() -> None:
    call = only_call("queue_timeout")
    assert call.exit_reason is ExitReason.QUEUE_TIMEOUT
    assert call.wait_s == pytest.approx(5.0, abs=0.6)
    assert call.caller_rings in (1, 2)  # 5.0 s is 1 ring, a millisecond more is 2
    assert call.answered_at is None


def test_two_calls_at_once_are_both_answered_by_different_agents() -> None:
    calls = replay_calls("two_calls_at_once")
    assert len(calls) == 2
    assert {c.caller_num_raw for c in calls} == {"13900000009", "13900000010"}
    assert {c.answered_by_agent for c in calls} == {"a1021", "a1022"}
    waits = {c.answered_by_agent: c.wait_s for c in calls}
    assert waits["a1021"] == pytest.approx(2.0, abs=0.5)
    assert waits["a1022"] == pytest.approx(4.0, abs=0.5)
    assert all(c.within_rule for c in calls)
    assert calls[0].call_id != calls[1].call_id


def test_replaying_a_transcript_twice_through_one_tracker_finishes_each_call_once() -> None:
    finished: list[FinishedCall] = []
    tracker = CallTracker(SITE, resolve_agent=agent_of, sink=finished.append)
    events = list(replay(FIXTURES / "two_calls_at_once.ami", wanted=tracker.wants))
    for event in events + events:
        tracker.on_event(event)
    assert len(finished) == 2


def queue_rule(queue: str, rule: RingRule) -> RuleFor:
    """`rule` for `queue`, the default rule for every other queue (as the directory does)."""
    return lambda name: rule if name == queue else RingRule()


def test_a_2_ring_answer_breaches_a_queue_whose_rule_is_1_ring() -> None:
    rule_for = queue_rule("bench-rna", RingRule(1, 5.0))
    call = only_call("first_rings_out_second_answers", rule_for)
    assert call.caller_rings == 2
    assert call.within_rule is False
    [breach] = breaches([call], rule_for=rule_for)
    assert [leg.agent_id for leg in breach.let_ring] == ["a1101"]


def test_a_4_ring_answer_is_within_a_queue_whose_rule_is_4_rings() -> None:
    rule_for = queue_rule("bench-q7", RingRule(4, 5.0))
    first, second = replay_calls("answered_after_4_rings", rule_for)
    assert (second.caller_rings, second.within_rule) == (4, True)
    assert breaches([first, second], rule_for=rule_for) == []
    level = service_level([first, second], rule_for=rule_for, short_abandon_s=5.0)
    assert level.answered_within == 2
    assert level.standard.formula == "answered within 4 rings (≤ 20 s) ÷ offered"


def test_ring_all_colleagues_miss_when_the_answer_is_late_for_the_queue_rule() -> None:
    # Every phone rang ~3 s: 2 rings of 2 s, one more than this queue allows.
    rule_for = queue_rule("bench-ringall", RingRule(1, 2.0))
    call = only_call("ringall_one_of_three_answers", rule_for)
    assert call.within_rule is False
    assert all(leg.rings == 2 for leg in call.legs)
    assert sorted(leg.agent_id or "" for leg in call.legs if leg.missed) == ["a1091", "a1093"]
    [breach] = breaches([call], rule_for=rule_for)
    assert sorted(leg.agent_id or "" for leg in breach.let_ring) == ["a1091", "a1093"]
