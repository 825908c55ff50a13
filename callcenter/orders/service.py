"""Registering service orders and moving them through their status flow (R7-R12, R14).

Deadlines are computed from the rules with the site's working calendar at registration and
stored. Every status change is checked by the `SERVICE_ORDER` machine, timed in its own row,
audited, and — when it starts the R14 call-back clock — written to the outbox, all in the
caller's transaction: a change that fails leaves no trace anywhere.

Technicians see and change only the orders dispatched to them (R28, `visible_to`): every
read, list and change made for a person goes through that narrowing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from callcenter.audit.history import write_transition
from callcenter.audit.log import record
from callcenter.auth.principal import Principal, Role
from callcenter.customers.models import CustomerRow, ProductRow
from callcenter.errors import InvalidInput, NotFound
from callcenter.followups.outbox import Topic, emit
from callcenter.orders.models import OrderTransitionRow, ServiceOrderRow
from callcenter.orders.schemas import (
    Order,
    OrderClock,
    OrderClockState,
    OrderIn,
    OrderKind,
    OrderPatch,
    OrderRecord,
)
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.deadlines import (
    ServiceZone,
    clock_state,
    order_deadlines,
    repair_callback_due,
    workshop_due,
)
from callcenter.rules.status import SERVICE_ORDER, OrderStatus

WARN_BEFORE = timedelta(hours=1)
"""How long before a deadline the order shows as due soon (and the watch reminds)."""

_STAMPS = {
    OrderStatus.ON_SITE: "on_site_at",
    OrderStatus.COMPLETED: "completed_at",
    OrderStatus.RETURNED: "returned_at",
    OrderStatus.CLOSED: "closed_at",
}


def visible_to(who: Principal) -> tuple[ColumnElement[bool], ...]:
    """The conditions that narrow a query to the orders `who` may see and change (R28).

    A technician works on the orders dispatched to them, so that is all they see; an order
    of a colleague is "not found" to them, exactly like one that does not exist, which tells
    them nothing about the other's work. Agents register orders for any customer, and
    supervisors and managers dispatch and oversee all of them.
    """
    if who.role is Role.TECHNICIAN:
        return (ServiceOrderRow.technician == who.username,)
    return ()


async def load(session: AsyncSession, order_id: int, *, lock: bool = False,
               seen_by: Principal | None = None) -> ServiceOrderRow:
    """One order with its transitions; `lock` holds the row until commit (FOR UPDATE).

    With `seen_by`, an order outside that person's view (`visible_to`) is not found.
    """
    query = select(ServiceOrderRow).where(ServiceOrderRow.id == order_id).options(
        selectinload(ServiceOrderRow.transitions))
    if seen_by is not None:
        query = query.where(*visible_to(seen_by))
    if lock:
        query = query.with_for_update()
    row = (await session.scalars(query)).one_or_none()
    if row is None:
        raise NotFound("service order", str(order_id))
    return row


async def read(session: AsyncSession, who: Principal, order_id: int) -> ServiceOrderRow:
    """One order as `who` may see it, with the read audited (R27)."""
    row = await load(session, order_id, seen_by=who)
    record(session, who, "read", "service_order", row.id)
    return row


async def register(session: AsyncSession, who: Principal, new: OrderIn,
                   calendar: WorkingCalendar, now: datetime) -> ServiceOrderRow:
    """A new order, registered now, with its R7/R8/R9 (and R10) deadlines stored."""
    customer = await session.get(CustomerRow, new.customer_id)
    if customer is None:
        raise InvalidInput("customer_id", f"no customer {new.customer_id}")
    if new.product_id is not None:
        owner = await session.scalar(select(ProductRow.customer_id).where(
            ProductRow.id == new.product_id))
        if owner != customer.id:
            raise InvalidInput("product_id", f"product {new.product_id} is not the customer's")
    zone = ServiceZone(customer.zone)
    due = order_deadlines(now, zone, calendar)
    row = ServiceOrderRow(
        **new.model_dump(),
        zone=zone.value,
        status=OrderStatus.REGISTERED.value,
        registered_by=who.username,
        registered_at=now,
        first_response_due=due.first_response,
        handling_plan_due=due.handling_plan,
        on_site_due=due.on_site,
        solved_due=due.solved,
        priority_dispatch_at=due.priority_dispatch_at,
        workshop_due=workshop_due(now, new.units, calendar) if new.units else None,
        updated_at=now,
        transitions=[OrderTransitionRow(from_status=None, to_status="registered", at=now,
                                        by=who.username)],
    )
    session.add(row)
    await session.flush()
    record(session, who, "create", "service_order", row.id, {"customer_id": customer.id})
    return row


async def change(session: AsyncSession, who: Principal, order_id: int,
                 changes: OrderPatch, now: datetime) -> ServiceOrderRow:
    """Technician, description, service class, or the R7/R8 clock stops: those given."""
    row = await load(session, order_id, lock=True, seen_by=who)
    for key, stopped in (("first_contact_at", changes.first_contact_at),
                         ("plan_sent_at", changes.plan_sent_at)):
        if stopped is not None and stopped > now + timedelta(minutes=5):
            raise InvalidInput(key, "cannot be in the future")
    values = changes.given()
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    record(session, who, "update", "service_order", row.id, {"fields": sorted(values)})
    await session.flush()
    return row


async def move(session: AsyncSession, who: Principal, order_id: int, target: OrderStatus,
               note: str, technician: str | None, calendar: WorkingCalendar,
               now: datetime) -> ServiceOrderRow:
    """Apply one status transition (409 illegal-transition if the machine forbids it)."""
    row = await load(session, order_id, lock=True, seen_by=who)
    current = SERVICE_ORDER.check(row.status, target)
    if technician is not None:
        row.technician = technician
    if target is OrderStatus.DISPATCHED and not row.technician:
        raise InvalidInput("technician", "an order is dispatched to a named technician")
    stamp = _STAMPS.get(target)
    if stamp is not None:
        setattr(row, stamp, now)
    _follow_up_event(session, row, current, target, calendar, now)
    await write_transition(session, who, row, entity="service_order",
                           history=OrderTransitionRow, current=current, target=target,
                           note=note, now=now)
    return row


def _follow_up_event(session: AsyncSession, row: ServiceOrderRow, current: OrderStatus,
                     target: OrderStatus, calendar: WorkingCalendar, now: datetime) -> None:
    """R14: the call-back clock starts when the customer has the product back.

    That is the "returned" step, or completion itself for an on-site job closed straight
    from "completed" (nothing was taken away). Consultations have no product to return.
    """
    if row.kind == OrderKind.CONSULTATION.value:
        return
    if target is OrderStatus.RETURNED:
        back_at = now
    elif target is OrderStatus.CLOSED and current is OrderStatus.COMPLETED:
        back_at = row.completed_at or now
    else:
        return
    emit(session, Topic.PRODUCT_RETURNED, "service_order", row.id, back_at,
         repair_callback_due(back_at, calendar),
         {"customer_id": row.customer_id, "product_id": row.product_id, "kind": row.kind,
          "technician": row.technician, "service_class": row.service_class})


_WORKING_TIME_CLOCKS = frozenset({"handling_plan", "on_site", "solved", "workshop"})


def clocks(row: ServiceOrderRow, now: datetime,
           calendar: WorkingCalendar) -> dict[str, OrderClock]:
    """Each deadline with when its clock stopped (if it has) and where it stands.

    A clock counted in working time is `uncertain` when a day between registration and its
    due date is known to no calendar source (a year whose holiday notice is not entered):
    it was counted as a plain weekday and may be wrong.
    """
    pairs: dict[str, tuple[datetime | None, datetime | None]] = {
        "first_response": (row.first_response_due, row.first_contact_at),
        "handling_plan": (row.handling_plan_due, row.plan_sent_at),
        "on_site": (row.on_site_due, row.on_site_at),
        "solved": (row.solved_due, row.completed_at),
        "workshop": (row.workshop_due, row.completed_at),
    }
    ended = row.status == OrderStatus.CANCELLED.value
    first = row.registered_at.astimezone(calendar.zone).date()
    return {name: OrderClock(
                due=due, done_at=stopped,
                state=OrderClockState(clock_state(due, stopped, now, WARN_BEFORE, ended=ended)),
                uncertain=name in _WORKING_TIME_CLOCKS and bool(calendar.unknown_days(
                    first, due.astimezone(calendar.zone).date())))
            for name, (due, stopped) in pairs.items() if due is not None}


def reply(row: ServiceOrderRow, now: datetime, calendar: WorkingCalendar) -> Order:
    """The order as the API shows it: what it stores, with where each clock stands `now`
    (the state of a deadline changes with time, so it is worked out for each reply)."""
    return Order(**dict(OrderRecord.model_validate(row)), deadlines=clocks(row, now, calendar))


async def search(session: AsyncSession, who: Principal, customer_id: int | None,
                 status: OrderStatus | None, technician: str | None, limit: int,
                 ) -> list[ServiceOrderRow]:
    """Orders `who` may see, newest first, by customer, status and/or technician; every order
    listed is audited as read (R27)."""
    query = select(ServiceOrderRow).where(*visible_to(who)).options(
        selectinload(ServiceOrderRow.transitions)).order_by(
        ServiceOrderRow.id.desc()).limit(limit)
    if customer_id is not None:
        query = query.where(ServiceOrderRow.customer_id == customer_id)
    if status is not None:
        query = query.where(ServiceOrderRow.status == status)
    if technician is not None:
        query = query.where(ServiceOrderRow.technician == technician)
    rows = list((await session.scalars(query)).all())
    for row in rows:
        record(session, who, "read", "service_order", row.id, {"via": "list"})
    return rows
