"""JSON forms of customer records, shared by the customer API and the order/complaint APIs."""

from __future__ import annotations

from typing import Any

from callcenter.clock import iso
from callcenter.customers.models import ContractRow, CustomerRow, ProductRow


def product_json(row: ProductRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "customer_id": row.customer_id,
        "model": row.model,
        "serial": row.serial,
        "purchased_on": iso(row.purchased_on),
        "delivered_at": iso(row.delivered_at),
        "warranty_end": iso(row.warranty_end),
    }


def contract_json(row: ContractRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "customer_id": row.customer_id,
        "product_id": row.product_id,
        "starts_at": iso(row.starts_at),
        "ends_at": iso(row.ends_at),
        "renewal_state": row.renewal_state,
        "renewal_notice_due": iso(row.renewal_notice_due),
    }


def customer_json(row: CustomerRow, *, children: bool = True) -> dict[str, Any]:
    """The customer; `children` adds products and contracts (loaded by the caller)."""
    body: dict[str, Any] = {
        "id": row.id,
        "name": row.name,
        "phones": [{"number": p.e164, "label": p.label} for p in row.phones],
        "address": row.address,
        "zone": row.zone,
        "time_zone": row.time_zone,
        "overseas": row.overseas,
        "vip": row.vip,
        "language": row.language,
        "do_not_call": row.do_not_call,
        "notes": row.notes,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }
    if children:
        body["products"] = [product_json(p) for p in row.products]
        body["contracts"] = [contract_json(c) for c in row.contracts]
    return body
