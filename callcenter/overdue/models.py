"""Stored reminders (催办单, R23): what the overdue watch told whom, and escalations.

One row per (record, deadline, state): the unique key makes the watch idempotent, so it can
run every minute, on several instances at once, and still remind an owner once when a
deadline comes near and once more when it is missed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class ReminderRow(Base):
    """A reminder to a person (`owner`) or to everyone holding a role (`role`)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id", "deadline", "state", name="uq_reminders_once"),
        Index("ix_reminders_owner_created_at", "owner", "created_at"),
        Index("ix_reminders_role_created_at", "role", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(20))  # service_order | complaint
    entity_id: Mapped[int] = mapped_column(Integer)
    # first_response | handling_plan | on_site | solved | workshop | case | answer | escalation
    deadline: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(10))  # due_soon | overdue | major
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    owner: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


__all__ = ["ReminderRow"]
