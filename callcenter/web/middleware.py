"""Turns every failure into a JSON error with a stable id, never an HTML stack trace."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from callcenter.errors import CallcenterError, InvalidInput

log = logging.getLogger(__name__)


def error_response(status: int, error_id: str, message: str, **details: Any) -> web.Response:
    return web.json_response(
        {"error": {"id": error_id, "message": message, "details": details}}, status=status
    )


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except CallcenterError as exc:
        return error_response(exc.status, exc.error_id, exc.message, **exc.details)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        error_id = {404: "no-such-route", 405: "method-not-allowed"}.get(exc.status, "http-error")
        return error_response(exc.status, error_id, exc.reason)
    except Exception:
        incident = uuid.uuid4().hex[:12]
        log.exception("unhandled error in %s %s (incident %s)", request.method, request.path,
                      incident)
        return error_response(500, "internal-error", "internal error", incident=incident)


async def read_json(request: web.Request) -> Any:
    """The request body as JSON, or an `invalid-input` error that says what is wrong."""
    if not request.body_exists:  # (can_read_body turns false once a middleware has read it)
        raise InvalidInput("body", "a JSON body is required")
    try:
        return json.loads(await request.text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput("body", f"is not valid JSON ({exc})") from None
