"""Small request helpers shared by every package's HTTP handlers.

Handlers stay thin: take what they need from the app (database, settings) and the request
(principal, query values), call the service inside one transaction, serialise.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE, SETTINGS


def database(request: web.Request) -> Database:
    return request.app[DATABASE]


def number_plan(request: web.Request) -> NumberPlan:
    settings = request.app[SETTINGS]
    return NumberPlan(settings.phone_region, settings.area_code)


def query_int(request: web.Request, key: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter within [low, high]."""
    raw = request.query.get(key)
    if raw is None:
        return default
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 10:
        raise InvalidInput(key, "must be a whole number")
    value = int(raw)
    if not low <= value <= high:
        raise InvalidInput(key, f"must be between {low} and {high}")
    return value


def query_text(request: web.Request, key: str, *, limit: int = 200) -> str | None:
    """An optional text query parameter."""
    raw = request.query.get(key)
    if raw is None or raw == "":
        return None
    if len(raw) > limit or "\x00" in raw:
        raise InvalidInput(key, f"must be at most {limit} characters of text")
    return raw


def query_flag(request: web.Request, key: str, default: bool = False) -> bool:
    """A true/false query parameter, spelled exactly so ("1" or "yes" is refused, not
    guessed, like `fields.flag` does for JSON bodies)."""
    raw = request.query.get(key)
    if raw is None or raw == "":
        return default
    if raw not in ("true", "false"):
        raise InvalidInput(key, "must be true or false")
    return raw == "true"


def created(body: dict[str, Any]) -> web.Response:
    return web.json_response(body, status=201)
