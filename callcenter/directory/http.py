"""REST handlers for /api/queues, /api/agents and /api/directory/reconcile."""

from __future__ import annotations

from aiohttp import web

from callcenter.directory.schemas import parse_agent, parse_queue
from callcenter.directory.service import agent_json, queue_json
from callcenter.web.keys import DIRECTORY, RECONCILE_REPORTS
from callcenter.web.middleware import read_json

routes = web.RouteTableDef()


@routes.get("/api/queues")
async def list_queues(request: web.Request) -> web.Response:
    rows = await request.app[DIRECTORY].list_queues()
    return web.json_response({"queues": [queue_json(r) for r in rows]})


@routes.get("/api/queues/{name}")
async def get_queue(request: web.Request) -> web.Response:
    return web.json_response(queue_json(await request.app[DIRECTORY].get_queue(
        request.match_info["name"])))


@routes.post("/api/queues")
async def create_queue(request: web.Request) -> web.Response:
    spec = parse_queue(await read_json(request))
    row = await request.app[DIRECTORY].put_queue(spec)
    return web.json_response(queue_json(row), status=201)


@routes.put("/api/queues/{name}")
async def put_queue(request: web.Request) -> web.Response:
    spec = parse_queue(await read_json(request), name=request.match_info["name"])
    return web.json_response(queue_json(await request.app[DIRECTORY].put_queue(spec)))


@routes.delete("/api/queues/{name}")
async def delete_queue(request: web.Request) -> web.Response:
    await request.app[DIRECTORY].delete_queue(request.match_info["name"])
    return web.Response(status=204)


@routes.get("/api/agents")
async def list_agents(request: web.Request) -> web.Response:
    rows = await request.app[DIRECTORY].list_agents()
    return web.json_response({"agents": [agent_json(r) for r in rows]})


@routes.get("/api/agents/{id}")
async def get_agent(request: web.Request) -> web.Response:
    return web.json_response(agent_json(await request.app[DIRECTORY].get_agent(
        request.match_info["id"])))


@routes.post("/api/agents")
async def create_agent(request: web.Request) -> web.Response:
    spec = parse_agent(await read_json(request))
    return web.json_response(agent_json(await request.app[DIRECTORY].put_agent(spec)), status=201)


@routes.put("/api/agents/{id}")
async def put_agent(request: web.Request) -> web.Response:
    spec = parse_agent(await read_json(request), agent_id=request.match_info["id"])
    return web.json_response(agent_json(await request.app[DIRECTORY].put_agent(spec)))


@routes.delete("/api/agents/{id}")
async def delete_agent(request: web.Request) -> web.Response:
    await request.app[DIRECTORY].delete_agent(request.match_info["id"])
    return web.Response(status=204)


@routes.get("/api/directory/reconcile")
async def last_reconcile(request: web.Request) -> web.Response:
    reports = request.app[RECONCILE_REPORTS]
    return web.json_response({"report": reports[-1].as_json() if reports else None})
