"""Storing a wrap-up: the call's classification and what it produced, in one transaction.

001 §7 classifies a call as a consultation, a repair request or a complaint (general or
major). A repair request becomes a service order, a complaint a ledger entry with its R21
number — both through the back office's own services, linked to the call and the customer —
and a question the agent could not answer a promised call-back (R6) with its number and due
time. The registry's `outcome` and `customer_id` are set in the same transaction when the
call's row is already written; otherwise `fill_registry` copies them once it is.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter import phones
from callcenter.agents.models import AgentWrapupRow, PromisedCallbackRow
from callcenter.agents.schemas import (
    COMPLAINTS,
    CallbackIn,
    Classification,
    WrapupComplaint,
    WrapupIn,
    WrapupOrder,
    WrapupResult,
)
from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.calls.models import CallRow
from callcenter.complaints import service as complaints
from callcenter.complaints.schemas import ComplaintIn
from callcenter.errors import Conflict, InvalidInput
from callcenter.orders import service as orders
from callcenter.orders.schemas import OrderIn
from callcenter.phones import NumberPlan
from callcenter.rules.calendar import WorkingCalendar
from callcenter.rules.classification import RequestKind
from callcenter.storage.database import Database
from callcenter.web.api import parse_body


def parse(payload: object, now: datetime, plan: NumberPlan | None = None) -> WrapupIn:
    """The wrap-up form from decoded JSON, read as POST /api/agent/wrapup reads it, at `now`
    and with the site's number `plan` (scripts and tests hold the payload as Python values;
    a complaint's contact number needs the plan)."""
    context: dict[str, object] = {"now": now} if plan is None else {"now": now, "plan": plan}
    return parse_body(WrapupIn, json.dumps(payload), context)


async def store(db: Database, who: Principal, agent_id: str, wrapup: WrapupIn,
                caller_number: str, plan: NumberPlan, zone: ZoneInfo, calendar: WorkingCalendar,
                now: datetime) -> dict[str, Any]:
    """`wrap_up` for scripts and tests, which read its result by key: the JSON the endpoint
    answers with."""
    stored = await wrap_up(db, who, agent_id, wrapup, caller_number, plan, zone, calendar, now)
    return stored.model_dump(mode="json")


async def wrap_up(db: Database, who: Principal, agent_id: str, wrapup: WrapupIn,
                  caller_number: str, plan: NumberPlan, zone: ZoneInfo,
                  calendar: WorkingCalendar, now: datetime) -> WrapupResult:
    """Write the wrap-up and what it produced, in one transaction."""
    kind = wrapup.classification
    order_id = complaint_id = callback_id = None
    number: str | None = None
    try:
        async with db.transaction() as session:
            if wrapup.order is not None and kind is Classification.REPAIR_REQUEST:
                order_id = await _order(session, who, wrapup, wrapup.order, calendar, now)
            elif wrapup.complaint is not None and kind in COMPLAINTS:
                complaint_id, number = await _complaint(session, who, wrapup, wrapup.complaint,
                                                        caller_number, plan, zone, now)
            if wrapup.callback is not None:
                callback_id = await _callback(session, who, agent_id, wrapup, wrapup.callback,
                                              caller_number, plan)
            outcome = _outcome(kind, order_id, number, callback_id)
            row = AgentWrapupRow(call_id=wrapup.call_id, agent_id=agent_id,
                                 customer_id=wrapup.customer_id, classification=kind.value,
                                 outcome=outcome, order_id=order_id, complaint_id=complaint_id,
                                 callback_id=callback_id, note=wrapup.note, created_at=now)
            session.add(row)
            await session.flush()
            row.registry_filled = await _fill(session, wrapup.call_id, outcome,
                                              wrapup.customer_id)
            record(session, who, "create", "wrapup", row.id,
                   {"call_id": wrapup.call_id, "classification": kind.value})
    except IntegrityError:
        raise Conflict("this call already has your wrap-up", call_id=wrapup.call_id) from None
    return WrapupResult(call_id=wrapup.call_id, classification=kind,
                        customer_id=wrapup.customer_id, order_id=order_id,
                        complaint_id=complaint_id, complaint_number=number,
                        callback_id=callback_id, outcome=outcome)


NOT_CLASSIFIED = "not_classified"
"""The classification of a wrap-up whose time ran out before the agent classified the call."""


async def record_unclassified(db: Database, agent_id: str, call_id: str,
                              customer_id: int | None, now: datetime) -> bool:
    """Store the wrap-up the agent left unclassified, with the customer the pop found, and
    put both on the call's registry row; False if the call already has this agent's."""
    try:
        async with db.transaction() as session:
            session.add(AgentWrapupRow(call_id=call_id, agent_id=agent_id,
                                       customer_id=customer_id, classification=NOT_CLASSIFIED,
                                       outcome=NOT_CLASSIFIED, note="", created_at=now))
            await session.flush()
            await _fill(session, call_id, NOT_CLASSIFIED, customer_id)
    except IntegrityError:
        return False
    return True


async def _order(session: AsyncSession, who: Principal, wrapup: WrapupIn, part: WrapupOrder,
                 calendar: WorkingCalendar, now: datetime) -> int:
    new = OrderIn.model_validate({**dict(part), "call_id": wrapup.call_id,
                                  "customer_id": wrapup.customer_id})
    row = await orders.register(session, who, new, calendar, now)
    return row.id


async def _complaint(session: AsyncSession, who: Principal, wrapup: WrapupIn,
                     part: WrapupComplaint, caller_number: str, plan: NumberPlan, zone: ZoneInfo,
                     now: datetime) -> tuple[int, str]:
    # Without a contact given, the caller's number, when it is one (not "anonymous").
    contact = part.contact or phones.normalise(caller_number, plan.region, plan.area_code)
    new = ComplaintIn.model_validate({**dict(part), "contact": contact,
                                      "kind": RequestKind.COMPLAINT, "call_id": wrapup.call_id,
                                      "customer_id": wrapup.customer_id})
    row, _escalation = await complaints.register(session, who, new, zone, now)
    return row.id, row.number


async def _callback(session: AsyncSession, who: Principal, agent_id: str, wrapup: WrapupIn,
                    part: CallbackIn, caller_number: str, plan: NumberPlan) -> int:
    """R6: the question is answered later by a call-back, with the number recorded."""
    raw = part.number or caller_number
    if not raw:
        raise InvalidInput("callback.number", "the caller's number is unknown: give one")
    row = PromisedCallbackRow(call_id=wrapup.call_id, agent_id=agent_id,
                              customer_id=wrapup.customer_id,
                              number=plan.e164("callback.number", raw), due_at=part.due_at,
                              note=part.note or wrapup.note, status="open")
    session.add(row)
    await session.flush()
    record(session, who, "create", "promised_callback", row.id, {"call_id": wrapup.call_id})
    return row.id


def _outcome(kind: Classification, order_id: int | None, complaint_number: str | None,
             callback_id: int | None) -> str:
    parts = [kind.value]
    if order_id is not None:
        parts.append(f"order={order_id}")
    if complaint_number is not None:
        parts.append(f"complaint={complaint_number}")
    if callback_id is not None:
        parts.append(f"callback={callback_id}")
    return " ".join(parts)


async def _fill(session: AsyncSession, call_id: str, outcome: str,
                customer_id: int | None) -> bool:
    values: dict[str, str | int] = {"outcome": outcome}
    if customer_id is not None:
        values["customer_id"] = customer_id
    result = await session.execute(update(CallRow).where(CallRow.call_id == call_id)
                                   .values(**values))
    return bool(getattr(result, "rowcount", 0))


async def fill_registry(db: Database, now: datetime, limit: int = 200) -> int:
    """Copy wrap-ups onto registry rows written since; returns how many were copied.

    Only the last day's are tried: a call the registry never gets (not a hotline call)
    must not be looked for forever.
    """
    async with db.transaction() as session:
        waiting = (await session.scalars(
            select(AgentWrapupRow).where(AgentWrapupRow.registry_filled.is_(False),
                                         AgentWrapupRow.created_at > now - timedelta(days=1))
            .order_by(AgentWrapupRow.id).limit(limit))).all()
        filled = 0
        for row in waiting:
            if await _fill(session, row.call_id, row.outcome, row.customer_id):
                row.registry_filled = True
                filled += 1
    return filled


__all__ = ["Classification", "fill_registry", "parse", "store", "wrap_up"]
