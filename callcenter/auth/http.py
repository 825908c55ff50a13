"""POST /api/auth/login, POST /api/auth/logout and GET /api/auth/me: logging in for pages."""

from __future__ import annotations

from aiohttp import web

from callcenter.auth.context import AUTH
from callcenter.auth.csrf import COOKIE as CSRF_COOKIE
from callcenter.auth.login import SESSION_LIFETIME
from callcenter.auth.middleware import LOGIN_PATH, SESSION_COOKIE
from callcenter.auth.ratelimit import TooManyAttempts
from callcenter.auth.revocation import Revocation
from callcenter.auth.roles import ALL_ROLES, principal_of
from callcenter.auth.schemas import LoginRequest, LoginResult, Me
from callcenter.web.api import Api, answer
from callcenter.web.middleware import error_response
from callcenter.web.openapi import json_response, ref
from callcenter.web.proxies import TRUSTED_PROXIES

API = Api("auth")
routes = API.routes


@API.post(LOGIN_PATH, summary="Log in a person; sets the session cookie and returns the CSRF "
          "token", roles=None, body=LoginRequest, response=LoginResult, status=200,
          errors=(429,), description="Sets the cookies cc_session (HttpOnly) and cc_csrf.",
          extra_responses={"401": json_response(
              "Wrong username or password (`login-failed`)", ref("Error"))})
async def login(request: web.Request, body: LoginRequest) -> web.StreamResponse:
    """Answers itself: the reply carries the session cookies, and a refusal the seconds to
    wait in Retry-After."""
    proxies = request.app[TRUSTED_PROXIES]
    try:
        done = await request.app[AUTH].logins.login(body.username, body.password,
                                                     proxies.client_address(request))
    except TooManyAttempts as exc:
        refused = error_response(exc.status, exc.error_id, exc.message, **exc.details)
        refused.headers["Retry-After"] = str(exc.retry_after_s)
        return refused
    response = answer(LoginResult(account=Me.model_validate(done.principal),
                                  csrf_token=done.csrf_token, expires_at=done.expires_at), 200)
    max_age = int(SESSION_LIFETIME.total_seconds())
    secure = proxies.https(request)  # never sent back over plain HTTP once set over HTTPS
    response.set_cookie(SESSION_COOKIE, done.session_secret, max_age=max_age, path="/",
                        httponly=True, samesite="Lax", secure=secure)
    # Readable by our pages' scripts (not HttpOnly): they echo it in X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, done.csrf_token, max_age=max_age, path="/",
                        samesite="Lax", secure=secure)
    return response


@API.post("/api/auth/logout", summary="End this session", roles=ALL_ROLES,
          description="Clears the session cookies and closes the websockets the session "
                      "opened; a bearer token has no session to end (revoke it instead).")
async def logout(request: web.Request) -> web.StreamResponse | None:
    """Answers itself for a cookie session, to clear its cookies."""
    principal = principal_of(request)
    if principal.via != "session":
        return None
    auth = request.app[AUTH]
    id_hash = await auth.logins.logout(request.cookies.get(SESSION_COOKIE, ""), principal)
    await auth.revocations.revoke(Revocation(principal.account_id, "logged-out", id_hash))
    response = web.Response(status=204)
    response.del_cookie(SESSION_COOKIE, path="/")
    response.del_cookie(CSRF_COOKIE, path="/")
    return response


@API.get("/api/auth/me", summary="Who the request is authenticated as", roles=ALL_ROLES,
         response=Me)
async def me(request: web.Request) -> Me:
    return Me.model_validate(principal_of(request))
