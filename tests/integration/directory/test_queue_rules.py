"""Each queue's R1 rule as the directory keeps it for the call tracker: an edit applies to
the next call, a queue the directory does not know has the site's rule (on SQLite and
PostgreSQL)."""

from __future__ import annotations

import pytest

from callcenter.calls.sla import RingRule
from callcenter.directory.reconcile import reconcile
from callcenter.directory.schemas import QueueSpec
from callcenter.directory.service import DirectoryService
from callcenter.events import QueueSnapshot
from callcenter.storage.database import Database
from tests.unit.calls.script import Call, Harness

pytestmark = pytest.mark.integration

SITE = RingRule(4, 6.0)  # the settings' rule, unlike the queues' own


def call_after_12_s(h: Harness, n: int, queue: str) -> bool | None:
    """Feed a call answered 12 s after joining `queue`; whether it was within the rule."""
    h.feed(Call(f"1790000000.{n}", queue=queue).answered_by(
        "PJSIP/5001", join=1.0, rung=1.5, answer=13.0, end=60.0))
    return h.finished[-1].within_rule


async def test_a_queue_edited_in_the_directory_judges_the_next_call_by_its_new_rule(
    db: Database,
) -> None:
    directory = DirectoryService(db, default_rule=SITE)
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=3, ring_cycle_s=5.0))
    h = Harness(rule_for=directory.rule_for)
    assert call_after_12_s(h, 1, "sales") is True
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=2, ring_cycle_s=5.0))
    assert call_after_12_s(h, 2, "sales") is False
    assert [c.caller_rings for c in h.finished] == [3, 3]
    await directory.delete_queue("sales")
    assert directory.rule_for("sales") == SITE


async def test_unknown_queues_and_calls_without_a_queue_have_the_site_rule(db: Database) -> None:
    directory = DirectoryService(db, default_rule=SITE)
    await directory.put_queue(QueueSpec("sales", "Sales", ring_threshold=2, ring_cycle_s=5.0))
    assert directory.rule_for("walk-in") == SITE
    assert directory.rule_for(None) == SITE
    h = Harness(rule_for=directory.rule_for)
    assert call_after_12_s(h, 1, "walk-in") is True  # 2 rings of 6 s
    assert call_after_12_s(h, 2, "sales") is False


async def test_the_rules_are_loaded_from_the_database_at_start(db: Database) -> None:
    await DirectoryService(db).put_queue(
        QueueSpec("sales", "Sales", ring_threshold=2, ring_cycle_s=7.5))
    restarted = DirectoryService(db, default_rule=SITE)
    assert restarted.rule_for("sales") == SITE
    await restarted.refresh_index()
    assert restarted.rule_for("sales") == RingRule(2, 7.5)


async def test_a_queue_stored_without_a_rule_gets_the_site_rule(db: Database) -> None:
    directory = DirectoryService(db, default_rule=SITE)
    await directory.put_queue(QueueSpec("sales", "Sales"))
    await reconcile(directory, [QueueSnapshot("hotline", "ringall", (), ())])
    for name in ("sales", "hotline"):
        row = await directory.get_queue(name)
        assert (row.ring_threshold, row.ring_cycle_s) == (4, 6.0)
        assert directory.rule_for(name) == SITE
