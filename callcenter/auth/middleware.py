"""Who is asking: the middleware that turns a bearer token or a session cookie into
`request[PRINCIPAL_KEY]`, and enforces the CSRF rule for cookie-authenticated changes.

Anonymous requests pass through without a principal; each handler's `require(...)` decides.
A bearer header that is present but wrong is refused at once, so an integration with a
revoked token hears so instead of being treated as anonymous.
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from callcenter.auth.context import AUTH
from callcenter.auth.credentials import CredentialStore, Resolved
from callcenter.auth.csrf import HEADER, check_csrf
from callcenter.auth.roles import PRINCIPAL_KEY, Unauthenticated

SESSION_COOKIE = "cc_session"
LOGIN_PATH = "/api/auth/login"  # has no session to protect yet, so no CSRF token either


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    resolved = await _resolve(request, request.app[AUTH].credentials)
    if resolved is not None:
        if request.path != LOGIN_PATH:
            check_csrf(request.method, resolved.principal.via, request.headers.get(HEADER),
                       resolved.csrf_digest)
        request[PRINCIPAL_KEY] = resolved.principal
    return await handler(request)


async def _resolve(request: web.Request, credentials: CredentialStore) -> Resolved | None:
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must be 'Bearer <token>'",
                                  reason="malformed-authorization")
        found = await credentials.token(token.strip())
        if found is None:
            raise Unauthenticated("the bearer token is unknown or revoked, or its account "
                                  "is inactive", reason="invalid-token")
        return found
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return await credentials.session(cookie)  # expired or ended: simply anonymous
    return None
