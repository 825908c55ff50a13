"""Business-event outbox and survey results (R14-R18).

The outbox holds the events that start a follow-up clock (product returned R14, complaint
resolved R15, product delivered R16, contract dates R13). Each row is written in the same
transaction as the change it reports, so an event exists exactly when its change committed,
and it stays until every consumer has taken it: nothing is lost while no consumer runs.

A consumer's progress is one row per event it has taken (`outbox_deliveries`) rather than a
"last id" cursor: ids are handed out when a row is inserted, not when it commits, so on
PostgreSQL a cursor could move past an id whose transaction commits a moment later and that
event would never be seen.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime

_BIG_ID = BigInteger().with_variant(Integer, "sqlite")


class OutboxRow(Base):
    """One business event waiting for its consumers (the follow-up dialer, reports)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(_BIG_ID, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(40), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the follow-up is due, computed by the rules at the moment of the change.
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class OutboxDeliveryRow(Base):
    """An event a named consumer has taken; the pair is the primary key, so taking is once."""

    __tablename__ = "outbox_deliveries"

    consumer: Mapped[str] = mapped_column(String(60), primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True
    )
    taken_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


RATING_ITEMS = ("attitude", "skill", "arrival_time", "promises_kept")


def _rating_check(item: str) -> CheckConstraint:
    """R18 keys: 4 very satisfied … 1 very dissatisfied; NULL when not answered."""
    return CheckConstraint(f"{item} IS NULL OR {item} BETWEEN 1 AND 4", name=f"{item}_key")


class SurveyResultRow(Base):
    """One follow-up survey (R18): the four technician ratings, product works, suggestions.

    Filled by the survey dialer; defined here so the screen-pop can show the last results
    (R5). `outcome` is complete (all four answered), partial, or refused (R19 reports partial
    surveys beside the rate and leaves them out of it).
    """

    __tablename__ = "survey_results"
    __table_args__ = (
        *(_rating_check(item) for item in RATING_ITEMS),
        CheckConstraint("order_id IS NOT NULL OR complaint_id IS NOT NULL", name="subject"),
        CheckConstraint("outcome IN ('complete', 'partial', 'refused')", name="outcome"),
        Index("ix_survey_results_customer_id_surveyed_at", "customer_id", "surveyed_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_orders.id", ondelete="SET NULL"), index=True
    )
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL"), index=True
    )
    technician: Mapped[str | None] = mapped_column(String(120), index=True)
    surveyed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    period_day: Mapped[date | None] = mapped_column(Date)  # site-local day, for R17 daily runs
    outcome: Mapped[str] = mapped_column(String(10))
    attitude: Mapped[int | None] = mapped_column(SmallInteger)
    skill: Mapped[int | None] = mapped_column(SmallInteger)
    arrival_time: Mapped[int | None] = mapped_column(SmallInteger)
    promises_kept: Mapped[int | None] = mapped_column(SmallInteger)
    product_works: Mapped[bool | None] = mapped_column(Boolean)
    suggestions: Mapped[str] = mapped_column(Text, default="")
    call_id: Mapped[str | None] = mapped_column(String(64))


__all__ = ["RATING_ITEMS", "OutboxDeliveryRow", "OutboxRow", "SurveyResultRow"]
