"""The screen-pop statement: one statement per back-end, only the number bound (R5)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from callcenter.customers import lookup

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("backend", "obj", "agg"), [
    ("postgresql", "json_build_object(", "json_agg("),
    ("sqlite", "json_object(", "json_group_array("),
])
def test_one_statement_per_backend_binds_only_the_number(backend: str, obj: str,
                                                         agg: str) -> None:
    sql = str(lookup.statement(backend))
    assert sql.startswith("SELECT (")
    assert obj in sql
    assert agg in sql
    assert set(re.findall(r"(?<![:\w]):(\w+)", sql)) == {"number"}
    for table in ("customer_phones", "products", "maintenance_contracts", "service_orders",
                  "complaints", "calls", "survey_results"):
        assert f"FROM {table} x" in sql
    assert f"LIMIT {lookup.CALLS_LIMIT}" in sql


def test_sqlite_timestamps_and_flags_come_out_like_postgresql_ones() -> None:
    from_sqlite = lookup._clean({"entered_at": "2026-03-01 02:00:00.500000", "vip": 1,
                                 "product_works": None})
    from_pg = lookup._clean({"entered_at": "2026-03-01T02:00:00.5+00:00", "vip": True,
                             "product_works": None})
    assert from_sqlite == from_pg == {"entered_at": "2026-03-01T02:00:00.500000Z", "vip": True,
                                      "product_works": None}


def test_order_deadlines_get_their_state() -> None:
    now = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
    item: dict[str, Any] = {key: None for key in (
        "first_response_due", "first_contact_at", "handling_plan_due", "plan_sent_at",
        "on_site_due", "on_site_at", "solved_due", "completed_at", "workshop_due")}
    item.update(first_response_due=(now - timedelta(hours=1)).isoformat(),
                handling_plan_due=(now + timedelta(minutes=30)).isoformat(),
                on_site_due=(now + timedelta(hours=5)).isoformat(),
                on_site_at=(now - timedelta(hours=1)).isoformat(),
                solved_due=(now + timedelta(days=2)).isoformat())
    states = {k: v["state"] for k, v in lookup._order(item, now)["deadlines"].items()}
    assert states == {"first_response": "overdue", "handling_plan": "due_soon",
                      "on_site": "met", "solved": "on_time"}
