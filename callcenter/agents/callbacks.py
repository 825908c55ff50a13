"""Promised call-backs (R6) as other packages see them, without the agent desk's table.

The follow-up dialer turns open promised call-backs into preview jobs and closes a promise
when its job reached the customer; it does both through these functions instead of
importing the table. Which promises it has already taken is the dialer's own business, so
it passes that in as an expression over the promise id, and the read stays one statement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.agents.models import PromisedCallbackRow

OPEN, DONE = "open", "done"

Taken = Callable[[SQLColumnExpression[int]], ColumnElement[bool]]
"""Given a promise id, true where the caller has already taken that promise."""


@dataclass(frozen=True, slots=True)
class PromisedCallback:
    """An open call-back an agent promised a known customer (R6)."""

    id: int
    customer_id: int
    agent_id: str
    call_id: str | None
    created_at: datetime
    due_at: datetime
    note: str


def _promise(row: PromisedCallbackRow) -> PromisedCallback:
    assert row.customer_id is not None
    return PromisedCallback(row.id, row.customer_id, row.agent_id, row.call_id,
                            row.created_at, row.due_at, row.note)


async def open_promises(session: AsyncSession, taken: Taken,
                        limit: int) -> list[PromisedCallback]:
    """Open promises of known customers not `taken` yet, oldest first."""
    rows = (await session.scalars(select(PromisedCallbackRow).where(
        PromisedCallbackRow.status == OPEN, PromisedCallbackRow.customer_id.is_not(None),
        ~taken(PromisedCallbackRow.id)).order_by(PromisedCallbackRow.id).limit(limit))).all()
    return [_promise(row) for row in rows]


async def close_promise(session: AsyncSession, promise_id: int) -> bool:
    """Mark an open promise done (its call-back was made); False if none was open."""
    promise = await session.get(PromisedCallbackRow, promise_id)
    if promise is None or promise.status != OPEN:
        return False
    promise.status = DONE
    return True


__all__ = ["PromisedCallback", "Taken", "close_promise", "open_promises"]
