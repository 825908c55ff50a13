"""The complaint ledger: registration with its number, escalation, status flow (R20-R23).

Registration takes the month's next serial first (see `numbering`), classifies the
complaint (crisis or batch incident → major, 001 §7), stores the R23 deadlines, and for a
major complaint stores a reminder to the manager role at once (R20 "escalated at once"),
returned to the handler so it can announce it on the hub after the commit.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from callcenter.audit.history import history_json, write_transition
from callcenter.audit.log import record
from callcenter.auth.principal import Principal, Role
from callcenter.clock import iso
from callcenter.complaints.models import ComplaintRow, ComplaintTransitionRow
from callcenter.complaints.numbering import next_serial
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


async def register(session: AsyncSession, who: Principal, values: dict[str, Any],
                   zone: ZoneInfo, now: datetime) -> tuple[ComplaintRow, dict[str, Any] | None]:
    """A new ledger entry; returns it and, for a major complaint, the escalation reminder."""
    period = period_key(now, zone)
    serial = await next_serial(session, period)  # first: see numbering's docstring
    overseas = await _overseas(session, values)
    if values["order_id"] is not None and await session.get(
            ServiceOrderRow, values["order_id"]) is None:
        raise InvalidInput("order_id", f"no service order {values['order_id']}")
    crises = values["crises"]
    severity = complaint_severity(crises, values["batch_incident"])
    kind: RequestKind = values["kind"]
    row = ComplaintRow(
        number=complaint_number(now, serial, zone), period=period, serial=serial,
        registered_at=now, kind=kind.value, severity=severity.value,
        major_reasons=sorted(r.value for r in major_reasons(crises, values["batch_incident"])),
        crises=[c.value for c in crises], subject=values["subject"], content=values["content"],
        complainant=values["complainant"], contact=values["contact"],
        customer_id=values["customer_id"], order_id=values["order_id"],
        call_id=values["call_id"], owner=values["owner"], registered_by=who.username,
        status=ComplaintStatus.PENDING.value, overseas=overseas,
        case_due=complaint_case_due(now, overseas, zone),
        answer_due=(consultation_answer_due(now, zone)
                    if kind is RequestKind.CONSULTATION and not values["answered_on_call"]
                    else None),
        escalated_at=now if severity.value == "major" else None,
        detail={"batch": values["batch"]} if values["batch"] else {},
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


async def _overseas(session: AsyncSession, values: dict[str, Any]) -> bool:
    """R23: 17 days for an overseas customer; the customer's record decides when known."""
    customer_id = values["customer_id"]
    if customer_id is None:
        return bool(values["overseas"])
    customer = await session.get(CustomerRow, customer_id)
    if customer is None:
        raise InvalidInput("customer_id", f"no customer {customer_id}")
    return customer.overseas if values["overseas"] is None else bool(values["overseas"])


async def change(session: AsyncSession, who: Principal, complaint_id: int,
                 values: dict[str, Any], now: datetime) -> ComplaintRow:
    """Owner, resolution or follow-up text."""
    row = await load(session, complaint_id, lock=True)
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = now
    record(session, who, "update", "complaint", row.id, {"fields": sorted(values)})
    await session.flush()
    return row


async def move(session: AsyncSession, who: Principal, complaint_id: int,
               target: ComplaintStatus, note: str, extra: dict[str, str],
               calendar: WorkingCalendar, now: datetime) -> ComplaintRow:
    """One ledger status change; "resolved" writes the R15 call-back event to the outbox."""
    row = await load(session, complaint_id, lock=True)
    current = COMPLAINT.check(row.status, target)
    for key, value in extra.items():
        setattr(row, key, value)
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


def clocks(row: ComplaintRow, now: datetime) -> dict[str, dict[str, Any]]:
    """R23 deadlines: the case (stops when closed) and the consultation answer (resolved)."""
    pairs = {"case": (row.case_due, row.closed_at),
             "answer": (row.answer_due, row.resolved_at or row.closed_at)}
    return {name: {"due": iso(due), "done_at": iso(stopped),
                   "state": clock_state(due, stopped, now, WARN_BEFORE)}
            for name, (due, stopped) in pairs.items() if due is not None}


def complaint_json(row: ComplaintRow, now: datetime) -> dict[str, Any]:
    return {
        "id": row.id, "number": row.number, "registered_at": iso(row.registered_at),
        "kind": row.kind, "severity": row.severity, "major_reasons": list(row.major_reasons),
        "crises": list(row.crises), "subject": row.subject, "content": row.content,
        "complainant": row.complainant, "contact": row.contact,
        "customer_id": row.customer_id, "order_id": row.order_id, "call_id": row.call_id,
        "owner": row.owner, "registered_by": row.registered_by, "status": row.status,
        "resolution": row.resolution, "follow_up": row.follow_up, "overseas": row.overseas,
        "escalated_at": iso(row.escalated_at), "resolved_at": iso(row.resolved_at),
        "closed_at": iso(row.closed_at), "deadlines": clocks(row, now),
        "transitions": history_json(row.transitions),
        "updated_at": iso(row.updated_at),
    }


async def search(session: AsyncSession, status: str | None, number: str | None,
                 customer_id: int | None, limit: int) -> list[ComplaintRow]:
    """Ledger lines, newest first."""
    query = select(ComplaintRow).options(selectinload(ComplaintRow.transitions)).order_by(
        ComplaintRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(ComplaintRow.status == status)
    if number is not None:
        query = query.where(ComplaintRow.number == number)
    if customer_id is not None:
        query = query.where(ComplaintRow.customer_id == customer_id)
    return list((await session.scalars(query)).all())
