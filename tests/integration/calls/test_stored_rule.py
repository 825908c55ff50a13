"""R1 by the rule a call was judged by: each stored call carries its queue's rule as it stood
when the call ended, and every verdict read back from the registry (rings, within_rule, the
breaches of unanswered calls, the service level and its formula, /api/calls) goes by that
stored rule, so that editing a queue's rule in the directory never re-judges history; a call
ending after the edit is judged by the new rule. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.calls.call_records import FinishedCall
from callcenter.calls.http import breach_json, call_json
from callcenter.calls.registry import CallRegistry
from callcenter.calls.sla import RingRule
from callcenter.directory.schemas import QueueSpec
from callcenter.directory.service import DirectoryService
from callcenter.storage.database import Database
from tests.unit.calls.script import T0, Call, Dial, Harness

pytestmark = pytest.mark.integration

A = "PJSIP/5001"
SINCE = datetime.fromtimestamp(T0 - 3600, UTC)
UNTIL = datetime.fromtimestamp(T0 + 86400, UTC)
BEFORE, AFTER = RingRule(3, 5.0), RingRule(2, 6.0)


def answered_after_13_s(h: Harness, call_id: str) -> None:
    """3 rings of 5 s (within 3), or 3 rings of 6 s (past 2)."""
    h.feed(Call(call_id, queue="sales").answered_by(A, join=1.0, rung=1.5, answer=14.0, end=60.0))


def abandoned_after(h: Harness, call_id: str, wait_s: float) -> None:
    c = Call(call_id, queue="sales")
    h.feed(c.hotline(0), c.join(1), c.abandon(1 + wait_s), c.hangup(1.001 + wait_s))


Verdict = tuple[int | None, bool | None, RingRule | None]


def verdicts(calls: list[FinishedCall]) -> dict[str, Verdict]:
    """Per call: its rings, its within_rule and the rule it carries."""
    return {c.call_id: (c.caller_rings, c.within_rule, c.rule) for c in calls}


async def test_editing_a_queue_rule_leaves_stored_verdicts_and_figures_as_judged(
    db: Database,
) -> None:
    directory = DirectoryService(db, default_rule=RingRule(4, 6.0))
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=3, ring_cycle_s=5.0))
    h = Harness(rule_for=directory.rule_for)
    registry = CallRegistry(db, rule_for=directory.rule_for)
    answered_after_13_s(h, "1.1")  # within 3 rings of 5 s
    abandoned_after(h, "1.2", 13.0)  # 3 rings: no breach of 3, would be one of 2
    abandoned_after(h, "1.3", 17.0)  # 4 rings of 5 s: a breach of 3, not of 2 rings of 6 s
    h.feed(Dial().talked(answer=4, end=30))  # outbound: judged by no rule
    await registry.write(h.finished)

    calls_then = await registry.fetch_calls(SINCE, UNTIL)
    level_then = await registry.service_level(SINCE, UNTIL, "sales")
    breaches_then = await registry.breaches(SINCE, UNTIL)
    assert verdicts(calls_then) == {
        "1.1": (3, True, BEFORE), "1.2": (3, False, BEFORE), "1.3": (4, False, BEFORE),
        "dial-0001": (None, None, None)}
    assert [b.call.call_id for b in breaches_then] == ["1.3"]
    assert (level_then.offered, level_then.answered_within) == (3, 1)

    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=2, ring_cycle_s=6.0))

    assert verdicts(await registry.fetch_calls(SINCE, UNTIL)) == verdicts(calls_then)
    assert await registry.breaches(SINCE, UNTIL) == breaches_then
    level_now = await registry.service_level(SINCE, UNTIL, "sales")
    assert level_now == level_then
    assert level_now.standard.formula == "answered within 3 rings (≤ 15 s) ÷ offered"


async def test_a_call_ending_after_the_edit_is_judged_and_stored_with_the_new_rule(
    db: Database,
) -> None:
    directory = DirectoryService(db)
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=3, ring_cycle_s=5.0))
    h = Harness(rule_for=directory.rule_for)
    registry = CallRegistry(db, rule_for=directory.rule_for)
    answered_after_13_s(h, "1.1")
    abandoned_after(h, "1.2", 13.0)
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=2, ring_cycle_s=6.0))
    answered_after_13_s(h, "2.1")  # the same 13 s: 3 rings of 6 s, past 2
    abandoned_after(h, "2.2", 13.0)  # the same 13 s: a breach of 2 rings of 6 s
    await registry.write(h.finished)

    calls = {c.call_id: c for c in await registry.fetch_calls(SINCE, UNTIL)}
    assert verdicts(list(calls.values())) == {
        "1.1": (3, True, BEFORE), "1.2": (3, False, BEFORE),
        "2.1": (3, False, AFTER), "2.2": (3, False, AFTER)}
    found = {b.call.call_id: b for b in await registry.breaches(SINCE, UNTIL)}
    assert sorted(found) == ["2.1", "2.2"]
    assert breach_json(found["2.2"])["rule"] == {"max_rings": 2, "ring_cycle_s": 6.0}
    level = await registry.service_level(SINCE, UNTIL, "sales")
    assert (level.offered, level.answered, level.answered_within) == (4, 2, 1)
    assert level.standard.formula == "answered within the rule of its queue ÷ offered"
    assert call_json(calls["1.1"])["rule"] == {"max_rings": 3, "ring_cycle_s": 5.0}
    assert call_json(calls["2.1"])["rule"] == {"max_rings": 2, "ring_cycle_s": 6.0}
