"""Who is asking, and the check every endpoint makes (R28: each operator has their own login;
what they may do depends on their role)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from aiohttp import web

from callcenter.errors import CallcenterError


class Role(StrEnum):
    AGENT = "agent"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


ALL_ROLES: tuple[Role, ...] = tuple(Role)
"""For endpoints every logged-in person may use; anonymous requests are still refused."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated account behind a request; `agent_id` links an agent to the directory."""

    account_id: int
    username: str
    role: Role
    agent_id: str | None = None
    via: str = "session"  # "session" (cookie, pages) or "token" (integrations)


class Unauthenticated(CallcenterError):
    status = 401
    error_id = "unauthenticated"


class Forbidden(CallcenterError):
    status = 403
    error_id = "forbidden"


# A typed request key (aiohttp warns about plain strings); read it with `principal_of`.
PRINCIPAL_KEY = web.RequestKey("principal", Principal)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def principal_of(request: web.Request) -> Principal:
    principal = request.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise Unauthenticated("log in first")
    return principal


def require(*roles: Role) -> Callable[[Handler], Handler]:
    """Allow a handler to the given roles only; everyone else gets 401 or 403."""
    allowed = frozenset(roles)

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            principal = principal_of(request)
            if principal.role not in allowed:
                raise Forbidden(
                    f"{principal.role} may not {request.method} {request.path}",
                    role=str(principal.role),
                )
            return await handler(request)

        checked.allowed_roles = allowed  # type: ignore[attr-defined]
        return checked

    return decorate
