"""Writing and reading the business-event outbox (R13-R16 follow-up clocks).

`emit` only adds a row to the caller's session: the event commits with the change that
caused it or not at all, so a failed status change leaves no event behind, and a committed
one always has its event. Consumers (the follow-up dialer) call `pending` and `take` at their
own pace, in their own transaction; an event stays pending for a consumer until it takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import exists, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.followups.models import OutboxDeliveryRow, OutboxRow


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One outbox event as a consumer reads it (`pending_events`)."""

    id: int
    topic: str
    entity: str
    entity_id: str
    occurred_at: datetime
    due_at: datetime | None
    payload: dict[str, Any]


class Topic(StrEnum):
    """Changes that start a follow-up clock, with the rule whose clock it is."""

    PRODUCT_RETURNED = "product_returned"  # R14: call back within 3 days
    COMPLAINT_RESOLVED = "complaint_resolved"  # R15: call back within 7 days
    PRODUCT_DELIVERED = "product_delivered"  # R16: call within 1 month, again before warranty end
    CONTRACT_DATES = "contract_dates"  # R13: renewal notice a month before the end


def emit(
    session: AsyncSession,
    topic: Topic,
    entity: str,
    entity_id: int | str,
    occurred_at: datetime,
    due_at: datetime | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Add the event to the caller's transaction (never commits by itself)."""
    session.add(OutboxRow(
        topic=topic.value,
        entity=entity,
        entity_id=str(entity_id),
        occurred_at=occurred_at,
        due_at=due_at,
        payload=payload or {},
    ))


async def pending(
    session: AsyncSession, consumer: str, *, topics: Sequence[Topic] = (), limit: int = 100
) -> list[OutboxRow]:
    """Events `consumer` has not taken yet, oldest first."""
    taken = exists().where(
        OutboxDeliveryRow.consumer == consumer, OutboxDeliveryRow.event_id == OutboxRow.id
    )
    query = select(OutboxRow).where(~taken).order_by(OutboxRow.id).limit(limit)
    if topics:
        query = query.where(OutboxRow.topic.in_([t.value for t in topics]))
    return list((await session.scalars(query)).all())


async def pending_events(
    session: AsyncSession, consumer: str, *, topics: Sequence[Topic] = (), limit: int = 100
) -> list[OutboxEvent]:
    """`pending`, as plain events (for consumers outside this package)."""
    rows = await pending(session, consumer, topics=topics, limit=limit)
    return [OutboxEvent(row.id, row.topic, row.entity, row.entity_id, row.occurred_at,
                        row.due_at, dict(row.payload or {})) for row in rows]


async def take(session: AsyncSession, consumer: str, event_ids: Sequence[int]) -> None:
    """Mark events as taken by `consumer`, in the consumer's own transaction.

    Commit it together with whatever the consumer did with the events (e.g. the follow-up
    jobs it created), so an event is taken exactly when its effect is stored.
    """
    if event_ids:
        await session.execute(
            insert(OutboxDeliveryRow),
            [{"consumer": consumer, "event_id": event_id} for event_id in event_ids],
        )


__all__ = ["OutboxEvent", "Topic", "emit", "pending", "pending_events", "take"]
