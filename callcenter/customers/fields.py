"""Validation of JSON request fields, shared by the back-office APIs.

Every bad value becomes `InvalidInput` naming the field, so a client (and the schemathesis
fuzzer) gets a 400 "invalid-input" that says what to fix, never a 500 from a type error
deep in the service or a database constraint.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from callcenter.errors import InvalidInput
from callcenter.web.inputs import MAX_ID

E = TypeVar("E", bound=StrEnum)


def body_object(payload: Any) -> dict[str, Any]:
    """The request body, which must be a JSON object."""
    if not isinstance(payload, dict):
        raise InvalidInput("body", "must be a JSON object")
    return payload


def reject_unknown(data: Mapping[str, Any], allowed: frozenset[str]) -> None:
    """Refuse fields the API does not know: a typo must not be silently ignored."""
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidInput(unknown[0], "is not a known field")


def text(data: Mapping[str, Any], key: str, *, default: str | None = None, limit: int = 200,
         required_non_empty: bool = False) -> str:
    """A string field, at most `limit` characters."""
    value = data.get(key, default)
    if value is None:
        raise InvalidInput(key, "is required")
    if not isinstance(value, str):
        raise InvalidInput(key, "must be a string")
    if len(value) > limit:
        raise InvalidInput(key, f"must be at most {limit} characters")
    if required_non_empty and not value.strip():
        raise InvalidInput(key, "must not be empty")
    if "\x00" in value:
        raise InvalidInput(key, "must not contain NUL characters")
    return value


def optional_text(data: Mapping[str, Any], key: str, *, limit: int = 200) -> str | None:
    """A string field that may be absent or null."""
    if data.get(key) is None:
        return None
    return text(data, key, limit=limit)


def flag(data: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """A boolean field (JSON true/false only: 0 and "yes" are refused, not guessed)."""
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(key, "must be true or false")
    return value


def integer(data: Mapping[str, Any], key: str, *, low: int, high: int) -> int | None:
    """An optional whole number within [low, high]."""
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # JSON Schema counts 3.0 as an integer
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(key, "must be a whole number")
    if not low <= value <= high:
        raise InvalidInput(key, f"must be between {low} and {high}")
    return value


def ident(data: Mapping[str, Any], key: str) -> int | None:
    """An optional reference to another record by id."""
    return integer(data, key, low=1, high=MAX_ID)


def choice(data: Mapping[str, Any], key: str, enum: type[E], default: E | None = None) -> E:
    """A value of `enum`, by its string value."""
    value = data.get(key, default)
    if value is None:
        raise InvalidInput(key, "is required")
    if isinstance(value, enum):
        return value
    try:
        return enum(value) if isinstance(value, str) else _bad_choice(key, enum)
    except ValueError:
        return _bad_choice(key, enum)


def _bad_choice(key: str, enum: type[E]) -> E:
    raise InvalidInput(key, "must be one of " + ", ".join(repr(e.value) for e in enum))


def instant(data: Mapping[str, Any], key: str) -> datetime | None:
    """An optional ISO 8601 instant; it must carry an offset (a naive time is ambiguous)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(key, "must be an ISO 8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(key, f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidInput(key, "must include a UTC offset, e.g. 2026-03-01T09:30:00+08:00")
    if not 1970 <= parsed.astimezone(UTC).year <= 9000:
        raise InvalidInput(key, "is out of range")
    return parsed.astimezone(UTC)


def calendar_date(data: Mapping[str, Any], key: str) -> date | None:
    """An optional ISO date (YYYY-MM-DD)."""
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(key, "must be an ISO date string (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(key, f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


# OpenAPI 3.1 fragments for the back-office modules (see `callcenter.web.openapi`, which
# adds the 400/401/403/default responses and the roles of each operation).
_ERROR_NAMES = {400: "InvalidInput", 404: "NotFound", 409: "Conflict"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` or null, in OpenAPI 3.1 (JSON Schema) spelling."""
    kind = schema["type"]
    return {**schema, "type": [kind, "null"]}


DATE_TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
NULLABLE_DATE_TIME: dict[str, Any] = nullable(DATE_TIME)


def json_body(ref: str) -> dict[str, Any]:
    """An OpenAPI requestBody pointing at a component schema."""
    return {"required": True, "content": {"application/json": {"schema": {
        "$ref": f"#/components/schemas/{ref}"}}}}


def responses(ok: int, ref: str | None, *errors: int) -> dict[str, Any]:
    """OpenAPI responses: the success (with its schema) and the listed error statuses."""
    success: dict[str, Any] = {"description": "ok"}
    if ref is not None:
        success["content"] = {"application/json": {"schema": {
            "$ref": f"#/components/schemas/{ref}"}}}
    result: dict[str, Any] = {str(ok): success}
    for status in errors:
        result[str(status)] = {"$ref": f"#/components/responses/{_ERROR_NAMES[status]}"}
    return result


def id_param(name: str = "id") -> dict[str, Any]:
    """An integer path parameter."""
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
