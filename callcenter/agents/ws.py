"""`GET /ws/agent`: the agent's live feed — a snapshot, then numbered deltas (R5).

Authenticated by the page's session cookie (a bearer token is for integrations, not pages)
and refused unless the Origin is the service's own or a configured one: a browser sends the
cookie with a websocket opened by any site, so the Origin is what stops another site from
reading an agent's pops.

Each connection is a small group of tasks — send, receive, and a watch on the client's
bounded queue; the first to finish ends the others, and each way of ending has its close
code (`callcenter.web.ws_close`). An agent receives only their own feed, and only while
their access lasts: the socket is registered with the account's revocations, which close
it the moment the account is deactivated, its role, password or agent link changes, or the
session logs out (R27, R28).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from callcenter.agents.context import AGENT_DESK
from callcenter.agents.errors import NotAnAgent
from callcenter.agents.feeds import Client
from callcenter.auth.context import AUTH
from callcenter.auth.middleware import SESSION_COOKIE
from callcenter.auth.roles import Forbidden, Role, Unauthenticated, principal_of
from callcenter.auth.secret import digest
from callcenter.web import ws_close
from callcenter.web.api import Api

log = logging.getLogger(__name__)

API = Api("agent desk")
routes = API.routes

SEND_TIMEOUT_S = 10.0
HEARTBEAT_S = 20.0


def origin_allowed(request: web.Request, extra: tuple[str, ...]) -> bool:
    """Same origin as the service (scheme, host and port), or one configured."""
    origin = request.headers.get("Origin", "").rstrip("/")
    if not origin:
        return False
    if origin in extra:
        return True
    parts = urlsplit(origin)
    return parts.netloc.lower() == request.host.lower() and parts.scheme in ("http", "https")


@API.get("/ws/agent", summary="The agent's live feed (websocket): snapshot, then numbered "
         "deltas (R5)", roles=(Role.AGENT,), errors=(409,),
         extra_responses={"101": {"description": "switching to the websocket protocol"}},
         description="Upgrade to a websocket with the session cookie; the Origin must be the "
                     "service's own. Frames are JSON objects with `type` and `seq`: snapshot, "
                     "presence, pop, pop_answered, pop_withdrawn, wrapup, wrapup_end, "
                     "dial_result, callback_due. A gap in `seq` means a frame was missed: "
                     "reconnect for a fresh snapshot. A client that falls too far behind is "
                     "closed with code 4008; 4401 means the session ended (logged out, "
                     "password changed), 4403 that access was withdrawn (account deactivated, "
                     "role or agent link changed): the close reason says which.")
async def agent_socket(request: web.Request) -> web.WebSocketResponse:
    """The feed answers with the websocket itself: its frames are not bodies of the API."""
    who = principal_of(request)
    if who.via != "session":
        raise Unauthenticated("the agent feed is for an agent's page: log in with a session")
    if not who.agent_id:
        raise NotAnAgent("this account is not linked to a directory agent")
    service = request.app[AGENT_DESK]
    if not origin_allowed(request, service.desk_settings.origins):
        raise Forbidden("websocket from another origin", origin=request.headers.get("Origin"))
    ws = web.WebSocketResponse(heartbeat=HEARTBEAT_S, max_msg_size=16 * 1024)
    await ws.prepare(request)
    agent_id = who.agent_id
    service.wrapups.manage(agent_id)
    client = service.feeds.attach(agent_id, who, lambda: service.snapshot(agent_id))

    def revoke(code: int, reason: str) -> None:
        service.feeds.detach(client)  # not one more frame, whatever is published next
        client.drop(reason, code)

    sockets = request.app[AUTH].revocations.sockets
    handle = sockets.register(who.account_id, digest(request.cookies.get(SESSION_COOKIE, "")),
                              revoke)
    for pop in service.pops.open_pops(agent_id):  # shown again by the snapshot (R27)
        service.wrapups.shown(pop, [client])
    try:
        await _serve(ws, client)
    finally:
        sockets.unregister(handle)
        service.feeds.detach(client)
    return ws


async def _serve(ws: web.WebSocketResponse, client: Client) -> None:
    tasks = [asyncio.create_task(_send(ws, client)), asyncio.create_task(_receive(ws)),
             asyncio.create_task(client.dropped.wait())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if client.dropped.is_set():
        log.warning("agent %s: closing websocket (%s)", client.agent_id, client.drop_reason)
        with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
            await asyncio.wait_for(ws.close(code=client.close_code,
                                            message=client.drop_reason[:100].encode()),
                                   timeout=1.0)
    elif not ws.closed:
        await ws.close()


async def _send(ws: web.WebSocketResponse, client: Client) -> None:
    while True:
        data = await client.frames.get()
        try:
            await asyncio.wait_for(ws.send_str(data), SEND_TIMEOUT_S)
        except (TimeoutError, ConnectionError) as exc:
            client.drop(f"too slow: send failed ({type(exc).__name__})", ws_close.TOO_SLOW)
            return


async def _receive(ws: web.WebSocketResponse) -> None:
    """Pages send nothing but keep-alives; anything else is ignored, a close ends the feed."""
    async for message in ws:
        if message.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
            return


__all__ = ["API", "origin_allowed", "routes"]
