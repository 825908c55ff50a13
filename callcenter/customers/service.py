"""Reads and changes of customer records, each audited in the same transaction (R27).

Every function takes the caller's session and principal: the handler opens one transaction,
and the record, its audit row and any outbox event commit together or not at all. Reading a
customer is itself audited, because R27 asks for every view of a record to be traceable.
A technician sees only the customers of the orders dispatched to them (`visible_to`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from callcenter.audit.log import record
from callcenter.auth.principal import Principal, Role
from callcenter.clock import iso
from callcenter.customers.models import ContractRow, CustomerPhoneRow, CustomerRow, ProductRow
from callcenter.customers.schemas import (
    ContractIn,
    ContractPatch,
    CustomerIn,
    CustomerPatch,
    PhoneIn,
    ProductIn,
    ProductPatch,
)
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.followups.outbox import Topic, emit
from callcenter.orders.models import ServiceOrderRow
from callcenter.rules.deadlines import delivery_follow_ups, renewal_notice_due

_WITH_CHILDREN = (
    selectinload(CustomerRow.phones),
    selectinload(CustomerRow.products),
    selectinload(CustomerRow.contracts),
)


def visible_to(who: Principal) -> tuple[ColumnElement[bool], ...]:
    """The conditions that narrow a query to the customers `who` may see (R27, R28).

    A technician visits the customers of the orders dispatched to them and needs no one
    else's address or numbers; any other customer is "not found" to them, like one that does
    not exist. The other roles allowed in serve every customer on the phone.
    """
    if who.role is Role.TECHNICIAN:
        return (CustomerRow.id.in_(select(ServiceOrderRow.customer_id).where(
            ServiceOrderRow.technician == who.username)),)
    return ()


async def load(session: AsyncSession, customer_id: int, *,
               seen_by: Principal | None = None) -> CustomerRow:
    """A customer with phones, products and contracts; NotFound if there is none, or if
    `seen_by` may not see them (`visible_to`)."""
    query = select(CustomerRow).where(CustomerRow.id == customer_id).options(*_WITH_CHILDREN)
    if seen_by is not None:
        query = query.where(*visible_to(seen_by))
    row = (await session.scalars(query)).one_or_none()
    if row is None:
        raise NotFound("customer", str(customer_id))
    return row


async def create(session: AsyncSession, who: Principal, new: CustomerIn,
                 now: datetime) -> CustomerRow:
    """A new customer with their numbers."""
    values = new.model_dump(exclude={"phones"})
    row = CustomerRow(**values, created_at=now, updated_at=now,
                      phones=[CustomerPhoneRow(e164=p.number, label=p.label)
                              for p in new.phones],
                      products=[], contracts=[])
    session.add(row)
    await session.flush()
    record(session, who, "create", "customer", row.id, {"fields": sorted(values)})
    return row


async def read(session: AsyncSession, who: Principal, customer_id: int) -> CustomerRow:
    """One customer `who` may see, with the read audited (R27)."""
    row = await load(session, customer_id, seen_by=who)
    record(session, who, "read", "customer", row.id)
    return row


async def search(session: AsyncSession, who: Principal, name: str | None, phone: str | None,
                 limit: int) -> list[CustomerRow]:
    """Customers `who` may see, by name prefix and/or E.164 number; every customer shown is
    audited."""
    query = select(CustomerRow).where(*visible_to(who)).options(
        selectinload(CustomerRow.phones)).order_by(CustomerRow.id).limit(limit)
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(CustomerRow.name.like(escaped + "%", escape="\\"))
    if phone:
        query = query.where(CustomerRow.id.in_(
            select(CustomerPhoneRow.customer_id).where(CustomerPhoneRow.e164 == phone)))
    rows = list((await session.scalars(query)).all())
    for row in rows:
        record(session, who, "read", "customer", row.id, {"via": "search"})
    return rows


async def update(session: AsyncSession, who: Principal, customer_id: int,
                 changes: CustomerPatch, now: datetime) -> CustomerRow:
    """Change the given fields; `phones`, when given, replaces the whole list."""
    row = await load(session, customer_id)
    values = changes.given()
    phones: list[PhoneIn] | None = values.pop("phones", None)
    for key, value in values.items():
        setattr(row, key, value)
    if phones is not None:
        row.phones = _merged_phones(row.phones, phones)
    row.updated_at = now
    changed = sorted([*values, *(["phones"] if phones is not None else [])])
    record(session, who, "update", "customer", row.id, {"fields": changed})
    await session.flush()
    return row


def _merged_phones(current: list[CustomerPhoneRow],
                   wanted: list[PhoneIn]) -> list[CustomerPhoneRow]:
    """The new phone list, keeping the rows of numbers that stay.

    Reusing them (rather than deleting and re-inserting) keeps the (customer, number)
    uniqueness intact inside the flush, where inserts run before deletes.
    """
    kept = {phone.e164: phone for phone in current}
    merged = []
    for spec in wanted:
        phone = kept.get(spec.number) or CustomerPhoneRow(e164=spec.number)
        phone.label = spec.label
        merged.append(phone)
    return merged


async def delete(session: AsyncSession, who: Principal, customer_id: int) -> None:
    """Remove a customer who has no service orders (orders are the service record, R12)."""
    row = await load(session, customer_id)
    has_orders = await session.scalar(
        select(exists().where(ServiceOrderRow.customer_id == customer_id)))
    if has_orders:
        raise Conflict("the customer has service orders and cannot be deleted",
                       customer_id=customer_id)
    await session.delete(row)
    record(session, who, "delete", "customer", customer_id)


def _delivery_event(session: AsyncSession, product: ProductRow, zone: ZoneInfo) -> None:
    """R16: a delivered product starts the first-call clock (and the warranty follow-up)."""
    assert product.delivered_at is not None
    payload: dict[str, Any] = {"customer_id": product.customer_id, "model": product.model}
    due = None
    if product.warranty_end is not None and product.warranty_end > product.delivered_at:
        plan = delivery_follow_ups(product.delivered_at, product.warranty_end, zone)
        due = plan.first_call_due
        payload["second_follow_up"] = {"opens": iso(plan.second_follow_up.opens),
                                       "closes": iso(plan.second_follow_up.closes)}
    emit(session, Topic.PRODUCT_DELIVERED, "product", product.id, product.delivered_at, due,
         payload)


async def add_product(session: AsyncSession, who: Principal, customer_id: int,
                      new: ProductIn, zone: ZoneInfo) -> ProductRow:
    """A product the customer owns; a delivery date writes the R16 outbox event."""
    await load(session, customer_id)
    product = ProductRow(customer_id=customer_id, **new.model_dump())
    session.add(product)
    await session.flush()
    if product.delivered_at is not None:
        _delivery_event(session, product, zone)
    record(session, who, "create", "product", product.id, {"customer_id": customer_id})
    return product


async def update_product(session: AsyncSession, who: Principal, product_id: int,
                         changes: ProductPatch, zone: ZoneInfo) -> ProductRow:
    """Change a product; a delivery date set or moved writes the R16 outbox event."""
    product = await session.get(ProductRow, product_id)
    if product is None:
        raise NotFound("product", str(product_id))
    values = changes.given()
    before = product.delivered_at
    for key, value in values.items():
        setattr(product, key, value)
    if (product.delivered_at and product.warranty_end
            and product.warranty_end <= product.delivered_at):
        raise InvalidInput("warranty_end", "must be after delivered_at")
    if product.delivered_at is not None and product.delivered_at != before:
        _delivery_event(session, product, zone)
    record(session, who, "update", "product", product.id,
           {"customer_id": product.customer_id, "fields": sorted(values)})
    await session.flush()
    return product


async def _check_product(session: AsyncSession, customer_id: int, product_id: int | None) -> None:
    if product_id is None:
        return
    owner = await session.scalar(select(ProductRow.customer_id).where(ProductRow.id == product_id))
    if owner != customer_id:
        raise InvalidInput("product_id", f"product {product_id} does not belong to the customer")


async def add_contract(session: AsyncSession, who: Principal, customer_id: int,
                       new: ContractIn, zone: ZoneInfo) -> ContractRow:
    """A maintenance contract; its dates write the R13 outbox event."""
    await load(session, customer_id)
    await _check_product(session, customer_id, new.product_id)
    contract = ContractRow(customer_id=customer_id, **new.model_dump(),
                           renewal_notice_due=renewal_notice_due(new.ends_at, zone))
    session.add(contract)
    await session.flush()
    _contract_event(session, contract)
    record(session, who, "create", "contract", contract.id, {"customer_id": customer_id})
    return contract


def _contract_event(session: AsyncSession, contract: ContractRow) -> None:
    emit(session, Topic.CONTRACT_DATES, "contract", contract.id, contract.starts_at,
         contract.renewal_notice_due,
         {"customer_id": contract.customer_id, "starts_at": iso(contract.starts_at),
          "ends_at": iso(contract.ends_at), "renewal_state": contract.renewal_state})


async def update_contract(session: AsyncSession, who: Principal, contract_id: int,
                          changes: ContractPatch, zone: ZoneInfo) -> ContractRow:
    """Change a contract; new dates recompute the R13 notice and write an outbox event."""
    contract = await session.get(ContractRow, contract_id)
    if contract is None:
        raise NotFound("contract", str(contract_id))
    values = changes.given()
    if "product_id" in values:
        await _check_product(session, contract.customer_id, values["product_id"])
    dates_before = (contract.starts_at, contract.ends_at)
    for key, value in values.items():
        setattr(contract, key, value)
    if contract.ends_at <= contract.starts_at:
        raise InvalidInput("ends_at", "must be after starts_at")
    if (contract.starts_at, contract.ends_at) != dates_before:
        contract.renewal_notice_due = renewal_notice_due(contract.ends_at, zone)
        _contract_event(session, contract)
    record(session, who, "update", "contract", contract.id,
           {"customer_id": contract.customer_id, "fields": sorted(values)})
    await session.flush()
    return contract


async def customers_with_number(session: AsyncSession, e164: str) -> list[int]:
    """Ids of the customers who have this number: for linking a registered call (R5).

    The call registry links a call only when exactly one customer matches; a number shared
    by several customers stays unlinked (ambiguous), never guessed.
    """
    rows = await session.scalars(
        select(CustomerPhoneRow.customer_id).where(CustomerPhoneRow.e164 == e164).distinct()
        .order_by(CustomerPhoneRow.customer_id).limit(50))
    return list(rows.all())
