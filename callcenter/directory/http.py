"""REST handlers for /api/queues, /api/agents and /api/directory/reconcile."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.roles import ALL_ROLES, Role, require
from callcenter.directory.context import DIRECTORY, RECONCILE_REPORTS
from callcenter.directory.schemas import parse_agent, parse_queue
from callcenter.directory.service import agent_json, queue_json
from callcenter.web.middleware import read_json
from callcenter.web.openapi import error, json_body, json_response, path_param, ref

routes = web.RouteTableDef()

EDITORS = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


@routes.get("/api/queues")
@require(*ALL_ROLES)
async def list_queues(request: web.Request) -> web.Response:
    rows = await request.app[DIRECTORY].list_queues()
    return web.json_response({"queues": [queue_json(r) for r in rows]})


@routes.get("/api/queues/{name}")
@require(*ALL_ROLES)
async def get_queue(request: web.Request) -> web.Response:
    return web.json_response(queue_json(await request.app[DIRECTORY].get_queue(
        request.match_info["name"])))


@routes.post("/api/queues")
@require(*EDITORS)
async def create_queue(request: web.Request) -> web.Response:
    spec = parse_queue(await read_json(request))
    row = await request.app[DIRECTORY].put_queue(spec)
    return web.json_response(queue_json(row), status=201)


@routes.put("/api/queues/{name}")
@require(*EDITORS)
async def put_queue(request: web.Request) -> web.Response:
    spec = parse_queue(await read_json(request), name=request.match_info["name"])
    return web.json_response(queue_json(await request.app[DIRECTORY].put_queue(spec)))


@routes.delete("/api/queues/{name}")
@require(*EDITORS)
async def delete_queue(request: web.Request) -> web.Response:
    await request.app[DIRECTORY].delete_queue(request.match_info["name"])
    return web.Response(status=204)


@routes.get("/api/agents")
@require(*ALL_ROLES)
async def list_agents(request: web.Request) -> web.Response:
    rows = await request.app[DIRECTORY].list_agents()
    return web.json_response({"agents": [agent_json(r) for r in rows]})


@routes.get("/api/agents/{id}")
@require(*ALL_ROLES)
async def get_agent(request: web.Request) -> web.Response:
    return web.json_response(agent_json(await request.app[DIRECTORY].get_agent(
        request.match_info["id"])))


@routes.post("/api/agents")
@require(*EDITORS)
async def create_agent(request: web.Request) -> web.Response:
    spec = parse_agent(await read_json(request))
    return web.json_response(agent_json(await request.app[DIRECTORY].put_agent(spec)), status=201)


@routes.put("/api/agents/{id}")
@require(*EDITORS)
async def put_agent(request: web.Request) -> web.Response:
    spec = parse_agent(await read_json(request), agent_id=request.match_info["id"])
    return web.json_response(agent_json(await request.app[DIRECTORY].put_agent(spec)))


@routes.delete("/api/agents/{id}")
@require(*EDITORS)
async def delete_agent(request: web.Request) -> web.Response:
    await request.app[DIRECTORY].delete_agent(request.match_info["id"])
    return web.Response(status=204)


@routes.get("/api/directory/reconcile")
@require(*EDITORS)
async def last_reconcile(request: web.Request) -> web.Response:
    reports = request.app[RECONCILE_REPORTS]
    return web.json_response({"report": reports[-1].as_json() if reports else None})


_NAME = {"type": "string", "pattern": r"^[A-Za-z0-9_.@-]{1,80}$",
         "description": "a PBX name: letters, digits, '_', '-', '.' or '@'"}
_QUEUE_FIELDS: dict[str, Any] = {
    "display_name": {"type": "string", "maxLength": 200},
    "greeting": {"type": "string", "maxLength": 2000,
                 "description": "what the agent says on answering (R3)"},
    "ring_threshold": {"type": "integer", "minimum": 1, "maximum": 20,
                       "description": "R1: the rings within which this queue's calls are "
                                      "answered; left out, the site's "
                                      "CALLCENTER_SLA_MAX_RINGS (3)"},
    "ring_cycle_s": {"type": "number", "minimum": 0.5, "maximum": 30,
                     "description": "R1: seconds a ring lasts in this queue; left out, the "
                                    "site's CALLCENTER_RING_CYCLE_SECONDS (5)"},
    "wrapup_s": {"type": "integer", "minimum": 0, "maximum": 3600, "default": 30},
}
_AGENT_FIELDS: dict[str, Any] = {
    "display_name": {"type": "string", "maxLength": 200},
    "team": {"type": "string", "maxLength": 80},
    "languages": {"type": "array", "items": {"type": "string", "minLength": 1},
                  "description": "languages and dialects spoken (R6)"},
    "interfaces": {"type": "array", "items": {
        "type": "string", "pattern": r"^[A-Za-z]+/[^\s,|]{1,190}$", "examples": ["PJSIP/5001"]}},
}
_STORED = {"source": {"type": "string", "enum": ["directory", "pbx"]},
           "updated_at": {"type": "string", "format": "date-time"}}
_QUEUE_NAME = path_param("name", _NAME)
_AGENT_ID = path_param("id", _NAME)


def _list(key: str, item: str) -> dict[str, Any]:
    return {"type": "object", "required": [key],
            "properties": {key: {"type": "array", "items": ref(item)}}}


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/queues": {
            "get": {"summary": "All queues", "tags": ["directory"],
                    "responses": {"200": json_response("Queues", _list("queues", "Queue"))}},
            "post": {"summary": "Create (or replace) a queue", "tags": ["directory"],
                     "requestBody": json_body(ref("NewQueue")),
                     "responses": {"201": json_response("Stored", ref("Queue"))}},
        },
        "/api/queues/{name}": {
            "parameters": [_QUEUE_NAME],
            "get": {"summary": "One queue", "tags": ["directory"],
                    "responses": {"200": json_response("The queue", ref("Queue")),
                                  "404": error("NotFound")}},
            "put": {"summary": "Create or replace a queue", "tags": ["directory"],
                    "requestBody": json_body(ref("QueueFields")),
                    "responses": {"200": json_response("Stored", ref("Queue"))}},
            "delete": {"summary": "Delete a queue", "tags": ["directory"],
                       "responses": {"204": {"description": "Deleted"},
                                     "404": error("NotFound")}},
        },
        "/api/agents": {
            "get": {"summary": "All agents", "tags": ["directory"],
                    "responses": {"200": json_response("Agents", _list("agents", "Agent"))}},
            "post": {"summary": "Create (or replace) an agent", "tags": ["directory"],
                     "requestBody": json_body(ref("NewAgent")),
                     "responses": {"201": json_response("Stored", ref("Agent")),
                                   "409": error("Conflict")}},
        },
        "/api/agents/{id}": {
            "parameters": [_AGENT_ID],
            "get": {"summary": "One agent", "tags": ["directory"],
                    "responses": {"200": json_response("The agent", ref("Agent")),
                                  "404": error("NotFound")}},
            "put": {"summary": "Create or replace an agent", "tags": ["directory"],
                    "requestBody": json_body(ref("AgentFields")),
                    "responses": {"200": json_response("Stored", ref("Agent")),
                                  "409": error("Conflict")}},
            "delete": {"summary": "Delete an agent", "tags": ["directory"],
                       "responses": {"204": {"description": "Deleted"},
                                     "404": error("NotFound")}},
        },
        "/api/directory/reconcile": {
            "get": {"summary": "The last comparison of the directories with the PBX",
                    "tags": ["directory"],
                    "responses": {"200": json_response("The last report, or null", {
                        "type": "object", "required": ["report"],
                        "properties": {"report": {"type": ["object", "null"]}}})}},
        },
    },
    "schemas": {
        "QueueFields": {"type": "object", "properties": _QUEUE_FIELDS},
        "NewQueue": {"type": "object", "required": ["name"],
                     "properties": {"name": _NAME, **_QUEUE_FIELDS}},
        "Queue": {"type": "object",
                  "required": ["name", *_QUEUE_FIELDS, *_STORED],
                  "properties": {"name": {"type": "string"}, **_QUEUE_FIELDS, **_STORED}},
        "AgentFields": {"type": "object", "properties": _AGENT_FIELDS},
        "NewAgent": {"type": "object", "required": ["id"],
                     "properties": {"id": _NAME, **_AGENT_FIELDS}},
        "Agent": {"type": "object",
                  "required": ["id", *_AGENT_FIELDS, *_STORED],
                  "properties": {"id": {"type": "string"}, **_AGENT_FIELDS, **_STORED}},
    },
}
