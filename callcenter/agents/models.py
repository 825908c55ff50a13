"""Tables of the agent desk: wrap-ups and promised call-backs (R6).

Click-to-dial calls have no table of their own: they are in the call registry like any other
call (direction "outbound"), under the call id the desk's Originate gave them.

A wrap-up is stored in its own row first and copied onto the call registry's `outcome` and
`customer_id` afterwards, because the registry row of a call only exists once the call has
ended and its record has been written (an agent may wrap up while still talking).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class AgentWrapupRow(Base):
    """How an agent classified one call and what came of it (R4 outcome, 001 §7)."""

    __tablename__ = "agent_wrapups"
    __table_args__ = (UniqueConstraint("call_id", "agent_id", name="uq_agent_wrapups_call"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(64), index=True)
    agent_id: Mapped[str] = mapped_column(String(80), index=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    classification: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(Text)
    order_id: Mapped[int | None] = mapped_column(Integer)
    complaint_id: Mapped[int | None] = mapped_column(Integer)
    callback_id: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set once the outcome is on the registry row; until then the filler keeps trying.
    registry_filled: Mapped[bool] = mapped_column(Boolean, default=False, index=True)


class PromisedCallbackRow(Base):
    """A call-back an agent promised instead of guessing an answer (R6); due at `due_at`."""

    __tablename__ = "promised_callbacks"
    __table_args__ = (Index("ix_promised_callbacks_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[str] = mapped_column(String(80), index=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | done | cancelled
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


__all__ = ["AgentWrapupRow", "PromisedCallbackRow"]
