"""The complaint ledger (R20-R23): complaints, their status history and the number counters.

`complaint_counters` holds one row per "YYMM" period with the last serial handed out. A new
complaint increments its period's row with one upsert in the complaint's own transaction
(see `complaints.numbering`): the row lock serialises concurrent creations, and a rolled-back
creation rolls its increment back too, so serials are unique and gap-free (R21).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.audit.history import TimedTransition
from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class ComplaintCounterRow(Base):
    """Last serial issued in one site-local month (R21)."""

    __tablename__ = "complaint_counters"

    period: Mapped[str] = mapped_column(String(4), primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class ComplaintRow(Base):
    """One line of the ledger (R22), with its severity (001 §7) and deadlines (R23)."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_customer_id_status", "customer_id", "status"),
        Index("ix_complaints_status_case_due", "status", "case_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    period: Mapped[str] = mapped_column(String(4))
    serial: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))  # consultation | repair | complaint
    severity: Mapped[str] = mapped_column(String(10), default="general")  # general | major
    major_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    crises: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, default="")
    complainant: Mapped[str] = mapped_column(String(200))
    contact: Mapped[str] = mapped_column(String(40), default="")
    customer_id: Mapped[int | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL")
    )
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_orders.id", ondelete="SET NULL"), index=True
    )
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    owner: Mapped[str | None] = mapped_column(String(120), index=True)
    registered_by: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    resolution: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    overseas: Mapped[bool] = mapped_column(default=False)
    # R23: the case is closed within 13 (17 overseas) days; a consultation answered in 24 h.
    case_due: Mapped[datetime] = mapped_column(UtcDateTime)
    answer_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    transitions: Mapped[list[ComplaintTransitionRow]] = relationship(
        order_by="ComplaintTransitionRow.id", lazy="raise", cascade="all, delete-orphan"
    )


class ComplaintTransitionRow(TimedTransition, Base):
    """One status change of a complaint, timed (R22 ledger history)."""

    __tablename__ = "complaint_transitions"

    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True
    )


__all__ = ["ComplaintCounterRow", "ComplaintRow", "ComplaintTransitionRow"]
