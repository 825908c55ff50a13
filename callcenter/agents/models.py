"""Tables of the agent desk: wrap-ups, promised call-backs (R6) and click-to-dial calls.

A wrap-up is stored in its own row first and copied onto the call registry's `outcome` and
`customer_id` afterwards, because the registry row of a call only exists once the call has
ended and its record has been written (an agent may wrap up while still talking).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.customers.models import utcnow
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


class AgentDialRow(Base):
    """A click-to-dial call: the agent's phone rung first, then the customer."""

    __tablename__ = "agent_dials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    leg_id: Mapped[str] = mapped_column(String(64), unique=True)
    agent_id: Mapped[str] = mapped_column(String(80), index=True)
    interface: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # answered | failed | no_answer | busy | congestion | hangup (OriginateResponse reason)
    result: Mapped[str | None] = mapped_column(String(20))


__all__ = ["AgentDialRow", "AgentWrapupRow", "PromisedCallbackRow"]
