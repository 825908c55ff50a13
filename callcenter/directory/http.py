"""REST handlers for /api/queues, /api/agents and /api/directory/reconcile.

Everyone logged in reads the directories (the desk shows queues and colleagues); a
supervisor, manager or admin edits them. A POST or PUT stores the whole queue or agent:
what it leaves out takes its default, not the stored value.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.roles import ALL_ROLES, Role
from callcenter.directory.context import DIRECTORY, RECONCILE_REPORTS
from callcenter.directory.schemas import (
    Agent,
    AgentFields,
    AgentIdPath,
    AgentList,
    AgentPath,
    LastReconcile,
    NewAgent,
    NewQueue,
    Queue,
    QueueFields,
    QueueList,
    QueueNamePath,
    QueuePath,
    ReconcileSummary,
)
from callcenter.web.api import Api

API = Api("directory")
routes = API.routes

EDITORS = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)


@API.get("/api/queues", summary="All queues", roles=ALL_ROLES, response=QueueList)
async def list_queues(request: web.Request) -> QueueList:
    rows = await request.app[DIRECTORY].list_queues()
    return QueueList(queues=[Queue.model_validate(r) for r in rows])


@API.get("/api/queues/{name}", summary="One queue", roles=ALL_ROLES, path_params=QueuePath,
         response=Queue, errors=(404,))
async def get_queue(request: web.Request, path: QueuePath) -> Queue:
    return Queue.model_validate(await request.app[DIRECTORY].get_queue(path.name))


@API.post("/api/queues", summary="Create (or replace) a queue", roles=EDITORS, body=NewQueue,
          response=Queue)
async def create_queue(request: web.Request, body: NewQueue) -> Queue:
    return Queue.model_validate(await request.app[DIRECTORY].put_queue(body.spec(body.name)))


@API.put("/api/queues/{name}", summary="Create or replace a queue", roles=EDITORS,
         path_params=QueueNamePath, body=QueueFields, response=Queue)
async def put_queue(request: web.Request, path: QueueNamePath, body: QueueFields) -> Queue:
    return Queue.model_validate(await request.app[DIRECTORY].put_queue(body.spec(path.name)))


@API.delete("/api/queues/{name}", summary="Delete a queue", roles=EDITORS,
            path_params=QueuePath, errors=(404,))
async def delete_queue(request: web.Request, path: QueuePath) -> None:
    await request.app[DIRECTORY].delete_queue(path.name)


@API.get("/api/agents", summary="All agents", roles=ALL_ROLES, response=AgentList)
async def list_agents(request: web.Request) -> AgentList:
    rows = await request.app[DIRECTORY].list_agents()
    return AgentList(agents=[Agent.model_validate(r) for r in rows])


@API.get("/api/agents/{id}", summary="One agent", roles=ALL_ROLES, path_params=AgentPath,
         response=Agent, errors=(404,))
async def get_agent(request: web.Request, path: AgentPath) -> Agent:
    return Agent.model_validate(await request.app[DIRECTORY].get_agent(path.id))


@API.post("/api/agents", summary="Create (or replace) an agent", roles=EDITORS,
          body=NewAgent, response=Agent, errors=(409,))
async def create_agent(request: web.Request, body: NewAgent) -> Agent:
    return Agent.model_validate(await request.app[DIRECTORY].put_agent(body.spec(body.id)))


@API.put("/api/agents/{id}", summary="Create or replace an agent", roles=EDITORS,
         path_params=AgentIdPath, body=AgentFields, response=Agent, errors=(409,))
async def put_agent(request: web.Request, path: AgentIdPath, body: AgentFields) -> Agent:
    return Agent.model_validate(await request.app[DIRECTORY].put_agent(body.spec(path.id)))


@API.delete("/api/agents/{id}", summary="Delete an agent", roles=EDITORS,
            path_params=AgentPath, errors=(404,))
async def delete_agent(request: web.Request, path: AgentPath) -> None:
    await request.app[DIRECTORY].delete_agent(path.id)


@API.get("/api/directory/reconcile", summary="The last comparison of the directories with "
         "the PBX", roles=EDITORS, response=LastReconcile)
async def last_reconcile(request: web.Request) -> LastReconcile:
    reports = request.app[RECONCILE_REPORTS]
    return LastReconcile(
        report=ReconcileSummary.model_validate(reports[-1]) if reports else None)
