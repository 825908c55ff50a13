"""The pop's card is the back office's lookup (R5), whichever way the desk reads it: batched
in a thread on SQLite, through the async session otherwise; an unknown number gets the
new-customer form."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from callcenter.agents.cards import CardLoader
from callcenter.customers.lookup import lookup
from callcenter.customers.models import CustomerPhoneRow, CustomerRow, ProductRow
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


async def _customer(db: Database, name: str, number: str) -> int:
    async with db.transaction() as session:
        row = CustomerRow(name=name, address="", zone="city", time_zone="Asia/Shanghai",
                          overseas=False, vip=True, language="yue", do_not_call=False,
                          notes="", created_at=NOW, updated_at=NOW)
        session.add(row)
        await session.flush()
        session.add(CustomerPhoneRow(customer_id=row.id, e164=number, label=""))
        session.add(ProductRow(customer_id=row.id, model="KFR-35", serial="S1",
                               warranty_end=datetime(2027, 1, 1, tzinfo=UTC)))
        return row.id


async def test_batched_cards_are_the_back_office_lookup(db: Database, database_url: str
                                                        ) -> None:
    await _customer(db, "陈", "+8613900000001")
    await _customer(db, "陈太", "+8613900000002")
    await _customer(db, "陈生", "+8613900000002")
    sqlite = database_url if db.backend == "sqlite" else None
    loader = CardLoader(db, "CN", "10", sqlite_url=sqlite)
    loader.start()
    try:
        cards = await asyncio.gather(*(loader(n) for n in (
            "13900000001", "139 0000 0002", "13900000003", "anonymous")))
    finally:
        await loader.stop()
    async with db.sessions() as session:
        expected = [await lookup(session, n, NOW) for n in (
            "+8613900000001", "+8613900000002", "+8613900000003")]
    for card, want in zip(cards, expected, strict=False):
        card.pop("new_customer", None)
        assert {k: v for k, v in card.items()} == want
    assert [c["match"] for c in cards] == ["unique", "ambiguous", "none", "none"]
    assert cards[3]["new_customer"] == {"phone": "anonymous"}
