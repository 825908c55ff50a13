"""The agent desk's REST endpoints: thin handlers over `AgentDeskService` (R1, R5, R6, R28).

Every endpoint is the logged-in agent's own: the account must be linked to a directory agent
(`agent_id`), and each action applies to that agent's interfaces only. Actions answer 202:
the PBX's events, not the request, change the state the page shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers
from aiohttp import web
from sqlalchemy import select

from callcenter.agents import records
from callcenter.agents.context import AGENT_DESK
from callcenter.agents.errors import NotAnAgent
from callcenter.agents.figures import agent_today
from callcenter.agents.models import PromisedCallbackRow
from callcenter.agents.presence import transfer_queue
from callcenter.agents.runtime import AgentDeskService
from callcenter.agents.schemas import (
    Accepted,
    AgentDesk,
    AgentFigures,
    CallbackList,
    CallbackPath,
    Colleague,
    DeskAgent,
    DeskLogin,
    DeskQueue,
    DialIn,
    Dialled,
    LoggedIn,
    LoggedOut,
    Paused,
    PauseIn,
    PromisedCallback,
    TransferIn,
    Transferred,
    WrapupIn,
    WrapupResult,
)
from callcenter.audit.log import record
from callcenter.auth.roles import Principal, Role, principal_of
from callcenter.calls.agent_state import AgentState
from callcenter.clock import utcnow
from callcenter.directory.context import DIRECTORY
from callcenter.directory.models import AgentRow
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.sitecalendar.context import site_calendar
from callcenter.web.api import Api
from callcenter.web.keys import SETTINGS
from callcenter.web.openapi import json_response, ref
from callcenter.web.requests import number_plan


def _agent_id(request: web.Request) -> tuple[Principal, str]:
    who = principal_of(request)
    if not who.agent_id:
        raise NotAnAgent("this account is not linked to a directory agent")
    return who, who.agent_id


def _validation_context(request: web.Request) -> Mapping[str, Any]:
    """What a desk body is read with: the site's number plan and the time. The body is
    read only for an account linked to an agent: an unlinked one is told so (409
    not-an-agent), on every endpoint alike, before its body is judged."""
    _agent_id(request)
    return {"plan": number_plan(request), "now": utcnow()}


API = Api("agent desk", context=_validation_context)
routes = API.routes

AGENT = (Role.AGENT,)
PBX_ERRORS = {"502": json_response("The PBX refused or is away (`pbx-refused`)", ref("Error"))}
_SENT = "Sent to the PBX; the new state arrives on /ws/agent"


def _service(request: web.Request) -> AgentDeskService:
    return request.app[AGENT_DESK]


async def _agent_row(request: web.Request, agent_id: str) -> AgentRow:
    return await request.app[DIRECTORY].get_agent(agent_id)


@API.get("/api/agent/desk", summary="The agent's desk: directory entry, desks, queues, "
         "colleagues, state, open pops and wrap-ups", roles=AGENT, response=AgentDesk,
         errors=(409,))
async def desk(request: web.Request) -> AgentDesk:
    """Everything the page starts with besides the websocket's snapshot."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    agent = await _agent_row(request, agent_id)
    colleagues = [a for a in await request.app[DIRECTORY].list_agents() if a.id != agent_id]
    return AgentDesk.model_validate({
        "agent": DeskAgent.model_validate(agent),
        "interfaces": [i.interface for i in agent.interfaces],
        "queues": [DeskQueue.model_validate(q) for q in service.queues.all()],
        "colleagues": [_colleague(service, a) for a in colleagues],
        **service.snapshot(agent_id),
        "site_time_zone": request.app[SETTINGS].site_timezone,
    })


def _colleague(service: AgentDeskService, agent: AgentRow) -> Colleague:
    current = service.current(agent.id)
    return Colleague(id=agent.id, display_name=agent.display_name,
                     languages=list(agent.languages),
                     state=current.state if current else AgentState.LOGGED_OUT)


@API.post("/api/agent/login", summary="Log into queues at one of the agent's desks "
          "(QueueAdd)", roles=AGENT, body=DeskLogin, response=LoggedIn, status=202,
          errors=(409,), extra_responses=PBX_ERRORS)
async def log_in(request: web.Request, body: DeskLogin) -> LoggedIn:
    _, agent_id = _agent_id(request)
    agent = await _agent_row(request, agent_id)
    mine = [i.interface for i in agent.interfaces]
    interface = body.interface or (mine[0] if mine else None)
    if interface is None or interface not in mine:
        raise InvalidInput("interface", f"must be one of your desks: {', '.join(mine)}")
    service = _service(request)
    known = {q.name for q in service.queues.all()}
    if not set(body.queues) <= known:
        raise InvalidInput("queues", "must list one or more directory queues")
    current = service.current(agent_id)
    if current is not None and current.interface != interface:
        raise Conflict(f"already logged in at {current.interface}; log out first",
                       interface=current.interface)
    service.wrapups.manage(agent_id)
    await service.desk.log_in(interface, body.queues, agent.display_name)
    return LoggedIn(interface=interface, queues=body.queues)


def _logged_in(service: AgentDeskService, agent_id: str) -> str:
    current = service.current(agent_id)
    if current is None:
        raise Conflict("you are not logged into any queue")
    return current.interface


@API.post("/api/agent/pause", summary="Pause with a reason code from the configured list",
          roles=AGENT, body=PauseIn, response=Paused, status=202, errors=(409,),
          extra_responses=PBX_ERRORS)
async def pause(request: web.Request, body: PauseIn) -> Paused:
    _, agent_id = _agent_id(request)
    service = _service(request)
    reasons = service.desk_settings.pause_reasons
    if body.reason not in reasons:
        raise InvalidInput("reason", "must be one of " + ", ".join(reasons))
    service.wrapups.manage(agent_id)
    await service.desk.pause(_logged_in(service, agent_id), body.reason)
    return Paused(reason=body.reason)


@API.post("/api/agent/resume", summary="End the pause (not a wrap-up: classify the call, "
          "or its time runs out)", roles=AGENT, response=Accepted, status=202, errors=(409,),
          extra_responses=PBX_ERRORS)
async def resume(request: web.Request) -> Accepted:
    """End a pause. A wrap-up is not a pause the agent may skip: it ends by classifying the
    call (`POST /api/agent/wrapup`) or when the queue's wrap-up time runs out, which stores
    it as not classified; ending it here would leave the call with no outcome."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    service.wrapups.manage(agent_id)
    pending = service.wrapups.pending(agent_id)
    if pending:
        raise Conflict("classify the call to end its wrap-up (or let the wrap-up time run "
                       "out)", call_id=pending[0].call_id)
    await service.desk.resume(_logged_in(service, agent_id))
    return Accepted()


@API.post("/api/agent/logout", summary="Leave every queue (QueueRemove)", roles=AGENT,
          response=LoggedOut, status=202, errors=(409,), extra_responses=PBX_ERRORS)
async def log_out(request: web.Request) -> LoggedOut:
    _, agent_id = _agent_id(request)
    service = _service(request)
    current = service.current(agent_id)
    if current is None:
        return LoggedOut(queues=[])
    await service.desk.log_out(current.interface, current.queues)
    return LoggedOut(queues=list(current.queues))


@API.post("/api/agent/wrapup", summary="Classify a call of the agent's, create its order, "
          "complaint or promised call-back (R6), fill the registry's outcome, end the wrap-up "
          "pause", roles=AGENT, body=WrapupIn, response=WrapupResult, errors=(404, 409))
async def wrap_up(request: web.Request, body: WrapupIn) -> WrapupResult:
    """Classify the call and create what it needs; ends the wrap-up pause (R4, R6)."""
    who, agent_id = _agent_id(request)
    service = _service(request)
    pop = service.wrapups.handled_call(agent_id, body.call_id)
    if pop is None:
        raise NotFound("call of yours", body.call_id)
    result = await records.wrap_up(service.db, who, agent_id, body, pop.caller_num,
                                   number_plan(request), request.app[SETTINGS].zone,
                                   site_calendar(request), utcnow())
    service.wrapups.submitted(agent_id, body.call_id)
    return result


@API.post("/api/agent/transfer", summary="R6: re-queue the caller to an available colleague "
          "(language); the pop follows", roles=AGENT, body=TransferIn, response=Transferred,
          status=202, errors=(409,), extra_responses=PBX_ERRORS,
          description="The queue is the colleague's queue with the fewest other free agents; "
                      "`others_free` > 0 means someone else may be rung first.")
async def transfer(request: web.Request, body: TransferIn) -> Transferred:
    """R6: hand the caller to a colleague who speaks their language; the pop follows."""
    _, agent_id = _agent_id(request)
    service = _service(request)
    pop = next((p for p in service.pops.open_pops(agent_id)
                if p.call_id == body.call_id and p.state == "answered"), None)
    if pop is None:
        raise Conflict("you are not talking on that call", call_id=body.call_id)
    colleague = service.current(body.to_agent)
    if colleague is None or colleague.state is not AgentState.AVAILABLE:
        raise Conflict(f"{body.to_agent} is not available", to_agent=body.to_agent)
    target_row = await _agent_row(request, body.to_agent)
    queue, others_free = transfer_queue(colleague, service.presence.all())
    service.pops.expect_transfer(body.call_id, {"from_agent": agent_id, "note": body.note,
                                                "languages": list(target_row.languages)})
    await service.desk.requeue(pop.caller_leg_id, queue, {"TRANSFERRED_FROM": agent_id})
    return Transferred(queue=queue, to_agent=body.to_agent, others_free=others_free)


@API.post("/api/agent/dial", summary="Click-to-dial: ring the agent's phone, then the "
          "customer; the call is registered (R4) under `call_id`, linked to `customer_id` or "
          "the number's only customer", roles=AGENT, body=DialIn, response=Dialled,
          status=202, errors=(409,), extra_responses=PBX_ERRORS)
async def dial(request: web.Request, body: DialIn) -> Dialled:
    """Click-to-dial: the agent's phone rings first, then the customer; the call is in the
    registry under `call_id`, linked to the customer given or the number's only one (R4)."""
    who, agent_id = _agent_id(request)
    service = _service(request)
    current = service.current(agent_id)
    agent = await _agent_row(request, agent_id)
    interface = current.interface if current else (
        agent.interfaces[0].interface if agent.interfaces else None)
    if interface is None:
        raise Conflict("you have no desk phone in the directory")
    parsed = phonenumbers.parse(body.number)
    national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    dialable = "".join(c for c in national if c.isdigit())
    call_id, customer_id = await service.dial(agent_id, interface, body.number, dialable,
                                              body.customer_id,
                                              f'"{agent.display_name}" <{dialable}>')
    if customer_id is not None:
        async with service.db.transaction() as session:
            record(session, who, "call", "customer", customer_id,
                   {"number": body.number, "call_id": call_id})
    # The Originate's first channel is the call's Linkedid: the page's dial_result frame
    # names it leg_id, the call registry call_id.
    return Dialled(leg_id=call_id, call_id=call_id, number=body.number,
                   customer_id=customer_id)


@API.get("/api/agent/figures", summary="The agent's own figures today (R1): calls taken, "
         "average rings before answer, calls let ring out", roles=AGENT,
         response=AgentFigures, errors=(409,))
async def figures(request: web.Request) -> AgentFigures:
    _, agent_id = _agent_id(request)
    today = await agent_today(_service(request).db, agent_id, utcnow(),
                              request.app[SETTINGS].zone)
    return AgentFigures.model_validate({"agent_id": agent_id, **today})


@API.get("/api/agent/callbacks", summary="The agent's open promised call-backs (R6)",
         roles=AGENT, response=CallbackList, errors=(409,))
async def callbacks(request: web.Request) -> CallbackList:
    _, agent_id = _agent_id(request)
    async with _service(request).db.sessions() as session:
        rows = (await session.scalars(select(PromisedCallbackRow).where(
            PromisedCallbackRow.agent_id == agent_id, PromisedCallbackRow.status == "open")
            .order_by(PromisedCallbackRow.due_at).limit(200))).all()
        return CallbackList(callbacks=[PromisedCallback.model_validate(r) for r in rows])


@API.post(r"/api/agent/callbacks/{callback_id:\d+}/done",
          summary="Mark a promised call-back as done", roles=AGENT, path_params=CallbackPath,
          response=PromisedCallback, status=200, errors=(404, 409))
async def callback_done(request: web.Request, path: CallbackPath) -> PromisedCallback:
    who, agent_id = _agent_id(request)
    async with _service(request).db.transaction() as session:
        row = await session.get(PromisedCallbackRow, path.callback_id)
        if row is None or row.agent_id != agent_id:
            raise NotFound("call-back of yours", str(path.callback_id))
        row.status = "done"
        record(session, who, "update", "promised_callback", row.id, {"status": "done"})
        return PromisedCallback.model_validate(row)


__all__ = ["API", "routes"]
