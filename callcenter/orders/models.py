"""Service order tables: the order with its stored deadlines, and every status change timed.

Deadlines are computed once, at registration, with the site's working calendar and stored
(R7-R10): a later change of business hours or of the holiday calendar must not move a
promise already made, and the overdue watch can then find late orders with an index scan
instead of recomputing every open order.

`call_id` is the PBX Linkedid of the call that created the order. It is deliberately not a
foreign key: the order is written while the call is still going on, and the call registry
only stores the call once it has ended.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.audit.history import TimedTransition
from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class ServiceOrderRow(Base):
    """A repair, installation, maintenance or consultation request (R7-R12)."""

    __tablename__ = "service_orders"
    __table_args__ = (
        Index("ix_service_orders_customer_id_status", "customer_id", "status"),
        Index("ix_service_orders_status_solved_due", "status", "solved_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # repair|installation|maintenance|consultation
    service_class: Mapped[str] = mapped_column(String(1))  # R11: A|B|C|D
    zone: Mapped[str] = mapped_column(String(10))  # R9, copied from the customer at registration
    status: Mapped[str] = mapped_column(String(20), default="registered")
    description: Mapped[str] = mapped_column(Text, default="")
    technician: Mapped[str | None] = mapped_column(String(120), index=True)
    registered_by: Mapped[str] = mapped_column(String(120))
    units: Mapped[int | None] = mapped_column(Integer)  # R10 workshop batch size
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Deadlines (R7, R8, R9, R10), fixed at registration.
    first_response_due: Mapped[datetime] = mapped_column(UtcDateTime)
    handling_plan_due: Mapped[datetime] = mapped_column(UtcDateTime)
    on_site_due: Mapped[datetime] = mapped_column(UtcDateTime)
    solved_due: Mapped[datetime] = mapped_column(UtcDateTime)
    priority_dispatch_at: Mapped[datetime] = mapped_column(UtcDateTime)
    workshop_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When each clock stopped (see DOMAIN "How each deadline is counted").
    first_contact_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    plan_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    on_site_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    transitions: Mapped[list[OrderTransitionRow]] = relationship(
        order_by="OrderTransitionRow.id", lazy="raise", cascade="all, delete-orphan"
    )


class OrderTransitionRow(TimedTransition, Base):
    """One status change of an order, with when and by whom (R12: the repair card's history)."""

    __tablename__ = "service_order_transitions"

    order_id: Mapped[int] = mapped_column(
        ForeignKey("service_orders.id", ondelete="CASCADE"), index=True
    )


__all__ = ["OrderTransitionRow", "ServiceOrderRow"]
