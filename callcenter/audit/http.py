"""GET /api/audit: who read or changed a record, and when (R27), for managers and admins.

Lookups are audited under the caller's number; an administrator, who may not read caller
numbers (R27, R28), sees those entries with the number masked.
"""

from __future__ import annotations

from aiohttp import web

from callcenter.audit.query import search
from callcenter.audit.schemas import AuditEntries, AuditEntry, AuditSearch
from callcenter.auth.roles import Role, principal_of
from callcenter.web.api import Api
from callcenter.web.keys import DATABASE

API = Api("audit")
routes = API.routes

NUMBER_MASK = "***"


@API.get("/api/audit", summary="Audit entries, newest first", roles=(Role.MANAGER, Role.ADMIN),
         query=AuditSearch, response=AuditEntries)
async def audit_log(request: web.Request, query: AuditSearch) -> AuditEntries:
    rows = await search(request.app[DATABASE], query)
    entries = [AuditEntry.model_validate(r) for r in rows]
    if principal_of(request).role is Role.ADMIN:
        entries = [_without_numbers(e) for e in entries]
    return AuditEntries(entries=entries)


def _without_numbers(entry: AuditEntry) -> AuditEntry:
    """The entry without the caller number a lookup is audited under."""
    if "number" in entry.detail:
        entry = entry.model_copy(update={"detail": {**entry.detail, "number": NUMBER_MASK}})
    if entry.entity == "lookup":
        entry = entry.model_copy(update={"entity_id": NUMBER_MASK})
    return entry
