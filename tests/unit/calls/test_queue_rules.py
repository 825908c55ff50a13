"""R1 per queue: a call is judged by the rule of the queue it first waited in, with that
queue's number of rings and ring length; a queue without a rule of its own has the site's."""

from __future__ import annotations

from dataclasses import replace

import pytest

from callcenter.calls import sla
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.sla import RingRule
from tests.unit.calls.script import Call, Harness

pytestmark = pytest.mark.unit

A, B = "PJSIP/5001", "PJSIP/5002"
RULES = {"sales": RingRule(3, 5.0), "repairs": RingRule(2, 5.0), "callbacks": RingRule(6, 2.5)}
SITE = RingRule(4, 6.0)  # unlike either queue's, so that a fallback shows


def rule_for(queue: str | None) -> RingRule:
    return RULES.get(queue or "", SITE)


def answered_after_12_s(*queues: str) -> dict[str, FinishedCall]:
    """One call per queue, each answered 12 s after joining it; by queue."""
    h = Harness(rule_for=rule_for)
    for n, queue in enumerate(queues):
        h.feed(Call(f"1790000000.{n}", queue=queue).answered_by(
            A, join=1.0, rung=1.5, answer=13.0, end=60.0))
    return {call.queue or "": call for call in h.finished}


def test_the_same_12_s_wait_is_within_3_rings_of_5_s_and_a_breach_of_2_rings_of_5_s() -> None:
    calls = answered_after_12_s("sales", "repairs")
    sales, repairs = calls["sales"], calls["repairs"]
    assert sales.wait_s == repairs.wait_s == 12.0
    assert (sales.caller_rings, sales.within_rule) == (3, True)
    assert (repairs.caller_rings, repairs.within_rule) == (3, False)
    [breach] = sla.breaches(calls.values(), rule_for=rule_for)
    assert breach.call is repairs


def test_a_queue_without_a_rule_of_its_own_has_the_site_rule() -> None:
    walk_in = answered_after_12_s("walk-in")["walk-in"]
    assert (walk_in.caller_rings, walk_in.within_rule) == (2, True)  # 12 s of 6 s rings
    h = Harness(rule_for=rule_for).feed(
        Call().answered_by(A, join=1.0, rung=1.5, answer=26.0, end=60.0))
    assert (h.only().caller_rings, h.only().within_rule) == (5, False)  # 25 s: 5 rings of 6 s


def test_a_call_through_two_queues_is_judged_by_the_rule_of_the_first() -> None:
    def through(first: str, second: str) -> FinishedCall:
        c = Call(queue=first)
        return Harness(rule_for=rule_for).feed(
            c.hotline(0), c.join(1), c.rung(1.5, A), c.ring_no_answer(6.5, A, 5000),
            c.exited(7, "TIMEOUT"), c.join(7.5, queue=second), c.rung(8, B, queue=second),
            c.dial_end(13, B, "ANSWER"), c.leave(13.001, queue=second),
            c.connect(13.002, B), c.hangup(60),
        ).only()

    sales_first, repairs_first = through("sales", "repairs"), through("repairs", "sales")
    assert sales_first.wait_s == repairs_first.wait_s == 12.0
    assert sales_first.within_rule is True
    assert repairs_first.within_rule is False
    # The agents' legs, in either queue, count rings by the call's rule: each phone rang 5 s,
    # 1 ring of 5 s in a call that began in sales, 2 rings of 2.5 s in one begun in callbacks.
    assert [leg.rings for leg in through("sales", "callbacks").legs] == [1, 1]
    assert [leg.rings for leg in through("callbacks", "sales").legs] == [2, 2]


def test_an_abandon_is_a_breach_only_past_the_rule_of_its_queue() -> None:
    h = Harness(rule_for=rule_for)
    for n, queue in enumerate(("sales", "repairs")):
        c = Call(f"1790000000.{n}", queue=queue)
        h.feed(c.hotline(0), c.join(1), c.abandon(13), c.hangup(13.001))
    [breach] = sla.breaches(h.finished, rule_for=rule_for)
    assert (breach.call.queue, breach.rings) == ("repairs", 3)


def test_the_service_level_keeps_the_verdict_and_names_the_rule_of_the_time() -> None:
    calls = answered_after_12_s("sales", "repairs")
    assert calls["sales"].rule == RingRule(3, 5.0)
    tightened = {**RULES, "sales": RingRule(2, 5.0)}
    level = sla.service_level(
        [calls["sales"]], rule_for=lambda q: tightened.get(q or "", SITE), short_abandon_s=5.0)
    assert (level.offered, level.answered_within) == (1, 1)
    assert level.standard.formula == "answered within 3 rings (≤ 15 s) ÷ offered"


def test_an_abandon_is_judged_by_the_rule_it_carries_not_by_its_queue_rule_of_today() -> None:
    h = Harness(rule_for=rule_for)
    c = Call(queue="sales")
    h.feed(c.hotline(0), c.join(1), c.abandon(13), c.hangup(13.001))
    abandon = h.only()
    assert (abandon.caller_rings, abandon.rule) == (3, RingRule(3, 5.0))
    tightened = {**RULES, "sales": RingRule(2, 5.0)}
    assert sla.breaches([abandon], rule_for=lambda q: tightened.get(q or "", SITE)) == []
    assert sla.breaches([abandon]) == []


def test_a_record_without_a_rule_is_refused_rather_than_judged_by_a_guess() -> None:
    h = Harness(rule_for=rule_for)
    c = Call(queue="sales")
    h.feed(c.hotline(0), c.join(1), c.abandon(13), c.hangup(13.001))
    bare = replace(h.only(), rule=None)
    with pytest.raises(ValueError, match="carries no R1 rule"):
        sla.breaches([bare])
    [breach] = sla.breaches([bare], rule_for=lambda q: RingRule(2, 5.0))
    assert breach.rings == 3


def test_the_formula_names_no_one_rule_when_the_queues_differ() -> None:
    level = sla.service_level(
        answered_after_12_s("sales", "repairs").values(), rule_for=rule_for, short_abandon_s=5.0)
    assert level.standard.formula == "answered within the rule of its queue ÷ offered"
    empty = sla.service_level([], rule_for=rule_for, short_abandon_s=5.0)
    assert empty.standard.formula == "answered within 4 rings (≤ 24 s) ÷ offered"
