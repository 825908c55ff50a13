"""The screen-pop's reply: declared key for key as the lookup statement builds it, and made
from the statement's plain values without checking them again (R5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from callcenter.customers import lookup
from callcenter.customers.schemas import (
    Lookup,
    LookupCall,
    LookupComplaint,
    LookupContract,
    LookupCustomer,
    LookupOrder,
    LookupPhone,
    LookupProduct,
    LookupQuery,
    LookupSurvey,
)
from callcenter.errors import InvalidInput
from callcenter.web.api import parse_strings

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def _keys(pairs: list[tuple[str, str]], *added: str) -> set[str]:
    return {key for key, _ in pairs} | set(added)


@pytest.mark.parametrize(("part", "built"), [
    (LookupPhone, _keys(lookup._PHONE)),
    (LookupProduct, _keys(lookup._PRODUCT)),
    (LookupContract, _keys(lookup._CONTRACT)),
    (LookupOrder, _keys(lookup._ORDER, "deadlines")),
    (LookupComplaint, _keys(lookup._COMPLAINT, "deadlines")),
    (LookupCall, _keys(lookup._CALL)),
    (LookupSurvey, _keys(lookup._SURVEY)),
    (LookupCustomer, _keys(lookup._CUSTOMER, "phones", "products", "contracts", "open_orders",
                           "open_complaints", "last_calls", "last_surveys")),
])
def test_every_key_the_statement_builds_is_declared_so_none_is_dropped(
        part: type[Any], built: set[str]) -> None:
    assert set(part.__annotations__) == built


def test_the_reply_writes_the_lookups_answer_as_it_is() -> None:
    call = {"call_id": "c1", "entered_at": "2026-03-01T01:00:00Z", "queue": None,
            "caller_number": "+861062345678", "answered_by": "li.na", "talk_s": 30,
            "exit_reason": "answered", "outcome": None}
    answer = lookup.shape("+861062345678", "[]", json.dumps([call]), NOW)
    body = json.loads(Lookup.of(answer).model_dump_json())
    assert body == {"number": "+861062345678", "match": "none", "customers": [],
                    "number_calls": [call]}


def test_the_number_is_required_and_short() -> None:
    for query in ({}, {"number": "1" * 41}):
        with pytest.raises(InvalidInput) as caught:
            parse_strings(LookupQuery, query)
        assert caught.value.details["field"] == "number"
