"""What other packages do to the complaint ledger after a follow-up call (R15, R19, R20).

The follow-up dialer (and any other package) reaches complaints through these functions
instead of importing the tables: a line on a complaint's follow-up (R15 "the call
recorded"), an R20 complaint registered and, when serious, escalated, and the R19 test
"a complaint was on record before" as an expression for the caller's own statement. They
return plain values and small frozen records, and go through `service` for every change,
so numbering, history and audit (R21, R22, R27) stay in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression, exists
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.principal import Principal
from callcenter.complaints import service
from callcenter.complaints.models import ComplaintRow
from callcenter.complaints.schemas import ComplaintIn


@dataclass(frozen=True, slots=True)
class ComplaintState:
    """A complaint's ledger number and status, as they are after a change."""

    id: int
    number: str
    status: str


@dataclass(frozen=True, slots=True)
class RegisteredComplaint:
    """A complaint just put on the ledger: its id, number and R23 case deadline."""

    id: int
    number: str
    case_due: datetime


async def add_follow_up_line(session: AsyncSession, who: Principal, complaint_id: int,
                             line: str, now: datetime) -> ComplaintState | None:
    """Append `line` to the complaint's follow-up text (audited); None if there is none."""
    row = await service.add_follow_up_line(session, who, complaint_id, line, now)
    if row is None:
        return None
    return ComplaintState(row.id, row.number, row.status)


async def register(session: AsyncSession, who: Principal, complaint: ComplaintIn,
                   zone: ZoneInfo, now: datetime, *, escalate: bool) -> RegisteredComplaint:
    """`service.register`, escalated at `now` when `escalate` (a serious R20 complaint).

    Made by code, `complaint` has no number plan to read its contact with: it gives the
    number in E.164, as the dialer holds it."""
    row, _ = await service.register(session, who, complaint, zone, now)
    if escalate:
        row.escalated_at = now
    return RegisteredComplaint(row.id, row.number, row.case_due)


def registered_before(customer_id: SQLColumnExpression[int],
                      at: SQLColumnExpression[datetime]) -> ColumnElement[bool]:
    """True where the customer had a complaint registered before `at` (R19's exclusion)."""
    return exists().where(ComplaintRow.customer_id == customer_id,
                          ComplaintRow.registered_at < at)


__all__ = ["ComplaintState", "RegisteredComplaint", "add_follow_up_line", "register",
           "registered_before"]
