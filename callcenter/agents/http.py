"""The agent desk's REST endpoints: thin handlers over `AgentDeskService` (R1, R5, R6, R28).

Every endpoint is the logged-in agent's own: the account must be linked to a directory agent
(`agent_id`), and each action applies to that agent's interfaces only. Actions answer 202:
the PBX's events, not the request, change the state the page shows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import phonenumbers
from aiohttp import web
from sqlalchemy import select

from callcenter.agents import records
from callcenter.agents.api_docs import OPENAPI
from callcenter.agents.context import AGENT_DESK
from callcenter.agents.errors import NotAnAgent
from callcenter.agents.figures import agent_today
from callcenter.agents.models import PromisedCallbackRow
from callcenter.agents.presence import transfer_queue
from callcenter.agents.runtime import AgentDeskService, callback_json
from callcenter.audit.log import record
from callcenter.auth.roles import Principal, Role, principal_of, require
from callcenter.calls.agent_state import AgentState
from callcenter.customers import fields as f
from callcenter.directory.context import DIRECTORY
from callcenter.directory.models import AgentRow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.inputs import path_id
from callcenter.web.keys import SETTINGS
from callcenter.web.middleware import read_json
from callcenter.web.requests import number_plan

routes = web.RouteTableDef()

__all__ = ["OPENAPI", "routes"]


def _agent_id(request: web.Request) -> tuple[Principal, str]:
    who = principal_of(request)
    if not who.agent_id:
        raise NotAnAgent("this account is not linked to a directory agent")
    return who, who.agent_id


def _service(request: web.Request) -> AgentDeskService:
    return request.app[AGENT_DESK]


async def _agent_row(request: web.Request, agent_id: str) -> AgentRow:
    return await request.app[DIRECTORY].get_agent(agent_id)


def _accepted(**body: Any) -> web.Response:
    return web.json_response({"accepted": True, **body}, status=202)


@routes.get("/api/agent/desk")
@require(Role.AGENT)
async def desk(request: web.Request) -> web.Response:
    """Everything the page starts with besides the websocket's snapshot."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    agent = await _agent_row(request, agent_id)
    colleagues = [a for a in await request.app[DIRECTORY].list_agents() if a.id != agent_id]
    return web.json_response({
        "agent": {"id": agent.id, "display_name": agent.display_name, "team": agent.team,
                  "languages": list(agent.languages)},
        "interfaces": [i.interface for i in agent.interfaces],
        "queues": [{"name": q.name, "display_name": q.display_name, "greeting": q.greeting,
                    "wrapup_s": q.wrapup_s} for q in service.queues.all()],
        "colleagues": [_colleague(service, a) for a in colleagues],
        **service.snapshot(agent_id),
    })


def _colleague(service: AgentDeskService, agent: AgentRow) -> dict[str, Any]:
    current = service.current(agent.id)
    return {"id": agent.id, "display_name": agent.display_name,
            "languages": list(agent.languages),
            "state": current.state.value if current else AgentState.LOGGED_OUT.value}


@routes.post("/api/agent/login")
@require(Role.AGENT)
async def log_in(request: web.Request) -> web.Response:
    _, agent_id = _agent_id(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"interface", "queues"}))
    agent = await _agent_row(request, agent_id)
    mine = [i.interface for i in agent.interfaces]
    interface = f.optional_text(data, "interface", limit=200) or (mine[0] if mine else None)
    if interface is None or interface not in mine:
        raise InvalidInput("interface", f"must be one of your desks: {', '.join(mine)}")
    queues = data.get("queues")
    service = _service(request)
    known = {q.name for q in service.queues.all()}
    if not isinstance(queues, list) or not queues or not all(
            isinstance(q, str) and q in known for q in queues):
        raise InvalidInput("queues", "must list one or more directory queues")
    current = service.current(agent_id)
    if current is not None and current.interface != interface:
        raise Conflict(f"already logged in at {current.interface}; log out first",
                       interface=current.interface)
    service.wrapups.manage(agent_id)
    await service.desk.log_in(interface, queues, agent.display_name)
    return _accepted(interface=interface, queues=queues)


def _logged_in(service: AgentDeskService, agent_id: str) -> str:
    current = service.current(agent_id)
    if current is None:
        raise Conflict("you are not logged into any queue")
    return current.interface


@routes.post("/api/agent/pause")
@require(Role.AGENT)
async def pause(request: web.Request) -> web.Response:
    _, agent_id = _agent_id(request)
    service = _service(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"reason"}))
    reason = f.text(data, "reason", required_non_empty=True, limit=40)
    if reason not in service.desk_settings.pause_reasons:
        raise InvalidInput("reason", "must be one of "
                           + ", ".join(service.desk_settings.pause_reasons))
    service.wrapups.manage(agent_id)
    await service.desk.pause(_logged_in(service, agent_id), reason)
    return _accepted(reason=reason)


@routes.post("/api/agent/resume")
@require(Role.AGENT)
async def resume(request: web.Request) -> web.Response:
    """End a pause (a wrap-up included: the agent is done before the clock runs out)."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    service.wrapups.manage(agent_id)
    for item in service.wrapups.pending(agent_id):
        service.wrapups.finish(agent_id, item.call_id, "done")
    await service.desk.resume(_logged_in(service, agent_id))
    return _accepted()


@routes.post("/api/agent/logout")
@require(Role.AGENT)
async def log_out(request: web.Request) -> web.Response:
    _, agent_id = _agent_id(request)
    service = _service(request)
    current = service.current(agent_id)
    if current is None:
        return _accepted(queues=[])
    await service.desk.log_out(current.interface, current.queues)
    return _accepted(queues=list(current.queues))


@routes.post("/api/agent/wrapup")
@require(Role.AGENT)
async def wrap_up(request: web.Request) -> web.Response:
    """Classify the call and create what it needs; ends the wrap-up pause (R4, R6)."""
    who, agent_id = _agent_id(request)
    service = _service(request)
    now = datetime.now(UTC)
    values = records.parse(await read_json(request), now)
    pop = service.wrapups.handled_call(agent_id, values["call_id"])
    if pop is None:
        raise NotFound("call of yours", values["call_id"])
    settings = request.app[SETTINGS]
    result = await records.store(service.db, who, agent_id, values, pop.caller_num,
                                 number_plan(request), settings.zone, site_calendar(request),
                                 now)
    service.wrapups.submitted(agent_id, values["call_id"])
    return web.json_response(result, status=201)


@routes.post("/api/agent/transfer")
@require(Role.AGENT)
async def transfer(request: web.Request) -> web.Response:
    """R6: hand the caller to a colleague who speaks their language; the pop follows."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"call_id", "to_agent", "note"}))
    call_id = f.text(data, "call_id", limit=64, required_non_empty=True)
    target = f.text(data, "to_agent", limit=80, required_non_empty=True)
    note = f.text(data, "note", default="", limit=1000)
    pop = next((p for p in service.pops.open_pops(agent_id)
                if p.call_id == call_id and p.state == "answered"), None)
    if pop is None:
        raise Conflict("you are not talking on that call", call_id=call_id)
    colleague = service.current(target)
    if colleague is None or colleague.state is not AgentState.AVAILABLE:
        raise Conflict(f"{target} is not available", to_agent=target)
    target_row = await _agent_row(request, target)
    queue, others_free = transfer_queue(colleague, service.presence.all())
    service.pops.expect_transfer(call_id, {"from_agent": agent_id, "note": note,
                                           "languages": list(target_row.languages)})
    await service.desk.requeue(pop.caller_leg_id, queue, {"TRANSFERRED_FROM": agent_id})
    return _accepted(queue=queue, to_agent=target, others_free=others_free)


@routes.post("/api/agent/dial")
@require(Role.AGENT)
async def dial(request: web.Request) -> web.Response:
    """Click-to-dial: the agent's phone rings first, then the customer; the call is in the
    registry under `call_id`, linked to the customer given or the number's only one (R4)."""
    who, agent_id = _agent_id(request)
    service = _service(request)
    data = f.body_object(await read_json(request))
    f.reject_unknown(data, frozenset({"number", "customer_id"}))
    plan = number_plan(request)
    number = plan.e164("number", f.text(data, "number", required_non_empty=True, limit=40))
    customer_id = f.ident(data, "customer_id")
    current = service.current(agent_id)
    agent = await _agent_row(request, agent_id)
    interface = current.interface if current else (
        agent.interfaces[0].interface if agent.interfaces else None)
    if interface is None:
        raise Conflict("you have no desk phone in the directory")
    parsed = phonenumbers.parse(number)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    dialable = "".join(c for c in national if c.isdigit())
    call_id, customer_id = await service.dial(agent_id, interface, number, dialable,
                                              customer_id, f'"{agent.display_name}" <{dialable}>')
    if customer_id is not None:
        async with service.db.transaction() as session:
            record(session, who, "call", "customer", customer_id,
                   {"number": number, "call_id": call_id})
    # The Originate's first channel is the call's Linkedid: the page's dial_result frame
    # names it leg_id, the call registry call_id.
    return _accepted(leg_id=call_id, call_id=call_id, number=number, customer_id=customer_id)


@routes.get("/api/agent/figures")
@require(Role.AGENT)
async def figures(request: web.Request) -> web.Response:
    _, agent_id = _agent_id(request)
    service = _service(request)
    body = await agent_today(service.db, agent_id, datetime.now(UTC),
                             request.app[SETTINGS].zone)
    return web.json_response({"agent_id": agent_id, **body})


@routes.get("/api/agent/callbacks")
@require(Role.AGENT)
async def callbacks(request: web.Request) -> web.Response:
    _, agent_id = _agent_id(request)
    async with _service(request).db.sessions() as session:
        rows = (await session.scalars(select(PromisedCallbackRow).where(
            PromisedCallbackRow.agent_id == agent_id, PromisedCallbackRow.status == "open")
            .order_by(PromisedCallbackRow.due_at).limit(200))).all()
    return web.json_response({"callbacks": [callback_json(r) for r in rows]})


@routes.post(r"/api/agent/callbacks/{callback_id:\d+}/done")
@require(Role.AGENT)
async def callback_done(request: web.Request) -> web.Response:
    who, agent_id = _agent_id(request)
    callback_id = path_id(request, "callback_id")
    async with _service(request).db.transaction() as session:
        row = await session.get(PromisedCallbackRow, callback_id)
        if row is None or row.agent_id != agent_id:
            raise NotFound("call-back of yours", str(callback_id))
        row.status = "done"
        record(session, who, "update", "promised_callback", row.id, {"status": "done"})
    return web.json_response(callback_json(row))
