"""GET /health: the state of the PBX link, the database and the pub/sub hub.

It answers 200 while the service can do useful work (database reachable) and 503 otherwise,
so a load balancer stops sending users to an instance that would lose their input; the PBX
and Redis being down degrades the service but does not stop it, and so does a calendar that
does not know today (R2: no source says whether it is a holiday).
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Literal, Protocol

from aiohttp import web
from pydantic import Field

from callcenter.clock import utcnow
from callcenter.sitecalendar.context import CALENDAR_BOOK
from callcenter.web.api import Reply
from callcenter.web.keys import DATABASE, HUB, SETTINGS


class CalendarHealth(Reply):
    ok: bool = Field(description="false: no source knows whether today is a working day")
    first_unknown_day: date | None = None
    warning: str | None = None


class Health(Reply):
    """Each dependency reports its own figures (free-form: link counters, driver errors)."""

    status: Literal["ok", "degraded", "down"]
    pbx: dict[str, Any]
    database: dict[str, Any]
    redis: dict[str, Any]
    calendar: CalendarHealth


class PbxLinkHealth(Protocol):
    def health(self) -> dict[str, Any]: ...


PBX_LINK = web.AppKey["PbxLinkHealth"]("pbx_link_health")


async def health(request: web.Request) -> web.Response:
    app = request.app
    database, hub = await asyncio.gather(app[DATABASE].ping(), app[HUB].ping())
    link = app.get(PBX_LINK)
    pbx: dict[str, Any] = link.health() if link is not None else {"ok": False, "state": "off"}
    redis: dict[str, Any] = {**hub, "configured": app[SETTINGS].redis_url is not None}
    calendar = app[CALENDAR_BOOK].health(utcnow())
    ok = bool(database["ok"]) and bool(hub["ok"]) and bool(calendar["ok"])
    status: Literal["ok", "degraded", "down"] = (
        "ok" if ok and pbx.get("ok") else ("degraded" if database["ok"] else "down"))
    body = Health(status=status, pbx=pbx, database=database, redis=redis,
                  calendar=CalendarHealth.model_validate(calendar))
    return web.Response(body=body.model_dump_json(exclude_unset=True),
                        status=200 if database["ok"] else 503, content_type="application/json")
