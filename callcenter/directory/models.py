"""Queue and agent directory tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class QueueRow(Base):
    """A hotline queue: its PBX name, what agents say when it rings (R3) and its R1 rule."""

    __tablename__ = "queues"

    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    greeting: Mapped[str] = mapped_column(Text, default="")
    ring_threshold: Mapped[int] = mapped_column(Integer, default=3)
    ring_cycle_s: Mapped[float] = mapped_column(Float, default=5.0)
    wrapup_s: Mapped[int] = mapped_column(Integer, default=30)
    source: Mapped[str] = mapped_column(String(20), default="directory")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class AgentRow(Base):
    """A person who answers the hotline; languages and dialects drive R6 routing."""

    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(80), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20), default="directory")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    interfaces: Mapped[list[AgentInterfaceRow]] = relationship(
        back_populates="agent", cascade="all, delete-orphan", lazy="selectin",
        order_by="AgentInterfaceRow.interface",
    )


class AgentInterfaceRow(Base):
    """A PBX interface (`PJSIP/5001`, `Local/1001@agents/n`) that belongs to one agent."""

    __tablename__ = "agent_interfaces"

    interface: Mapped[str] = mapped_column(String(200), primary_key=True)
    agent_id: Mapped[str] = mapped_column(ForeignKey("agents.id", ondelete="CASCADE"), index=True)
    agent: Mapped[AgentRow] = relationship(back_populates="interfaces")
