"""R1 maths: ring counts at the boundary, service level with interrupted calls and short
abandons, breaches with the agents who let the call ring."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from callcenter.calls import sla
from callcenter.calls.call_records import AgentLeg, ExitReason, FinishedCall, LegEnd

pytestmark = pytest.mark.unit

SITE = sla.everywhere(sla.RingRule())  # the default rule: 3 rings of 5 s

START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("wait_s", "rings"),
    [
        (0.0, 0),
        (0.2, 1),
        (5.0, 1),
        (5.001, 2),
        (14.999, 3),
        (15.0, 3),
        (15.0004, 3),  # float dust below a millisecond is not a ring
        (15.000000001, 3),
        (15.001, 4),
        (15.1, 4),
        (-0.3, 0),  # clock skew never makes negative rings
    ],
)
def test_rings_are_the_wait_over_the_cycle_rounded_up(wait_s: float, rings: int) -> None:
    assert sla.rings(wait_s, 5.0) == rings


def test_answered_at_15_0_seconds_is_within_three_rings_and_15_1_is_not() -> None:
    assert sla.within_rule(15.0, max_rings=3, ring_cycle_s=5.0)
    assert not sla.within_rule(15.1, max_rings=3, ring_cycle_s=5.0)


def test_another_cadence_moves_the_boundary() -> None:
    assert sla.rings(12.0, 6.0) == 2
    assert sla.within_rule(18.0, max_rings=3, ring_cycle_s=6.0)


def test_a_zero_cycle_is_refused() -> None:
    with pytest.raises(ValueError, match="ring cycle"):
        sla.rings(3.0, 0.0)


def verdict(wait_s: float | None, *, answered: bool, interrupted: bool) -> bool | None:
    """`within_rule` as the tracker records it under the default rule."""
    if wait_s is None:
        return None
    if answered:
        return sla.within_rule(wait_s, max_rings=3, ring_cycle_s=5.0)
    return None if interrupted else False


def make(
    n: int,
    *,
    wait_s: float | None = 10.0,
    answered: bool = True,
    reason: ExitReason = ExitReason.ANSWERED,
    interrupted: bool = False,
    legs: tuple[AgentLeg, ...] = (),
) -> FinishedCall:
    queued = START if wait_s is not None else None
    return FinishedCall(
        call_id=f"c{n}",
        caller_num_raw="13800138000",
        caller_num_e164="+8613800138000",
        caller_name="",
        queue="hotline",
        entered_at=START,
        queued_at=queued,
        answered_at=START + timedelta(seconds=wait_s or 0) if answered else None,
        ended_at=START + timedelta(minutes=5),
        menu_s=1.0,
        wait_s=wait_s,
        caller_rings=None if wait_s is None else sla.rings(wait_s, 5.0),
        within_rule=verdict(wait_s, answered=answered, interrupted=interrupted),
        answered_by_agent="zhang.wei" if answered else None,
        answered_interface="PJSIP/5001" if answered else None,
        talk_s=60.0 if answered else None,
        exit_reason=reason,
        abandon_position=None,
        interrupted=interrupted,
        legs=legs,
    )


def abandon(n: int, wait_s: float) -> FinishedCall:
    return make(n, wait_s=wait_s, answered=False, reason=ExitReason.QUEUE_HANGUP)


def test_service_level_leaves_out_interrupted_calls_and_shows_the_short_abandon_variant() -> None:
    calls = [
        make(1, wait_s=3.0),
        make(2, wait_s=15.0),  # 3 rings: within
        make(3, wait_s=15.1),  # 4 rings: late
        abandon(4, 5.0),  # short abandon (boundary included)
        abandon(5, 2.0),  # short abandon
        abandon(6, 5.001),  # not short
        make(7, wait_s=0.0, answered=False, reason=ExitReason.QUEUE_EMPTY),
        make(8, wait_s=4.0, interrupted=True),  # answered, then cut off: out of both figures
        make(9, wait_s=20.0, answered=False, reason=ExitReason.INTERRUPTED, interrupted=True),
        make(10, wait_s=None, answered=False, reason=ExitReason.MENU_HANGUP),  # not offered
    ]
    level = sla.service_level(calls, rule_for=SITE, short_abandon_s=5.0)
    assert (level.listed, level.interrupted, level.offered) == (10, 2, 7)
    assert (level.answered, level.answered_within) == (3, 2)
    assert (level.abandoned, level.short_abandons) == (3, 2)
    assert (level.standard.numerator, level.standard.denominator) == (2, 7)
    assert level.standard.value == pytest.approx(2 / 7)
    assert (level.excluding_short_abandons.numerator,
            level.excluding_short_abandons.denominator) == (2, 5)
    assert level.standard.formula == "answered within 3 rings (≤ 15 s) ÷ offered"
    assert level.excluding_short_abandons.formula == (
        "answered within 3 rings (≤ 15 s) ÷ (offered − abandoned within 5 s)"
    )
    assert str(level.standard).endswith("= 2 ÷ 7 = 28.6%")


def test_nothing_offered_gives_no_figure_rather_than_100_percent() -> None:
    level = sla.service_level([], rule_for=SITE, short_abandon_s=5.0)
    assert level.standard.value is None
    assert "n/a" in str(level.standard)


def leg(seq: int, agent: str, end: LegEnd, ring_s: float, *, missed: bool = False) -> AgentLeg:
    return AgentLeg(
        seq=seq, visit_seq=1, queue="hotline", leg_id=f"l{seq}", interface=f"PJSIP/{seq}",
        member_name=agent, agent_id=agent, rang_at=START, ended_at=START, ring_s=ring_s,
        rings=sla.rings(ring_s, 5.0), answered=end is LegEnd.ANSWERED, missed=missed,
        ended_by=end,
    )


def test_breaches_list_late_and_long_unanswered_calls_with_who_let_them_ring() -> None:
    late = make(1, wait_s=25.0, legs=(
        leg(1, "a", LegEnd.RANG_OUT, 15.0, missed=True),
        leg(2, "b", LegEnd.COLLEAGUE_ANSWERED, 4.0),  # colleague answered within 1 ring
        leg(3, "c", LegEnd.ANSWERED, 4.0),
    ))
    long_wait = replace(abandon(2, 40.0), legs=(leg(1, "d", LegEnd.CALLER_LEFT, 8.0),))
    fine = [make(3, wait_s=15.0), abandon(4, 9.0), make(5, wait_s=30.0, interrupted=True)]
    found = sla.breaches([late, long_wait, *fine], rule_for=SITE)
    assert [(b.call.call_id, b.rings) for b in found] == [("c1", 5), ("c2", 8)]
    assert [x.agent_id for x in found[0].let_ring] == ["a"]
    assert [x.agent_id for x in found[1].let_ring] == ["d"]


def test_ring_all_colleagues_of_a_late_answer_let_the_call_ring() -> None:
    call = make(1, wait_s=20.0, legs=(
        leg(1, "a", LegEnd.COLLEAGUE_ANSWERED, 19.0, missed=True),  # the answer took 4 rings
        leg(2, "b", LegEnd.ANSWERED, 19.0),
    ))
    (breach,) = sla.breaches([call], rule_for=SITE)
    assert [x.agent_id for x in breach.let_ring] == ["a"]


@pytest.mark.parametrize(
    ("end", "colleague_rings", "missed"),
    [
        (LegEnd.RANG_OUT, None, True),
        (LegEnd.REJECTED, None, True),
        (LegEnd.DUMPED, None, True),
        (LegEnd.COLLEAGUE_ANSWERED, 3, False),
        (LegEnd.COLLEAGUE_ANSWERED, 4, True),
        (LegEnd.CALLER_LEFT, None, False),
        (LegEnd.CANCELLED, None, False),
        (LegEnd.INTERRUPTED, None, False),
    ],
)
def test_which_unanswered_rings_are_an_agents_miss(
    end: LegEnd, colleague_rings: int | None, missed: bool
) -> None:
    assert sla.agent_missed(end, colleague_rings, 3) is missed
