"""Validation of customer, product and contract payloads.

Phone numbers are normalised here, at the edge, with the site's region and area code
(`callcenter.phones`): "62345678", "010-6234 5678" and "+86 10 6234 5678" are one number,
and the screen-pop (R5) only ever compares E.164 strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import available_timezones

from callcenter.customers import fields as f
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.rules.deadlines import ServiceZone

MAX_PHONES = 10


class RenewalState(StrEnum):
    """R13: where the renewal offer of a maintenance contract stands."""

    PENDING = "pending"
    NOTIFIED = "notified"
    RENEWED = "renewed"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class PhoneSpec:
    e164: str
    label: str = ""


_CUSTOMER_FIELDS = frozenset({"name", "phones", "address", "zone", "time_zone", "overseas",
                              "vip", "language", "do_not_call", "notes"})
_PRODUCT_FIELDS = frozenset({"model", "serial", "purchased_on", "delivered_at", "warranty_end"})
_CONTRACT_FIELDS = frozenset({"product_id", "starts_at", "ends_at", "renewal_state"})


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _time_zone(data: dict[str, Any]) -> str:
    value = f.text(data, "time_zone", limit=64)
    if value not in _zones():
        raise InvalidInput("time_zone", f"unknown time zone {value!r} (e.g. Asia/Shanghai)")
    return value


def _phones(data: dict[str, Any], plan: NumberPlan) -> tuple[PhoneSpec, ...]:
    value = data.get("phones", [])
    if not isinstance(value, list) or len(value) > MAX_PHONES:
        raise InvalidInput("phones", f"must be a list of at most {MAX_PHONES} phone objects")
    phones: dict[str, PhoneSpec] = {}
    for item in value:
        if not isinstance(item, dict):
            raise InvalidInput("phones", 'each phone must be an object {"number": "..."}')
        f.reject_unknown(item, frozenset({"number", "label"}))
        number = plan.e164("phones", f.text(item, "number", limit=40))
        phones.setdefault(number, PhoneSpec(number, f.text(item, "label", default="", limit=40)))
    return tuple(phones.values())


def parse_customer(payload: Any, plan: NumberPlan, *, partial: bool = False) -> dict[str, Any]:
    """Customer fields from a POST (all, with defaults) or a PATCH (only those given)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _CUSTOMER_FIELDS)
    if not partial and "name" not in data:
        raise InvalidInput("name", "is required")
    parsers: dict[str, Callable[[], Any]] = {
        "name": lambda: f.text(data, "name", required_non_empty=True),
        "phones": lambda: _phones(data, plan),
        "address": lambda: f.text(data, "address", default="", limit=500),
        "zone": lambda: f.choice(data, "zone", ServiceZone, ServiceZone.CITY).value,
        "time_zone": lambda: _time_zone({"time_zone": data.get("time_zone", "Asia/Shanghai")}),
        "overseas": lambda: f.flag(data, "overseas"),
        "vip": lambda: f.flag(data, "vip"),
        "language": lambda: f.text(data, "language", default="zh", limit=40),
        "do_not_call": lambda: f.flag(data, "do_not_call"),
        "notes": lambda: f.text(data, "notes", default="", limit=4000),
    }
    keys = [k for k in parsers if k in data] if partial else list(parsers)
    return {key: parsers[key]() for key in keys}


def parse_product(payload: Any, *, partial: bool = False) -> dict[str, Any]:
    """Product fields; a warranty cannot end before the product was delivered (R16)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _PRODUCT_FIELDS)
    if not partial and "model" not in data:
        raise InvalidInput("model", "is required")
    parsers: dict[str, Callable[[], Any]] = {
        "model": lambda: f.text(data, "model", limit=120, required_non_empty=True),
        "serial": lambda: f.text(data, "serial", default="", limit=120),
        "purchased_on": lambda: f.calendar_date(data, "purchased_on"),
        "delivered_at": lambda: f.instant(data, "delivered_at"),
        "warranty_end": lambda: f.instant(data, "warranty_end"),
    }
    keys = [k for k in parsers if k in data] if partial else list(parsers)
    values = {key: parsers[key]() for key in keys}
    delivered, warranty = values.get("delivered_at"), values.get("warranty_end")
    if delivered is not None and warranty is not None and warranty <= delivered:
        raise InvalidInput("warranty_end", "must be after delivered_at")
    return values


def parse_contract(payload: Any, *, partial: bool = False) -> dict[str, Any]:
    """Contract fields; a contract must end after it starts (R13 counts back from the end)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _CONTRACT_FIELDS)
    for key in ("starts_at", "ends_at"):
        if not partial and data.get(key) is None:
            raise InvalidInput(key, "is required")
    parsers: dict[str, Callable[[], Any]] = {
        "product_id": lambda: f.ident(data, "product_id"),
        "starts_at": lambda: f.instant(data, "starts_at"),
        "ends_at": lambda: f.instant(data, "ends_at"),
        "renewal_state": lambda: f.choice(data, "renewal_state", RenewalState,
                                          RenewalState.PENDING).value,
    }
    keys = [k for k in parsers if k in data] if partial else list(parsers)
    values = {key: parsers[key]() for key in keys}
    for key in ("starts_at", "ends_at"):
        if key in values and values[key] is None:
            raise InvalidInput(key, "must not be null")
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        raise InvalidInput("ends_at", "must be after starts_at")
    return values
