"""The complaint ledger: registration with its number, escalation, status flow (R20-R23).

Registration takes the month's next serial first (see `numbering`), classifies the
complaint (crisis or batch incident → major, 001 §7), stores the R23 deadlines, and for a
major complaint stores a reminder to the manager role at once (R20 "escalated at once"),
returned to the handler so it can announce it on the hub after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from callcenter.audit.history import write_transition
from callcenter.audit.log import record
from callcenter.auth.principal import Principal, Role
from callcenter.complaints.models import ComplaintRow, ComplaintTransitionRow
from callcenter.complaints.numbering import next_serial
from callcenter.complaints.schemas import (
    Complaint,
    ComplaintClock,
    ComplaintClockState,
    ComplaintIn,
    ComplaintPatch,
    ComplaintRecord,
)
from callcenter.customers.models import CustomerRow
from callcenter.errors import InvalidInput, NotFound
from callcenter.followups.outbox import Topic, emit
from callcenter.orders.models import ServiceOrderRow
from callcenter.overdue import reminders
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import RequestKind, complaint_severity, major_reasons
from callcenter.rules.deadlines import (
    clock_state,
    complaint_callback_due,
    complaint_case_due,
    consultation_answer_due,
)
from callcenter.rules.numbering import complaint_number, period_key
from callcenter.rules.status import COMPLAINT, ComplaintStatus

WARN_BEFORE = timedelta(days=1)
"""A complaint case shows as due soon a day before its R23 deadline."""


async def load(session: AsyncSession, complaint_id: int, *, lock: bool = False) -> ComplaintRow:
    """One complaint with its transitions; `lock` holds the row until commit."""
    query = select(ComplaintRow).where(ComplaintRow.id == complaint_id).options(
        selectinload(ComplaintRow.transitions))
    if lock:
        query = query.with_for_update()
    row = (await session.scalars(query)).one_or_none()
    if row is None:
        raise NotFound("complaint", str(complaint_id))
    return row


async def read(session: AsyncSession, who: Principal, complaint_id: int) -> ComplaintRow:
    """One complaint, with the read audited (R27)."""
    row = await load(session, complaint_id)
    record(session, who, "read", "complaint", row.id)
    return row


async def register(session: AsyncSession, who: Principal, new: ComplaintIn, zone: ZoneInfo,
                   now: datetime) -> tuple[ComplaintRow, dict[str, Any] | None]:
    """A new ledger entry; returns it and, for a major complaint, the escalation reminder
    (the hub event of `reminders.add`, to announce once the transaction has committed)."""
    period = period_key(now, zone)
    serial = await next_serial(session, period)  # first: see numbering's docstring
    overseas = await _overseas(session, new)
    if new.order_id is not None and await session.get(ServiceOrderRow, new.order_id) is None:
        raise InvalidInput("order_id", f"no service order {new.order_id}")
    severity = complaint_severity(new.crises, new.batch_incident)
    row = ComplaintRow(
        number=complaint_number(now, serial, zone), period=period, serial=serial,
        registered_at=now, kind=new.kind.value, severity=severity.value,
        major_reasons=sorted(r.value for r in major_reasons(new.crises, new.batch_incident)),
        crises=[c.value for c in new.crises], subject=new.subject, content=new.content,
        complainant=new.complainant, contact=new.contact or "",
        customer_id=new.customer_id, order_id=new.order_id,
        call_id=new.call_id, owner=new.owner, registered_by=who.username,
        status=ComplaintStatus.PENDING.value, overseas=overseas,
        case_due=complaint_case_due(now, overseas, zone),
        answer_due=(consultation_answer_due(now, zone)
                    if new.kind is RequestKind.CONSULTATION and not new.answered_on_call
                    else None),
        escalated_at=now if severity.value == "major" else None,
        # Stored as it was given: the ledger keeps the batch figures behind a 001 §7 verdict.
        detail={"batch": new.batch.model_dump()} if new.batch else {},
        updated_at=now,
        transitions=[ComplaintTransitionRow(from_status=None, to_status="pending", at=now,
                                            by=who.username)],
    )
    session.add(row)
    await session.flush()
    record(session, who, "create", "complaint", row.id,
           {"number": row.number, "customer_id": row.customer_id})
    escalation = None
    if row.escalated_at is not None:
        escalation = await reminders.add(
            session, entity="complaint", entity_id=row.id, deadline="escalation",
            state="major", due_at=row.case_due, owner=None, role=Role.MANAGER.value,
            message=f"major complaint {row.number}: {row.subject}", now=now)
    return row, escalation


async def _overseas(session: AsyncSession, new: ComplaintIn) -> bool:
    """R23: 17 days for an overseas customer; the customer's record decides when known."""
    if new.customer_id is None:
        return bool(new.overseas)
    customer = await session.get(CustomerRow, new.customer_id)
    if customer is None:
        raise InvalidInput("customer_id", f"no customer {new.customer_id}")
    return customer.overseas if new.overseas is None else new.overseas


async def change(session: AsyncSession, who: Principal, complaint_id: int,
                 changes: ComplaintPatch, now: datetime) -> ComplaintRow:
    """Owner, resolution or follow-up text: those given."""
    row = await load(session, complaint_id, lock=True)
    return await _update(session, who, row, changes.given(), now)


async def add_follow_up_line(session: AsyncSession, who: Principal, complaint_id: int,
                             line: str, now: datetime) -> ComplaintRow | None:
    """Append `line` to the follow-up text (R15 "the call recorded"); None if there is no
    such complaint. The lines of call-backs add up over a long case, so the whole text is
    not held to what a person may write at once (`ComplaintPatch`)."""
    try:
        row = await load(session, complaint_id, lock=True)
    except NotFound:
        return None
    return await _update(session, who, row, {"follow_up": f"{row.follow_up}\n{line}".strip()},
                         now)


async def _update(session: AsyncSession, who: Principal, row: ComplaintRow,
                  values: Mapping[str, str | None], now: datetime) -> ComplaintRow:
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    record(session, who, "update", "complaint", row.id, {"fields": sorted(values)})
    await session.flush()
    return row


async def move(session: AsyncSession, who: Principal, complaint_id: int,
               target: ComplaintStatus, note: str, calendar: WorkingCalendar, now: datetime,
               *, resolution: str | None = None, follow_up: str | None = None) -> ComplaintRow:
    """One ledger status change, with the resolution or follow-up text given with it;
    "resolved" writes the R15 call-back event to the outbox."""
    row = await load(session, complaint_id, lock=True)
    current = COMPLAINT.check(row.status, target)
    if resolution is not None:
        row.resolution = resolution
    if follow_up is not None:
        row.follow_up = follow_up
    if target is ComplaintStatus.RESOLVED:
        row.resolved_at = now
        emit(session, Topic.COMPLAINT_RESOLVED, "complaint", row.id, now,
             complaint_callback_due(now, calendar),
             {"customer_id": row.customer_id, "number": row.number, "contact": row.contact,
              "severity": row.severity})
    elif target is ComplaintStatus.CLOSED:
        row.closed_at = now
    elif current is ComplaintStatus.RESOLVED:  # R15: the problem is back, handled again
        row.resolved_at = None
    await write_transition(session, who, row, entity="complaint",
                           history=ComplaintTransitionRow, current=current, target=target,
                           note=note, now=now)
    return row


def clocks(row: ComplaintRow, now: datetime) -> dict[str, ComplaintClock]:
    """R23 deadlines: the case (stops when closed) and the consultation answer (resolved)."""
    pairs = {"case": (row.case_due, row.closed_at),
             "answer": (row.answer_due, row.resolved_at or row.closed_at)}
    return {name: ComplaintClock(
                due=due, done_at=stopped,
                state=ComplaintClockState(clock_state(due, stopped, now, WARN_BEFORE)))
            for name, (due, stopped) in pairs.items() if due is not None}


def reply(row: ComplaintRow, now: datetime) -> Complaint:
    """The ledger line as the API shows it: what it stores, with where its deadlines stand
    `now` (the state of a deadline changes with time, so it is worked out for each reply)."""
    return Complaint(**dict(ComplaintRecord.model_validate(row)), deadlines=clocks(row, now))


async def search(session: AsyncSession, who: Principal, status: ComplaintStatus | None,
                 number: str | None, customer_id: int | None,
                 limit: int) -> list[ComplaintRow]:
    """Ledger lines, newest first; every line listed is audited as read (R27)."""
    query = select(ComplaintRow).options(selectinload(ComplaintRow.transitions)).order_by(
        ComplaintRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(ComplaintRow.status == status)
    if number is not None:
        query = query.where(ComplaintRow.number == number)
    if customer_id is not None:
        query = query.where(ComplaintRow.customer_id == customer_id)
    rows = list((await session.scalars(query)).all())
    for row in rows:
        record(session, who, "read", "complaint", row.id, {"via": "list"})
    return rows
