"""POST /api/auth/login, POST /api/auth/logout and GET /api/auth/me: logging in for pages."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.context import AUTH
from callcenter.auth.csrf import COOKIE as CSRF_COOKIE
from callcenter.auth.login import SESSION_LIFETIME
from callcenter.auth.middleware import LOGIN_PATH, SESSION_COOKIE
from callcenter.auth.ratelimit import TooManyAttempts
from callcenter.auth.revocation import Revocation
from callcenter.auth.roles import ALL_ROLES, Principal, principal_of, require
from callcenter.auth.schemas import ROLE_NAMES, USERNAME_PATTERN, parse_login
from callcenter.web.middleware import error_response, read_json
from callcenter.web.openapi import error, json_body, json_response, ref
from callcenter.web.proxies import TRUSTED_PROXIES

routes = web.RouteTableDef()
ROLE_SCHEMA: dict[str, Any] = {"type": "string", "enum": ROLE_NAMES}


def me_json(principal: Principal) -> dict[str, Any]:
    return {
        "account_id": principal.account_id,
        "username": principal.username,
        "role": str(principal.role),
        "agent_id": principal.agent_id,
        "via": principal.via,
    }


@routes.post(LOGIN_PATH)
async def login(request: web.Request) -> web.Response:
    username, password = parse_login(await read_json(request))
    proxies = request.app[TRUSTED_PROXIES]
    try:
        done = await request.app[AUTH].logins.login(username, password,
                                                     proxies.client_address(request))
    except TooManyAttempts as exc:
        refused = error_response(exc.status, exc.error_id, exc.message, **exc.details)
        refused.headers["Retry-After"] = str(exc.retry_after_s)
        return refused
    response = web.json_response({"account": me_json(done.principal),
                                  "csrf_token": done.csrf_token,
                                  "expires_at": done.expires_at.isoformat()})
    max_age = int(SESSION_LIFETIME.total_seconds())
    secure = proxies.https(request)  # never sent back over plain HTTP once set over HTTPS
    response.set_cookie(SESSION_COOKIE, done.session_secret, max_age=max_age, path="/",
                        httponly=True, samesite="Lax", secure=secure)
    # Readable by our pages' scripts (not HttpOnly): they echo it in X-CSRF-Token.
    response.set_cookie(CSRF_COOKIE, done.csrf_token, max_age=max_age, path="/",
                        samesite="Lax", secure=secure)
    return response


@routes.post("/api/auth/logout")
@require(*ALL_ROLES)
async def logout(request: web.Request) -> web.Response:
    """Ends a cookie session and closes the websockets it opened; for a bearer token there is
    nothing to end (revoke it instead)."""
    principal = principal_of(request)
    response = web.Response(status=204)
    if principal.via == "session":
        auth = request.app[AUTH]
        id_hash = await auth.logins.logout(request.cookies.get(SESSION_COOKIE, ""), principal)
        await auth.revocations.revoke(Revocation(principal.account_id, "logged-out", id_hash))
        response.del_cookie(SESSION_COOKIE, path="/")
        response.del_cookie(CSRF_COOKIE, path="/")
    return response


@routes.get("/api/auth/me")
@require(*ALL_ROLES)
async def me(request: web.Request) -> web.Response:
    return web.json_response(me_json(principal_of(request)))


OPENAPI: dict[str, Any] = {
    "paths": {
        LOGIN_PATH: {"post": {
            "summary": "Log in a person; sets the session cookie and returns the CSRF token",
            "tags": ["auth"],
            "requestBody": json_body(ref("LoginRequest")),
            "responses": {
                "200": json_response("Logged in; cookies cc_session and cc_csrf are set",
                                     ref("LoginResult")),
                "401": json_response("Wrong username or password (`login-failed`)",
                                     ref("Error")),
                "429": error("TooManyAttempts"),
            },
        }},
        "/api/auth/logout": {"post": {
            "summary": "End this session",
            "tags": ["auth"],
            "responses": {"204": {"description": "Logged out; cookies cleared"}},
        }},
        "/api/auth/me": {"get": {
            "summary": "Who the request is authenticated as",
            "tags": ["auth"],
            "responses": {"200": json_response("The principal", ref("Me"))},
        }},
    },
    "schemas": {
        "Role": ROLE_SCHEMA,
        "LoginRequest": {
            "type": "object",
            "required": ["username", "password"],
            "properties": {
                "username": {"type": "string", "pattern": USERNAME_PATTERN},
                "password": {"type": "string", "minLength": 1, "maxLength": 256},
            },
        },
        "Me": {
            "type": "object",
            "required": ["account_id", "username", "role", "agent_id", "via"],
            "properties": {
                "account_id": {"type": "integer"},
                "username": {"type": "string"},
                "role": ref("Role"),
                "agent_id": {"type": ["string", "null"]},
                "via": {"enum": ["session", "token"]},
            },
        },
        "LoginResult": {
            "type": "object",
            "required": ["account", "csrf_token", "expires_at"],
            "properties": {
                "account": ref("Me"),
                "csrf_token": {"type": "string", "description": "send as X-CSRF-Token"},
                "expires_at": {"type": "string", "format": "date-time"},
            },
        },
    },
}
