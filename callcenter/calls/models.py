"""Call registry tables (R4): one row per call, with its queue visits and agent rings.

Inbound hotline calls and agents' outbound click-to-dial calls share the table
(`direction`), so a customer's history and a number's last calls show both.

`calls.call_id` (the PBX Linkedid) is unique so that a call can be written only once, even
when the same record is offered again after a restart; the child tables hang off it rather
than off the surrogate id, so a batch can be inserted without reading ids back first.
The R1 figures are stored as measured (wait, rings, within_rule), with the rule they were
measured by (`rule_max_rings`, `rule_ring_cycle_s`), so that reports need no recomputation and
a queue's rule edited later never re-judges a stored call; the raw times stay for any
recomputation with another cadence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class CallRow(Base):
    """One call as the call-registration book records it (R4, R12); for an outbound call
    the caller_num columns hold the customer's number (see `call_records.FinishedCall`)."""

    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_queue_entered_at", "queue", "entered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    caller_num_raw: Mapped[str] = mapped_column(String(80), default="")
    caller_num_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    caller_name: Mapped[str] = mapped_column(String(200), default="")
    queue: Mapped[str | None] = mapped_column(String(80))
    entered_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    queued_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    menu_s: Mapped[float | None] = mapped_column(Float)
    wait_s: Mapped[float | None] = mapped_column(Float)
    caller_rings: Mapped[int | None] = mapped_column(Integer)
    within_rule: Mapped[bool | None] = mapped_column(Boolean)
    answered_by_agent: Mapped[str | None] = mapped_column(String(80), index=True)
    answered_interface: Mapped[str | None] = mapped_column(String(200))
    talk_s: Mapped[float | None] = mapped_column(Float)
    exit_reason: Mapped[str] = mapped_column(String(20))
    abandon_position: Mapped[int | None] = mapped_column(Integer)
    interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    direction: Mapped[str] = mapped_column(String(8), default="inbound",
                                           server_default="inbound")
    # Filled later by the agent's wrap-up (R4 "outcome"); an outbound call has its customer
    # from the start (the card the agent dialled from).
    outcome: Mapped[str | None] = mapped_column(Text)
    customer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The R1 rule the call was judged by, written once with the row (NULL for an outbound
    # call, which no rule judges): every later verdict on the call goes by it.
    rule_max_rings: Mapped[int | None] = mapped_column(Integer)
    rule_ring_cycle_s: Mapped[float | None] = mapped_column(Float)
    # A call taken over from the PBX's lists after it started (a service restart or a lost
    # link); `precision` maps each of its inexact figures to "second" or "unknown" (NULL:
    # every figure is exact). See `call_records.FinishedCall`.
    adopted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    precision: Mapped[dict[str, str] | None] = mapped_column(JSON)

    visits: Mapped[list[CallQueueVisitRow]] = relationship(
        order_by="CallQueueVisitRow.seq", lazy="raise", cascade="all, delete-orphan"
    )
    legs: Mapped[list[CallAgentLegRow]] = relationship(
        order_by="CallAgentLegRow.seq", lazy="raise", cascade="all, delete-orphan"
    )


class CallQueueVisitRow(Base):
    """One stay of a call in one queue."""

    __tablename__ = "call_queue_visits"

    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    queue: Mapped[str] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime] = mapped_column(UtcDateTime)
    position: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(20))


class CallAgentLegRow(Base):
    """One agent phone ringing for a call: the agent's side of R1 (misses per agent)."""

    __tablename__ = "call_agent_legs"
    __table_args__ = (Index("ix_call_agent_legs_agent_id_rang_at", "agent_id", "rang_at"),)

    call_id: Mapped[str] = mapped_column(
        ForeignKey("calls.call_id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_seq: Mapped[int] = mapped_column(Integer)
    queue: Mapped[str] = mapped_column(String(80))
    leg_id: Mapped[str] = mapped_column(String(64))
    agent_id: Mapped[str | None] = mapped_column(String(80))
    interface: Mapped[str] = mapped_column(String(200))
    member_name: Mapped[str] = mapped_column(String(200), default="")
    rang_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ring_s: Mapped[float] = mapped_column(Float)
    rings: Mapped[int] = mapped_column(Integer)
    answered: Mapped[bool] = mapped_column(Boolean)
    missed: Mapped[bool] = mapped_column(Boolean)
    ended_by: Mapped[str] = mapped_column(String(20))


__all__ = ["CallAgentLegRow", "CallQueueVisitRow", "CallRow"]
