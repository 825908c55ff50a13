"""Customer and contract reads and small writes for the packages that do not own them.

The follow-up dialer (and any other package) reaches customers and maintenance contracts
through these functions instead of importing the tables: it gets plain values or small
frozen records, and the two changes it makes (key 9 "do not call", R13 renewal notified)
are made and audited here (R27). Where a caller builds one statement over its own table and
the customers (a claim with `FOR UPDATE SKIP LOCKED`, the planner's pending jobs), the
expressions below keep it one statement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.customers.models import ContractRow, CustomerPhoneRow, CustomerRow

_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class CallTarget:
    """What placing a call to a customer needs: may they be called, where, at which number."""

    do_not_call: bool
    time_zone: str
    phone: str | None  # E.164 of their first number; None when they have none


@dataclass(frozen=True, slots=True)
class CustomerName:
    """A customer as a record written about them names them."""

    id: int
    name: str


async def call_target(session: AsyncSession, customer_id: int) -> CallTarget | None:
    """The customer's calling facts and first number; None if there is no such customer."""
    customer = await session.get(CustomerRow, customer_id)
    if customer is None:
        return None
    phone = await session.scalar(select(CustomerPhoneRow.e164).where(
        CustomerPhoneRow.customer_id == customer_id).order_by(CustomerPhoneRow.id).limit(1))
    return CallTarget(customer.do_not_call, customer.time_zone, phone)


async def customer_name(session: AsyncSession, customer_id: int) -> CustomerName | None:
    """The customer's id and name; None if there is no such customer."""
    customer = await session.get(CustomerRow, customer_id)
    return None if customer is None else CustomerName(customer.id, customer.name)


async def time_zone(session: AsyncSession, customer_id: int) -> str | None:
    """The customer's own time zone name (their calling windows); None if unknown."""
    return await session.scalar(select(CustomerRow.time_zone).where(
        CustomerRow.id == customer_id))


async def mark_do_not_call(session: AsyncSession, who: Principal, customer_id: int,
                           context: Mapping[str, Any]) -> bool:
    """Make the customer do-not-call, audited with `context`; False if there is none."""
    customer = await session.get(CustomerRow, customer_id)
    if customer is None:
        return False
    customer.do_not_call = True
    record(session, who, "update", "customer", customer.id,
           {"fields": ["do_not_call"], **context})
    return True


async def mark_renewal_notified(session: AsyncSession, who: Principal, contract_id: int,
                                context: Mapping[str, Any]) -> bool:
    """R13: a pending renewal becomes `notified` (the customer was told), audited with
    `context`; False when there is no such contract or its renewal is not pending."""
    contract = await session.get(ContractRow, contract_id)
    if contract is None or contract.renewal_state != "pending":
        return False
    contract.renewal_state = "notified"
    record(session, who, "update", "contract", contract.id,
           {"fields": ["renewal_state"], **context})
    return True


def do_not_call_ids() -> Select[int]:
    """The ids of do-not-call customers, as a subquery for `IN` / `NOT IN` in one statement."""
    return select(CustomerRow.id).where(CustomerRow.do_not_call.is_(True))


def time_zone_column() -> QueryableAttribute[str]:
    """The customer's time zone, as a column of a statement joined with `join_customer`."""
    return CustomerRow.time_zone


def join_customer(query: _Query, customer_id: SQLColumnExpression[int]) -> _Query:
    """`query` (inner) joined with the customer whose id is `customer_id`."""
    return query.join(CustomerRow, CustomerRow.id == customer_id)


__all__ = ["CallTarget", "CustomerName", "call_target", "customer_name", "do_not_call_ids",
           "join_customer", "mark_do_not_call", "mark_renewal_notified", "time_zone",
           "time_zone_column"]
