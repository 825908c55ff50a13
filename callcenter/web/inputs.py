"""Refuses text that no database column can hold, before any handler sees it.

PostgreSQL text cannot contain NUL, and a lone UTF-16 surrogate (legal as a JSON escape,
`"\\ud800"`) cannot be encoded at all; either would reach the driver and fail as a 500 in
whichever module stored it. One check at the boundary turns both into a 400 that names the
problem, for every endpoint present and future.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from callcenter.errors import InvalidInput

_SUSPECT_ESCAPES = ("\\u0000", "\\ud", "\\uD")
# Handlers read JSON whatever the declared type, so every body is checked but uploads.
_STREAMED = ("multipart/", "application/octet-stream")


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _all_storable(value: Any) -> bool:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return all(_all_storable(v) for v in value)
    if isinstance(value, dict):
        return all(storable(k) and _all_storable(v) for k, v in value.items())
    return True


@web.middleware
async def reject_unstorable_text(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not storable(request.path):
        raise InvalidInput("path", "must not contain NUL characters or lone surrogates")
    for key, value in request.query.items():
        if not (storable(key) and storable(value)):
            raise InvalidInput(key, "must not contain NUL characters or lone surrogates")
    if request.body_exists and not request.content_type.startswith(_STREAMED):
        await _check_body(request)
    return await handler(request)


async def _check_body(request: web.Request) -> None:
    """Only bodies with a suspicious escape are parsed here (emoji arrive as surrogate pairs
    from some clients, so the escape alone proves nothing); handlers report bad JSON."""
    try:
        text = await request.text()
    except UnicodeDecodeError:
        return
    if not any(escape in text for escape in _SUSPECT_ESCAPES):
        return
    try:
        payload = json.loads(text)
    except json.JSONDecodeError:
        return
    if not _all_storable(payload):
        raise InvalidInput("body", "text must not contain NUL characters or lone surrogates")


MAX_ID = 2**31 - 1
"""Ids are 32-bit integers in the database."""


def path_id(request: web.Request, key: str = "id") -> int:
    """A database id from the path; out-of-range numbers are bad input, not a driver error."""
    raw = request.match_info[key]
    if not raw.isdecimal() or len(raw) > 10 or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(key, "must be a positive whole number")
    return int(raw)
