"""Gap-free complaint serials under concurrency (R21), the storage half of the numbering.

`next_serial` increments the period's counter row with a single upsert
(INSERT ... ON CONFLICT (period) DO UPDATE SET last_serial = last_serial + 1 RETURNING), in
the complaint's own transaction:
- on PostgreSQL the upsert takes the row lock, so a concurrent creation in the same month
  waits for this transaction and then reads the committed value (READ COMMITTED re-checks
  the conflicting row): two complaints created at the same instant get consecutive serials;
- a creation that rolls back takes its increment with it, so no serial is ever skipped;
- on SQLite the upsert is the transaction's first write and takes the database write lock,
  which serialises creations the same way.
Call it before anything else in the transaction reads (SQLite cannot upgrade a read
snapshot to a write once another writer has committed).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from callcenter.complaints.models import ComplaintCounterRow

_COUNTERS = ComplaintCounterRow.__table__


def counter_upsert(backend: str, period: str) -> ReturningInsert[Any]:
    """The one statement that takes the next serial of `period` on `backend`."""
    dialect = postgresql if backend == "postgresql" else sqlite
    statement: ReturningInsert[Any] = (
        dialect.insert(_COUNTERS)
        .values(period=period, last_serial=1)
        .on_conflict_do_update(
            index_elements=[_COUNTERS.c.period],
            set_={"last_serial": _COUNTERS.c.last_serial + 1},
        )
        .returning(_COUNTERS.c.last_serial)
    )
    return statement


async def next_serial(session: AsyncSession, period: str) -> int:
    """The next serial of `period` ("YYMM"), reserved until the transaction ends."""
    statement = counter_upsert(session.get_bind().dialect.name, period)
    serial: int = (await session.execute(statement)).scalar_one()
    return serial
