"""Helpers for the dialer's integration tests: settings, customers, outbox events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from callcenter.auth.principal import Principal, Role
from callcenter.complaints import service as complaints
from callcenter.complaints.schemas import ComplaintIn
from callcenter.customers import service as customers
from callcenter.customers.models import CustomerPhoneRow, CustomerRow
from callcenter.customers.schemas import ContractIn, ProductIn
from callcenter.followups.outbox import Topic, emit
from callcenter.orders import service as orders
from callcenter.orders.schemas import OrderIn, OrderKind
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import RequestKind, ServiceClass
from callcenter.rules.status import ComplaintStatus, OrderStatus
from callcenter.settings import Settings, load_settings
from callcenter.storage.database import Database
from dialer.config import DialerConfig
from dialer.models import DialerAttemptRow, DialerJobRow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def dialer_settings(database_url: str, **extra: str) -> Settings:
    return load_settings({"DATABASE_URL": database_url, **extra})


def config(database_url: str = "sqlite+aiosqlite:///unused.db", **extra: str) -> DialerConfig:
    return DialerConfig.from_settings(dialer_settings(database_url, **extra))


async def add_customer(db: Database, name: str, phone: str | None, *,
                       time_zone: str = "Asia/Shanghai", do_not_call: bool = False,
                       now: datetime) -> int:
    async with db.transaction() as session:
        row = CustomerRow(name=name, time_zone=time_zone, do_not_call=do_not_call,
                          created_at=now, updated_at=now, address="", zone="city",
                          overseas=False, vip=False, language="zh", notes="",
                          phones=[CustomerPhoneRow(e164=phone, label="")] if phone else [],
                          products=[], contracts=[])
        session.add(row)
        await session.flush()
        return row.id


async def emit_event(db: Database, topic: Topic, entity_id: int, customer_id: int,
                     occurred_at: datetime, due_at: datetime | None,
                     **payload: Any) -> None:
    async with db.transaction() as session:
        emit(session, topic, topic.value, entity_id, occurred_at, due_at,
             {"customer_id": customer_id, **payload})


async def jobs(db: Database) -> list[DialerJobRow]:
    async with db.sessions() as session:
        return list((await session.scalars(select(DialerJobRow).order_by(DialerJobRow.id))).all())


async def attempt_slots(db: Database) -> dict[tuple[int, int], int]:
    """(job, number) → how many attempt rows: the independent double-claim check."""
    async with db.sessions() as session:
        rows = await session.execute(
            select(DialerAttemptRow.job_id, DialerAttemptRow.number, func.count())
            .group_by(DialerAttemptRow.job_id, DialerAttemptRow.number))
        return {(job, number): count for job, number, count in rows.all()}


# -- the back office, through its own services (they write the outbox events) --------------

SYSTEM = Principal(account_id=0, username="dialer-test", role=Role.SUPERVISOR)


async def returned_order(db: Database, customer_id: int, technician: str,
                         at: datetime) -> int:
    """A repair order taken to "returned" at `at`: writes the R14 product_returned event."""
    calendar = WorkingCalendar(SHANGHAI)
    async with db.transaction() as session:
        row = await orders.register(session, SYSTEM, OrderIn(
            customer_id=customer_id, kind=OrderKind.REPAIR, service_class=ServiceClass.WARRANTY,
            technician=technician), calendar, at)
        for status in (OrderStatus.DISPATCHED, OrderStatus.ON_SITE, OrderStatus.COMPLETED,
                       OrderStatus.RETURNED):
            await orders.move(session, SYSTEM, row.id, status, "", None, calendar, at)
        return row.id


async def resolved_complaint(db: Database, customer_id: int, at: datetime) -> int:
    """A complaint resolved at `at`: writes the R15 complaint_resolved event."""
    calendar = WorkingCalendar(SHANGHAI)
    async with db.transaction() as session:
        row, _ = await complaints.register(session, SYSTEM, ComplaintIn(
            kind=RequestKind.COMPLAINT, subject="noisy fridge", complainant="customer",
            customer_id=customer_id, owner="supervisor-user"), SHANGHAI, at)
        for status in (ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED):
            await complaints.move(session, SYSTEM, row.id, status, "", calendar, at)
        return row.id


async def delivered_product(db: Database, customer_id: int, at: datetime,
                            warranty_end: datetime | None) -> int:
    """A product delivered at `at`: writes the R16 product_delivered event."""
    async with db.transaction() as session:
        product = await customers.add_product(session, SYSTEM, customer_id, ProductIn(
            model="FR-200", delivered_at=at, warranty_end=warranty_end), SHANGHAI)
        return product.id


async def contract(db: Database, customer_id: int, starts: datetime, ends: datetime) -> int:
    """A maintenance contract: writes the R13 contract_dates event."""
    async with db.transaction() as session:
        row = await customers.add_contract(session, SYSTEM, customer_id, ContractIn(
            starts_at=starts, ends_at=ends), SHANGHAI)
        return row.id
