"""GET /health: the state of the PBX link, the database and the pub/sub hub.

It answers 200 while the service can do useful work (database reachable) and 503 otherwise,
so a load balancer stops sending users to an instance that would lose their input; the PBX
and Redis being down degrades the service but does not stop it, and so does a calendar that
does not know today (R2: no source says whether it is a holiday).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, Protocol

from aiohttp import web

from callcenter.sitecalendar.context import CALENDAR_BOOK
from callcenter.web.keys import DATABASE, HUB, SETTINGS


class PbxLinkHealth(Protocol):
    def health(self) -> dict[str, Any]: ...


PBX_LINK = web.AppKey["PbxLinkHealth"]("pbx_link_health")


async def health(request: web.Request) -> web.Response:
    app = request.app
    database, hub = await asyncio.gather(app[DATABASE].ping(), app[HUB].ping())
    link = app.get(PBX_LINK)
    pbx: dict[str, Any] = link.health() if link is not None else {"ok": False, "state": "off"}
    redis: dict[str, Any] = {**hub, "configured": app[SETTINGS].redis_url is not None}
    calendar = app[CALENDAR_BOOK].health(datetime.now(UTC))
    ok = bool(database["ok"]) and bool(hub["ok"]) and bool(calendar["ok"])
    status = "ok" if ok and pbx.get("ok") else ("degraded" if database["ok"] else "down")
    body = {"status": status, "pbx": pbx, "database": database, "redis": redis,
            "calendar": calendar}
    return web.json_response(body, status=200 if database["ok"] else 503)
