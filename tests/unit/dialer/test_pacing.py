"""Caps on concurrent calls and originates per second are never exceeded (fake clock)."""

from __future__ import annotations

import random

import pytest

from dialer.pacing import Pacer

pytestmark = pytest.mark.unit


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_global_cap_closes_every_kind() -> None:
    pacer = Pacer(2, {}, 10)
    pacer.take("technician_survey")
    pacer.take("renewal_notice")
    assert pacer.free_kinds(["technician_survey", "renewal_notice"]) == []
    pacer.give_back("renewal_notice")
    assert pacer.free_kinds(["technician_survey", "renewal_notice"]) == [
        "technician_survey", "renewal_notice"]


def test_kind_cap_closes_only_that_kind() -> None:
    pacer = Pacer(5, {"renewal_notice": 1}, 10)
    pacer.take("renewal_notice")
    assert pacer.free_kinds(["technician_survey", "renewal_notice"]) == ["technician_survey"]
    with pytest.raises(RuntimeError, match="no free line"):
        pacer.take("renewal_notice")
    assert pacer.in_flight == 1


def test_taking_and_giving_back_many_times_never_exceeds_the_caps() -> None:
    pacer = Pacer(3, {"delivery_check": 2}, 10)
    kinds = ["delivery_check", "technician_survey"]
    chooser = random.Random(7)
    peak = peak_delivery = 0
    for _ in range(500):
        free = pacer.free_kinds(kinds)
        if free and chooser.random() < 0.6:
            pacer.take(chooser.choice(free))
        else:
            pacer.give_back(chooser.choice(kinds))
        assert pacer.in_flight <= 3
        assert pacer.busy("delivery_check") <= 2
        peak = max(peak, pacer.in_flight)
        peak_delivery = max(peak_delivery, pacer.busy("delivery_check"))
    assert (peak, peak_delivery) == (3, 2)


def test_originates_are_spaced_so_no_second_holds_more_than_the_rate() -> None:
    clock = FakeClock()
    pacer = Pacer(100, {}, 2.0, clock=clock)
    starts = []
    for _ in range(9):  # a burst asked for at the same instant
        starts.append(clock.now + pacer.originate_delay())
    assert starts == [100.0 + 0.5 * n for n in range(9)]
    for first in starts:
        assert sum(1 for s in starts if first <= s < first + 1.0) <= 2


def test_an_idle_pacer_lets_the_next_originate_go_at_once() -> None:
    clock = FakeClock()
    pacer = Pacer(1, {}, 1.0, clock=clock)
    assert pacer.originate_delay() == 0
    clock.now += 5
    assert pacer.originate_delay() == 0
    assert pacer.originate_delay() == 1.0


async def test_wait_turn_sleeps_for_its_slot() -> None:
    clock = FakeClock()
    pacer = Pacer(1, {}, 50.0, clock=clock)
    await pacer.wait_turn()
    await pacer.wait_turn()  # 20 ms later on the fake clock: a real 20 ms sleep


def test_rejects_nonsense_caps() -> None:
    with pytest.raises(ValueError, match="max_calls"):
        Pacer(0, {}, 1)
