"""Customer, phone number, product and maintenance-contract tables.

Phone numbers live in their own table, stored in E.164 and indexed, because the screen-pop
(R5) looks customers up by the number that rings, and one customer may call from a mobile,
a home line and an office line. The index is not unique: a home line shared by a family is
several customers, and the lookup shows them all rather than guessing.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callcenter.clock import utcnow
from callcenter.storage.base import Base
from callcenter.storage.types import UtcDateTime


class CustomerRow(Base):
    """A customer of the hotline, with what the agent needs to serve them (R5, R6, R9, R23)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    # R9: the on-site limit is 6 working hours in the city, 7 in the suburbs.
    zone: Mapped[str] = mapped_column(String(10), default="city")
    # R23: overseas customers get 17 days instead of 13; their own zone sets calling windows.
    time_zone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    overseas: Mapped[bool] = mapped_column(Boolean, default=False)
    vip: Mapped[bool] = mapped_column(Boolean, default=False)
    # R6: a caller speaking a dialect goes to an agent who speaks it.
    language: Mapped[str] = mapped_column(String(40), default="zh")
    do_not_call: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    phones: Mapped[list[CustomerPhoneRow]] = relationship(
        order_by="CustomerPhoneRow.id", lazy="raise", cascade="all, delete-orphan"
    )
    products: Mapped[list[ProductRow]] = relationship(
        order_by="ProductRow.id", lazy="raise", cascade="all, delete-orphan"
    )
    contracts: Mapped[list[ContractRow]] = relationship(
        order_by="ContractRow.id", lazy="raise", cascade="all, delete-orphan"
    )


class CustomerPhoneRow(Base):
    """One number of a customer, normalised to E.164 so every trunk format matches (R5)."""

    __tablename__ = "customer_phones"
    __table_args__ = (UniqueConstraint("customer_id", "e164", name="uq_customer_phones_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    e164: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(String(40), default="")


class ProductRow(Base):
    """A product the customer owns; delivery and warranty end drive the R16 follow-ups."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    model: Mapped[str] = mapped_column(String(120))
    serial: Mapped[str] = mapped_column(String(120), default="", index=True)
    purchased_on: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    warranty_end: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ContractRow(Base):
    """A maintenance contract (R11 class B service); R13 notifies a month before it ends."""

    __tablename__ = "maintenance_contracts"
    __table_args__ = (Index("ix_maintenance_contracts_ends_at", "ends_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # R13: pending → notified → renewed | declined.
    renewal_state: Mapped[str] = mapped_column(String(20), default="pending")
    renewal_notice_due: Mapped[datetime] = mapped_column(UtcDateTime)


__all__ = ["ContractRow", "CustomerPhoneRow", "CustomerRow", "ProductRow"]
