"""Dialer tables: follow-up jobs, their attempts, and the shared pause switch.

A job is one promised call (R13-R16, R6) with its deadline; an attempt is one dial. The
attempt row is inserted in the same transaction that claims the job, numbered 1, 2, 3 per
job, and (job, number) is unique: whatever happens to workers, one slot is never dialled
twice (`claim.py`). `attempts` on the job counts every attempt, interrupted ones included.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class DialerJobRow(Base):
    """One follow-up call to make, with its deadline, state and lease."""

    __tablename__ = "dialer_jobs"
    __table_args__ = (
        UniqueConstraint("source_event_id", "kind", name="uq_dialer_jobs_event_kind"),
        Index("ix_dialer_jobs_claim", "state", "mode", "next_attempt_at"),
        Index("ix_dialer_jobs_state_due_at", "state", "due_at"),
        Index("ix_dialer_jobs_subject", "kind", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    mode: Mapped[str] = mapped_column(String(10), default="auto")
    state: Mapped[str] = mapped_column(String(12), default="pending")
    result: Mapped[str | None] = mapped_column(String(24))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_orders.id", ondelete="SET NULL"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaints.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"))
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("maintenance_contracts.id", ondelete="SET NULL"))
    technician: Mapped[str | None] = mapped_column(String(120))
    # "<entity>:<id>" the job serves: a newer event about it supersedes a job not yet done.
    subject: Mapped[str] = mapped_column(String(80), default="")
    source_event_id: Mapped[int | None] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"))
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    opens_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # The next attempt may start at next_attempt_at and must start before window_closes_at
    # (the end of that calling window in the customer's zone); the planner moves it on.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    window_closes_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    at_risk: Mapped[bool] = mapped_column(Boolean, default=False)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    taken_by: Mapped[str | None] = mapped_column(String(120))  # preview: the agent
    note: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    written_back_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class DialerAttemptRow(Base):
    """One dial of a job: who claimed it, what the network said, what the customer keyed."""

    __tablename__ = "dialer_attempts"
    __table_args__ = (UniqueConstraint("job_id", "number", name="uq_dialer_attempts_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("dialer_jobs.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    channel_id: Mapped[str] = mapped_column(String(64), unique=True)
    worker: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    dialled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[str | None] = mapped_column(String(16))
    originate_reason: Mapped[int | None] = mapped_column(SmallInteger)
    hangup_cause: Mapped[int | None] = mapped_column(SmallInteger)
    flow_outcome: Mapped[str | None] = mapped_column(String(10))
    # Answers so far, saved after each key so a crash or hang-up keeps them (partial).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    agent: Mapped[str | None] = mapped_column(String(120))


class DialerControlRow(Base):
    """The pause switch every dialer instance reads before claiming (one row, id 1)."""

    __tablename__ = "dialer_control"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


__all__ = ["DialerAttemptRow", "DialerControlRow", "DialerJobRow"]
