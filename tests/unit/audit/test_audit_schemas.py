"""The audit filter: instants need their offset and stay in range, the limit is bounded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.audit.schemas import AuditSearch
from callcenter.errors import InvalidInput
from callcenter.web.api import parse_strings

pytestmark = pytest.mark.unit


def test_an_instant_with_an_offset_is_read_in_utc_and_the_limit_defaults_to_100() -> None:
    query = parse_strings(AuditSearch, {"since": "2025-10-01T08:00:00+08:00"})
    assert (query.since, query.limit) == (datetime(2025, 10, 1, tzinfo=UTC), 100)


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"since": "yesterday"}, "since", ""),
    ({"since": "2025-10-01T08:00:00"}, "since", "timezone"),
    ({"until": "0001-01-01T00:00:00+01:00"}, "until", "out of range"),
    ({"limit": "1001"}, "limit", "1000"),
    ({"entity_id": "x" * 81}, "entity_id", "80"),
])
def test_a_bad_filter_is_named(values: dict[str, str], field: str, words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_strings(AuditSearch, values)
    assert caught.value.details["field"] == field
    assert words in caught.value.message
