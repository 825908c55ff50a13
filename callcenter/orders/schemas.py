"""Validation of service-order payloads (R7-R11)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from callcenter.customers import fields as f
from callcenter.errors import InvalidInput
from callcenter.rules.classification import ServiceClass
from callcenter.rules.status import OrderStatus


class OrderKind(StrEnum):
    """What the customer asked for (000 §6-§8 of the rules)."""

    REPAIR = "repair"
    INSTALLATION = "installation"
    MAINTENANCE = "maintenance"
    CONSULTATION = "consultation"


_CREATE = frozenset({"customer_id", "product_id", "call_id", "kind", "service_class",
                     "description", "technician", "units"})
_PATCH = frozenset({"technician", "description", "first_contact_at", "plan_sent_at",
                    "service_class"})
_STATUS = frozenset({"status", "note", "technician"})
MAX_UNITS = 10_000


def parse_create(payload: Any) -> dict[str, Any]:
    """A new order: customer, kind and class are required; units only for workshop batches."""
    data = f.body_object(payload)
    f.reject_unknown(data, _CREATE)
    customer_id = f.ident(data, "customer_id")
    if customer_id is None:
        raise InvalidInput("customer_id", "is required")
    return {
        "customer_id": customer_id,
        "product_id": f.ident(data, "product_id"),
        "call_id": f.optional_text(data, "call_id", limit=64),
        "kind": f.choice(data, "kind", OrderKind).value,
        "service_class": f.choice(data, "service_class", ServiceClass).value,
        "description": f.text(data, "description", default="", limit=4000),
        "technician": f.optional_text(data, "technician", limit=120),
        "units": f.integer(data, "units", low=1, high=MAX_UNITS),
    }


def parse_patch(payload: Any) -> dict[str, Any]:
    """Fields that change without a status change: technician, notes, R7/R8 clock stops."""
    data = f.body_object(payload)
    f.reject_unknown(data, _PATCH)
    parsers: dict[str, Callable[[], Any]] = {
        "technician": lambda: f.optional_text(data, "technician", limit=120),
        "description": lambda: f.text(data, "description", limit=4000),
        "first_contact_at": lambda: f.instant(data, "first_contact_at"),
        "plan_sent_at": lambda: f.instant(data, "plan_sent_at"),
        "service_class": lambda: f.choice(data, "service_class", ServiceClass).value,
    }
    return {key: parse() for key, parse in parsers.items() if key in data}


def parse_status(payload: Any) -> tuple[OrderStatus, str, str | None]:
    """Target status, a note, and the technician to dispatch (if given)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _STATUS)
    return (
        f.choice(data, "status", OrderStatus),
        f.text(data, "note", default="", limit=2000),
        f.optional_text(data, "technician", limit=120),
    )
