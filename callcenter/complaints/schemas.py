"""Validation of complaint-ledger payloads (R20-R23, 001 §7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from callcenter.customers import fields as f
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.rules.classification import CrisisKind, RequestKind, is_batch_incident
from callcenter.rules.status import ComplaintStatus

_CREATE = frozenset({"kind", "subject", "content", "complainant", "contact", "customer_id",
                     "order_id", "call_id", "owner", "crises", "batch", "answered_on_call",
                     "overseas"})
_PATCH = frozenset({"owner", "resolution", "follow_up"})
_STATUS = frozenset({"status", "note", "resolution", "follow_up"})
MAX_BATCH = 10_000_000


def _crises(data: dict[str, Any]) -> tuple[CrisisKind, ...]:
    value = data.get("crises", [])
    if not isinstance(value, list) or len(value) > len(CrisisKind):
        raise InvalidInput("crises", "must be a list of crisis kinds")
    return tuple(dict.fromkeys(f.choice({"crises": v}, "crises", CrisisKind) for v in value))


def _batch(data: dict[str, Any]) -> dict[str, int] | None:
    """001 §7: the same fault in 5% or more of one batch is a batch quality incident."""
    value = data.get("batch")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InvalidInput("batch", 'must be an object {"faulty": n, "batch_size": m}')
    f.reject_unknown(value, frozenset({"faulty", "batch_size"}))
    size = f.integer(value, "batch_size", low=1, high=MAX_BATCH)
    faulty = f.integer(value, "faulty", low=0, high=MAX_BATCH)
    if size is None or faulty is None:
        raise InvalidInput("batch", "needs both faulty and batch_size")
    if faulty > size:
        raise InvalidInput("batch", "faulty cannot exceed batch_size")
    return {"faulty": faulty, "batch_size": size}


def parse_create(payload: Any, plan: NumberPlan) -> dict[str, Any]:
    """A new ledger entry (R22), with what makes it major (crises, batch incident)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _CREATE)
    contact_raw = f.optional_text(data, "contact", limit=40)
    batch = _batch(data)
    return {
        "kind": f.choice(data, "kind", RequestKind, RequestKind.COMPLAINT),
        "subject": f.text(data, "subject", required_non_empty=True),
        "content": f.text(data, "content", default="", limit=8000),
        "complainant": f.text(data, "complainant", required_non_empty=True),
        "contact": plan.e164("contact", contact_raw) if contact_raw else "",
        "customer_id": f.ident(data, "customer_id"),
        "order_id": f.ident(data, "order_id"),
        "call_id": f.optional_text(data, "call_id", limit=64),
        "owner": f.optional_text(data, "owner", limit=120),
        "crises": _crises(data),
        "batch": batch,
        "batch_incident": batch is not None and is_batch_incident(batch["faulty"],
                                                                   batch["batch_size"]),
        "answered_on_call": f.flag(data, "answered_on_call", default=False),
        "overseas": f.flag(data, "overseas") if "overseas" in data else None,
    }


def parse_patch(payload: Any) -> dict[str, Any]:
    """Owner, resolution and follow-up notes (R22)."""
    data = f.body_object(payload)
    f.reject_unknown(data, _PATCH)
    parsers: dict[str, Callable[[], Any]] = {
        "owner": lambda: f.optional_text(data, "owner", limit=120),
        "resolution": lambda: f.text(data, "resolution", limit=8000),
        "follow_up": lambda: f.text(data, "follow_up", limit=8000),
    }
    return {key: parse() for key, parse in parsers.items() if key in data}


def parse_status(payload: Any) -> tuple[ComplaintStatus, str, dict[str, str]]:
    """Target status, a note, and ledger text to record with the change."""
    data = f.body_object(payload)
    f.reject_unknown(data, _STATUS)
    extra = {key: f.text(data, key, limit=8000) for key in ("resolution", "follow_up")
             if data.get(key) is not None}
    return (f.choice(data, "status", ComplaintStatus),
            f.text(data, "note", default="", limit=2000), extra)
