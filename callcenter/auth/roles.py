"""The check every endpoint makes: the request's principal and `require(...)` (R28)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from aiohttp import web

from callcenter.auth.principal import ALL_ROLES, Forbidden, Principal, Role, Unauthenticated

# A typed request key (aiohttp warns about plain strings); read it with `principal_of`.
PRINCIPAL_KEY = web.RequestKey("principal", Principal)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def principal_of(request: web.Request) -> Principal:
    principal = request.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise Unauthenticated("log in first")
    return principal


def check_role(request: web.Request, allowed: frozenset[Role]) -> Principal:
    """The principal, if their role is allowed; 401 without one, 403 with another role."""
    principal = principal_of(request)
    if principal.role not in allowed:
        raise Forbidden(f"{principal.role} may not {request.method} {request.path}",
                        role=str(principal.role))
    return principal


def require(*roles: Role) -> Callable[[Handler], Handler]:
    """Allow a handler to the given roles only; everyone else gets 401 or 403."""
    allowed = frozenset(roles)

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: web.Request) -> web.StreamResponse:
            check_role(request, allowed)
            return await handler(request)

        checked.allowed_roles = allowed  # type: ignore[attr-defined]
        return checked

    return decorate


__all__ = ["ALL_ROLES", "PRINCIPAL_KEY", "Forbidden", "Principal", "Role",
           "Unauthenticated", "check_role", "principal_of", "require"]
