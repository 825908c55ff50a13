"""`callcenter seed-demo`: load the demo data set in bulk, on either back-end.

Rows are made in chunks by `people.DemoMaker` and written with explicit ids (so children
can point at parents without reading ids back). On PostgreSQL they go through COPY, which
loads 100,000 customers and their history in well under a minute; on SQLite through
executemany. Ids continue after what the tables already hold, complaint serials continue
the month counters (R21), and PostgreSQL sequences are moved past the explicit ids, so the
demo can be loaded into a database in use and the service keeps working normally after it.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from callcenter.calls.models import CallRow
from callcenter.complaints.models import ComplaintCounterRow, ComplaintRow
from callcenter.customers.models import ContractRow, CustomerPhoneRow, CustomerRow, ProductRow
from callcenter.devtools.demo.people import DEMO_NOTE, Batch, DemoMaker, Ids, day_start
from callcenter.followups.models import SurveyResultRow
from callcenter.orders.models import OrderTransitionRow, ServiceOrderRow
from callcenter.rules.calendar import WorkingCalendar
from callcenter.storage.database import Database
from dialer.models import DialerAttemptRow, DialerJobRow

log = logging.getLogger(__name__)

CHUNK = 5_000
_TABLES: list[tuple[str, Any]] = [
    ("customers", CustomerRow), ("phones", CustomerPhoneRow), ("products", ProductRow),
    ("contracts", ContractRow), ("orders", ServiceOrderRow),
    ("transitions", OrderTransitionRow), ("complaints", ComplaintRow), ("calls", CallRow),
    ("surveys", SurveyResultRow), ("jobs", DialerJobRow),
]
_EXPLICIT_IDS = ("customers", "products", "service_orders", "complaints")


@dataclass(frozen=True)
class SeedReport:
    customers: int
    rows: dict[str, int]
    seconds: float
    first_customer_id: int


async def _next_ids(conn: AsyncConnection) -> Ids:
    async def next_id(table: Any) -> int:
        return int(await conn.scalar(select(func.coalesce(func.max(table.id), 0))) or 0) + 1

    return Ids(customer=await next_id(CustomerRow), product=await next_id(ProductRow),
               order=await next_id(ServiceOrderRow), complaint=await next_id(ComplaintRow))


def _copy_value(value: Any) -> Any:
    """asyncpg's COPY wants JSON as text; everything else passes as is."""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _filled(table: Table, rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and records for COPY, with scalar defaults filled in for omitted columns.

    COPY bypasses SQLAlchemy's client-side defaults, so a column another module adds later
    with a Python default (e.g. a flag) is filled here rather than failing NOT NULL.
    """
    given = set(rows[0])
    columns = [c.name for c in table.columns if c.name in given or (
        c.default is not None and c.default.is_scalar)]
    defaults = {c.name: getattr(c.default, "arg", None) for c in table.columns
                if c.name not in given and c.default is not None and c.default.is_scalar}
    records = [tuple(_copy_value(row[name]) if name in given else defaults[name]
                     for name in columns) for row in rows]
    return columns, records


async def _write(conn: AsyncConnection, table: Table, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = await conn.get_raw_connection()
        columns, records = _filled(table, rows)
        await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
            table.name, records=records, columns=columns)
    else:
        await conn.execute(insert(table), rows)


async def _write_batch(conn: AsyncConnection, batch: Batch) -> dict[str, int]:
    counts: dict[str, int] = {}
    for attr, model in _TABLES:
        rows: list[dict[str, Any]] = getattr(batch, attr)
        await _write(conn, model.__table__, rows)
        counts[attr] = len(rows)
    return counts


async def _save_counters(conn: AsyncConnection, serials: dict[str, int]) -> None:
    for period, last in serials.items():
        await conn.execute(delete(ComplaintCounterRow).where(ComplaintCounterRow.period == period))
        await conn.execute(insert(ComplaintCounterRow).values(period=period, last_serial=last))


async def _move_sequences(conn: AsyncConnection) -> None:
    if conn.dialect.name != "postgresql":
        return  # SQLite continues after max(rowid) by itself
    for name in _EXPLICIT_IDS:
        await conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"))


async def demo_customers(db: Database) -> int:
    """How many demo customers the database holds (0: the demo is not loaded)."""
    async with db.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(CustomerRow).where(
            CustomerRow.notes == DEMO_NOTE)) or 0)


async def remove_demo(db: Database) -> int:
    """Take the demo away: its customers and everything made with them, children first
    (SQLite does not enforce the foreign keys' cascades); returns the customers removed."""
    mine = select(CustomerRow.id).where(CustomerRow.notes == DEMO_NOTE).scalar_subquery()
    orders = select(ServiceOrderRow.id).where(ServiceOrderRow.customer_id.in_(mine))
    async with db.engine.begin() as conn:
        jobs = select(DialerJobRow.id).where(DialerJobRow.customer_id.in_(mine))
        await conn.execute(delete(DialerAttemptRow).where(DialerAttemptRow.job_id.in_(jobs)))
        await conn.execute(delete(DialerJobRow).where(DialerJobRow.customer_id.in_(mine)))
        await conn.execute(delete(SurveyResultRow).where(SurveyResultRow.customer_id.in_(mine)))
        await conn.execute(delete(CallRow).where(CallRow.call_id.like("demo-%")))
        await conn.execute(delete(ComplaintRow).where(ComplaintRow.customer_id.in_(mine)))
        await conn.execute(delete(OrderTransitionRow).where(
            OrderTransitionRow.order_id.in_(orders)))
        await conn.execute(delete(ServiceOrderRow).where(ServiceOrderRow.customer_id.in_(mine)))
        for table in (ContractRow, ProductRow, CustomerPhoneRow):
            await conn.execute(delete(table).where(table.customer_id.in_(mine)))
        removed = await conn.execute(delete(CustomerRow).where(CustomerRow.notes == DEMO_NOTE))
    return int(removed.rowcount or 0)


async def seed(db: Database, customers: int, *, seed_value: int = 42,
               calendar: WorkingCalendar, now: datetime | None = None,
               progress: Callable[[str], None] = lambda _: None) -> SeedReport:
    """Add `customers` demo customers with their history; returns what was written."""
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    today = day_start(now)
    totals: dict[str, int] = {}
    async with db.engine.begin() as conn:
        ids = await _next_ids(conn)
        table = ComplaintCounterRow.__table__
        serials = {row.period: row.last_serial
                   for row in (await conn.execute(select(table))).all()}
        first = ids.customer
        maker = DemoMaker(seed_value, today, calendar, ids, serials, now=now)
        for start in range(0, customers, CHUNK):
            # Indexes continue after the customers already there: a second run adds new
            # people with new numbers instead of doubling the first run's.
            batch = maker.batch(first - 1 + start, min(CHUNK, customers - start))
            for key, count in (await _write_batch(conn, batch)).items():
                totals[key] = totals.get(key, 0) + count
            progress(f"{start + len(batch.customers):,} customers written "
                     f"({time.perf_counter() - started:.1f} s)")
        await _save_counters(conn, serials)
        await _move_sequences(conn)
        if conn.dialect.name == "postgresql":
            for _, model in _TABLES:
                await conn.execute(text(f"ANALYZE {model.__tablename__}"))
    return SeedReport(customers, totals, time.perf_counter() - started, first)
