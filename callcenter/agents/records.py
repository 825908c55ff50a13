"""Storing a wrap-up: the call's classification and what it produced, in one transaction.

001 §7 classifies a call as a consultation, a repair request or a complaint (general or
major). A repair request becomes a service order, a complaint a ledger entry with its R21
number — both through the back office's own services, linked to the call and the customer —
and a question the agent could not answer a promised call-back (R6) with its number and due
time. The registry's `outcome` and `customer_id` are set in the same transaction when the
call's row is already written; otherwise `fill_registry` copies them once it is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter import phones
from callcenter.agents.models import AgentWrapupRow, PromisedCallbackRow
from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.calls.models import CallRow
from callcenter.complaints import schemas as complaint_schemas
from callcenter.complaints import service as complaints
from callcenter.customers import fields as f
from callcenter.errors import Conflict, InvalidInput
from callcenter.orders import schemas as order_schemas
from callcenter.orders import service as orders
from callcenter.phones import NumberPlan
from callcenter.rules.calendar import WorkingCalendar
from callcenter.storage.database import Database


class Classification(StrEnum):
    """What the caller wanted (001 §7)."""

    CONSULTATION = "consultation"
    REPAIR_REQUEST = "repair_request"
    COMPLAINT_GENERAL = "complaint_general"
    COMPLAINT_MAJOR = "complaint_major"


_FIELDS = frozenset({"call_id", "classification", "customer_id", "note", "order",
                     "complaint", "callback"})
_CALLBACK = frozenset({"due_at", "number", "note"})
MAX_CALLBACK_AHEAD = timedelta(days=30)


def parse(payload: Any, now: datetime) -> dict[str, Any]:
    """The wrap-up form; the order and complaint parts are checked by their own schemas."""
    data = f.body_object(payload)
    f.reject_unknown(data, _FIELDS)
    kind = f.choice(data, "classification", Classification)
    values: dict[str, Any] = {
        "call_id": f.text(data, "call_id", limit=64, required_non_empty=True),
        "classification": kind,
        "customer_id": f.ident(data, "customer_id"),
        "note": f.text(data, "note", default="", limit=4000),
        "order": data.get("order"), "complaint": data.get("complaint"), "callback": None,
    }
    if kind is Classification.REPAIR_REQUEST and not isinstance(values["order"], dict):
        raise InvalidInput("order", "a repair request needs the service order's fields")
    if kind in (Classification.COMPLAINT_GENERAL, Classification.COMPLAINT_MAJOR) \
            and not isinstance(values["complaint"], dict):
        raise InvalidInput("complaint", "a complaint needs the ledger entry's fields")
    callback = data.get("callback")
    if callback is not None:
        callback = f.body_object(callback)
        f.reject_unknown(callback, _CALLBACK)
        due = f.instant(callback, "due_at")
        if due is None or not now - timedelta(minutes=5) < due < now + MAX_CALLBACK_AHEAD:
            raise InvalidInput("callback.due_at", "must be a time within the next 30 days")
        values["callback"] = {"due_at": due, "number": f.optional_text(callback, "number",
                                                                        limit=40),
                              "note": f.text(callback, "note", default="", limit=2000)}
    return values


async def store(db: Database, who: Principal, agent_id: str, values: dict[str, Any],
                caller_number: str, plan: NumberPlan, zone: ZoneInfo, calendar: WorkingCalendar,
                now: datetime) -> dict[str, Any]:
    """Write the wrap-up and what it produced; returns the stored wrap-up as JSON."""
    kind: Classification = values["classification"]
    customer_id: int | None = values["customer_id"]
    call_id: str = values["call_id"]
    result: dict[str, Any] = {"call_id": call_id, "classification": kind.value,
                              "customer_id": customer_id}
    try:
        async with db.transaction() as session:
            order_id = complaint_id = callback_id = None
            if kind is Classification.REPAIR_REQUEST:
                order_id = await _order(session, who, values, calendar, now)
                result["order_id"] = order_id
            elif kind in (Classification.COMPLAINT_GENERAL, Classification.COMPLAINT_MAJOR):
                complaint_id, number = await _complaint(session, who, values, caller_number,
                                                        plan, zone, now)
                result.update(complaint_id=complaint_id, complaint_number=number)
            if values["callback"] is not None:
                callback_id = await _callback(session, who, agent_id, values, caller_number,
                                              plan)
                result["callback_id"] = callback_id
            outcome = _outcome(kind, result)
            row = AgentWrapupRow(call_id=call_id, agent_id=agent_id, customer_id=customer_id,
                                 classification=kind.value, outcome=outcome, order_id=order_id,
                                 complaint_id=complaint_id, callback_id=callback_id,
                                 note=values["note"], created_at=now)
            session.add(row)
            await session.flush()
            row.registry_filled = await _fill(session, call_id, outcome, customer_id)
            record(session, who, "create", "wrapup", row.id,
                   {"call_id": call_id, "classification": kind.value})
    except IntegrityError:
        raise Conflict("this call already has your wrap-up", call_id=call_id) from None
    result["outcome"] = outcome
    return result


async def _order(session: AsyncSession, who: Principal, values: dict[str, Any],
                 calendar: WorkingCalendar, now: datetime) -> int:
    body = {"kind": "repair", **values["order"], "call_id": values["call_id"],
            "customer_id": values["customer_id"]}
    if body["customer_id"] is None:
        raise InvalidInput("customer_id", "a repair request needs the customer's record")
    row = await orders.register(session, who, order_schemas.parse_create(body), calendar, now)
    return row.id


async def _complaint(session: AsyncSession, who: Principal, values: dict[str, Any],
                     caller_number: str, plan: NumberPlan, zone: ZoneInfo,
                     now: datetime) -> tuple[int, str]:
    part = dict(values["complaint"])
    if "contact" not in part:  # the caller's number, when it is one (not "anonymous")
        usable = phones.normalise(caller_number, plan.region, plan.area_code)
        part["contact"] = usable
    if values["classification"] is Classification.COMPLAINT_MAJOR and not part.get("crises") \
            and not part.get("batch"):
        raise InvalidInput("complaint.crises", "a major complaint names its crisis or batch")
    body = {**part, "kind": "complaint", "call_id": values["call_id"],
            "customer_id": values["customer_id"]}
    parsed = complaint_schemas.parse_create(body, plan)
    row, _escalation = await complaints.register(session, who, parsed, zone, now)
    return row.id, row.number


async def _callback(session: AsyncSession, who: Principal, agent_id: str,
                    values: dict[str, Any], caller_number: str, plan: NumberPlan) -> int:
    """R6: the question is answered later by a call-back, with the number recorded."""
    part = values["callback"]
    raw = part["number"] or caller_number
    if not raw:
        raise InvalidInput("callback.number", "the caller's number is unknown: give one")
    row = PromisedCallbackRow(call_id=values["call_id"], agent_id=agent_id,
                              customer_id=values["customer_id"],
                              number=plan.e164("callback.number", raw), due_at=part["due_at"],
                              note=part["note"] or values["note"], status="open")
    session.add(row)
    await session.flush()
    record(session, who, "create", "promised_callback", row.id, {"call_id": values["call_id"]})
    return row.id


def _outcome(kind: Classification, result: dict[str, Any]) -> str:
    parts = [kind.value]
    if "order_id" in result:
        parts.append(f"order={result['order_id']}")
    if "complaint_number" in result:
        parts.append(f"complaint={result['complaint_number']}")
    if "callback_id" in result:
        parts.append(f"callback={result['callback_id']}")
    return " ".join(parts)


async def _fill(session: AsyncSession, call_id: str, outcome: str,
                customer_id: int | None) -> bool:
    values: dict[str, Any] = {"outcome": outcome}
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


__all__ = ["Classification", "fill_registry", "parse", "store"]
