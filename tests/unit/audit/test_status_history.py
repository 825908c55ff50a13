"""A status history in a reply: each timed change read from its history row (R12, R22)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from callcenter.audit.history import StatusChange

pytestmark = pytest.mark.unit


def test_a_change_reads_from_its_row_and_answers_from_and_to_in_utc() -> None:
    row = SimpleNamespace(from_status=None, to_status="registered", by="li.na", note="",
                          at=datetime(2026, 3, 10, 2, 0, tzinfo=UTC))
    assert StatusChange.model_validate(row).model_dump(mode="json") == {
        "from": None, "to": "registered", "at": "2026-03-10T02:00:00Z", "by": "li.na",
        "note": ""}


def test_the_documented_shape_names_from_as_the_json_does() -> None:
    schema = StatusChange.model_json_schema(mode="serialization")
    assert set(schema["properties"]) == {"from", "to", "at", "by", "note"}
