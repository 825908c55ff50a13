"""GET /api/lookup?number=…: the caller lookup behind the screen-pop (R5), audited (R27).

The number comes as the PBX or the agent has it ("62345678", "010-6234-5678",
"+86 10 6234 5678", "008610…"); it is normalised with the site's region and area code
before matching. Each customer shown gets an audit row in the lookup's transaction; a
number that matches nobody is audited too, as a lookup, so probing the directory leaves a
trace. Agents, supervisors and managers may look up callers (R28); technicians and admins
are refused.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.roles import Role, principal_of
from callcenter.clock import utcnow
from callcenter.customers.lookup import audited_lookup
from callcenter.customers.schemas import Lookup, LookupQuery
from callcenter.web.api import Api
from callcenter.web.requests import database, number_plan

API = Api("customers")
routes = API.routes


@API.get("/api/lookup", summary="Screen-pop: who is calling from this number (R5, audited "
         "read R27)", roles=(Role.AGENT, Role.SUPERVISOR, Role.MANAGER), query=LookupQuery,
         response=Lookup)
async def lookup_caller(request: web.Request, query: LookupQuery) -> Lookup:
    number = number_plan(request).e164("number", query.number)
    who, at = principal_of(request), utcnow()
    answer = await database(request).on_autocommit(
        lambda conn: audited_lookup(conn, who, number, at))
    return Lookup.of(answer)


__all__ = ["API", "routes"]
