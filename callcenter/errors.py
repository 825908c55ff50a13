"""The product's own errors, each with a stable id that API clients can rely on."""

from __future__ import annotations

from typing import Any


class CallcenterError(Exception):
    """Base for errors that reach a user: `error_id` is stable, `message` is for people."""

    status = 500
    error_id = "internal-error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(CallcenterError):
    status = 400
    error_id = "invalid-input"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}", field=field)


class UnsupportedMediaType(CallcenterError):
    """A request body that is not JSON: refused before anything reads it."""

    status = 415
    error_id = "unsupported-media-type"

    def __init__(self, content_type: str) -> None:
        super().__init__(f"the body must be JSON (Content-Type: application/json), "
                         f"not {content_type or 'untyped'}", content_type=content_type)


class NotFound(CallcenterError, LookupError):
    status = 404
    error_id = "not-found"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} {key!r}", kind=kind, key=key)


class Conflict(CallcenterError):
    status = 409
    error_id = "conflict"


class DependencyDown(CallcenterError):
    """A dependency (PBX, database, Redis) is unreachable; nothing was changed."""

    status = 503
    error_id = "dependency-unavailable"
