"""The outbox only ever adds to the caller's transaction (R13-R16 clocks)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from callcenter.followups.models import OutboxRow
from callcenter.followups.outbox import Topic, emit

pytestmark = pytest.mark.unit


class _Session:
    def __init__(self) -> None:
        self.added: list[Any] = []

    def add(self, row: Any) -> None:
        self.added.append(row)


def test_emit_adds_one_row_and_never_commits() -> None:
    session = _Session()
    at = datetime(2026, 3, 1, tzinfo=UTC)
    emit(session, Topic.COMPLAINT_RESOLVED, "complaint", 12, at, at, {"n": 1})  # type: ignore[arg-type]
    [row] = session.added
    assert isinstance(row, OutboxRow)
    assert (row.topic, row.entity, row.entity_id, row.payload) == (
        "complaint_resolved", "complaint", "12", {"n": 1})


def test_each_topic_names_the_clock_it_starts() -> None:
    assert {t.value for t in Topic} == {"product_returned", "complaint_resolved",
                                        "product_delivered", "contract_dates"}
