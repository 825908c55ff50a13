"""GET /api/audit: who read or changed a record, and when (R27), for managers and admins.

Lookups are audited under the caller's number; an administrator, who may not read caller
numbers (R27, R28), sees those entries with the number masked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from callcenter.audit.query import MAX_LIMIT, AuditFilter, audit_json, search
from callcenter.auth.roles import Role, principal_of, require
from callcenter.errors import InvalidInput
from callcenter.web.keys import DATABASE
from callcenter.web.openapi import json_response

routes = web.RouteTableDef()

_TEXT_LIMITS = {"entity": 40, "entity_id": 80, "username": 120}


def _text(query: Any, key: str) -> str | None:
    value: str | None = query.get(key)
    if value is not None and len(value) > _TEXT_LIMITS[key]:
        raise InvalidInput(key, f"must be at most {_TEXT_LIMITS[key]} characters")
    return value


def _moment(query: Any, key: str) -> datetime | None:
    raw: str | None = query.get(key)
    if raw is None:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(key, "must be an ISO 8601 date-time, e.g. "
                                "2025-10-01T08:00:00+08:00") from None
    if value.tzinfo is None:
        raise InvalidInput(key, "must include a UTC offset, e.g. +08:00 or Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(key, "is out of range") from None


def _limit(query: Any) -> int:
    raw: str = query.get("limit", "100")
    if not (raw.isdecimal() and len(raw) <= 4 and 1 <= int(raw) <= MAX_LIMIT):
        raise InvalidInput("limit", f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def parse_filter(query: Any) -> AuditFilter:
    return AuditFilter(
        entity=_text(query, "entity"),
        entity_id=_text(query, "entity_id"),
        username=_text(query, "username"),
        since=_moment(query, "since"),
        until=_moment(query, "until"),
        limit=_limit(query),
    )


@routes.get("/api/audit")
@require(Role.MANAGER, Role.ADMIN)
async def audit_log(request: web.Request) -> web.Response:
    rows = await search(request.app[DATABASE], parse_filter(request.query))
    entries = [audit_json(r) for r in rows]
    if principal_of(request).role is Role.ADMIN:
        entries = [_without_numbers(e) for e in entries]
    return web.json_response({"entries": entries})


NUMBER_MASK = "***"


def _without_numbers(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without the caller number a lookup is audited under."""
    detail = entry["detail"]
    if isinstance(detail, dict) and "number" in detail:
        entry = {**entry, "detail": {**detail, "number": NUMBER_MASK}}
    if entry["entity"] == "lookup":
        entry = {**entry, "entity_id": NUMBER_MASK}
    return entry


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/audit": {"get": {
            "summary": "Audit entries, newest first",
            "tags": ["audit"],
            "parameters": [
                _query("entity", {"type": "string", "maxLength": 40},
                       "kind of record: account, api_token, customer..."),
                _query("entity_id", {"type": "string", "maxLength": 80}, "the record's id"),
                _query("username", {"type": "string", "maxLength": 120}, "who acted"),
                _query("since", {"type": "string", "format": "date-time"},
                       "from this moment (inclusive), with a UTC offset"),
                _query("until", {"type": "string", "format": "date-time"},
                       "up to this moment (exclusive), with a UTC offset"),
                _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                                 "default": 100}, "at most this many entries"),
            ],
            "responses": {"200": json_response("Entries", {
                "type": "object", "required": ["entries"],
                "properties": {"entries": {"type": "array", "items": {
                    "$ref": "#/components/schemas/AuditEntry"}}}})},
        }},
    },
    "schemas": {
        "AuditEntry": {
            "type": "object",
            "required": ["id", "at", "account_id", "username", "role", "action", "entity",
                         "entity_id", "detail"],
            "properties": {
                "id": {"type": "integer"},
                "at": {"type": "string", "format": "date-time"},
                "account_id": {"type": ["integer", "null"]},
                "username": {"type": "string"},
                "role": {"type": "string"},
                "action": {"type": "string",
                           "examples": ["read", "create", "update", "login", "logout"]},
                "entity": {"type": "string"},
                "entity_id": {"type": "string"},
                "detail": {"type": "object"},
            },
        },
    },
}
