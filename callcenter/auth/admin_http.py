"""Admin endpoints: /api/accounts (R28) and /api/tokens for integrations."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from callcenter.auth.accounts import account_json
from callcenter.auth.context import AUTH
from callcenter.auth.http import ROLE_SCHEMA
from callcenter.auth.roles import Role, principal_of, require
from callcenter.auth.schemas import (
    USERNAME_PATTERN,
    parse_account_change,
    parse_new_account,
    parse_new_token,
)
from callcenter.web.inputs import path_id
from callcenter.web.middleware import read_json
from callcenter.web.openapi import ID_SCHEMA, error, json_body, json_response, path_param, ref

routes = web.RouteTableDef()


@routes.get("/api/accounts")
@require(Role.ADMIN)
async def list_accounts(request: web.Request) -> web.Response:
    rows = await request.app[AUTH].accounts.list()
    return web.json_response({"accounts": [account_json(r) for r in rows]})


@routes.post("/api/accounts")
@require(Role.ADMIN)
async def create_account(request: web.Request) -> web.Response:
    spec = parse_new_account(await read_json(request))
    row = await request.app[AUTH].accounts.create(spec, principal_of(request))
    return web.json_response(account_json(row), status=201)


@routes.get("/api/accounts/{id}")
@require(Role.ADMIN)
async def get_account(request: web.Request) -> web.Response:
    return web.json_response(account_json(await request.app[AUTH].accounts.get(
        path_id(request))))


@routes.put("/api/accounts/{id}")
@require(Role.ADMIN)
async def update_account(request: web.Request) -> web.Response:
    account_id = path_id(request)
    change = parse_account_change(await read_json(request))
    row = await request.app[AUTH].accounts.update(account_id, change, principal_of(request))
    return web.json_response(account_json(row))


@routes.get("/api/tokens")
@require(Role.ADMIN)
async def list_tokens(request: web.Request) -> web.Response:
    tokens = await request.app[AUTH].tokens.list()
    return web.json_response({"tokens": [t.as_json() for t in tokens]})


@routes.post("/api/tokens")
@require(Role.ADMIN)
async def create_token(request: web.Request) -> web.Response:
    spec = parse_new_token(await read_json(request))
    info, secret = await request.app[AUTH].tokens.create(spec, principal_of(request))
    return web.json_response({**info.as_json(), "token": secret}, status=201)


@routes.delete("/api/tokens/{id}")
@require(Role.ADMIN)
async def revoke_token(request: web.Request) -> web.Response:
    info = await request.app[AUTH].tokens.revoke(path_id(request), principal_of(request))
    return web.json_response(info.as_json())


_ID = path_param("id", ID_SCHEMA)
_ACCOUNT_FIELDS: dict[str, Any] = {
    "display_name": {"type": "string", "maxLength": 200},
    "role": ref("Role"),
    "password": {"type": "string", "minLength": 8, "maxLength": 256},
    "agent_id": {"type": ["string", "null"], "pattern": USERNAME_PATTERN,
                 "description": "the directory agent this person answers calls as"},
    "active": {"type": "boolean"},
}
_TOKEN_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "username": {"type": "string"},
    "name": {"type": "string"},
    "hint": {"type": "string", "description": "the token's first characters"},
    "created_at": {"type": "string", "format": "date-time"},
    "revoked_at": {"type": ["string", "null"], "format": "date-time"},
}

OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/accounts": {
            "get": {"summary": "All accounts", "tags": ["accounts"], "responses": {
                "200": json_response("Accounts", {
                    "type": "object", "required": ["accounts"],
                    "properties": {"accounts": {"type": "array", "items": ref("Account")}}})}},
            "post": {"summary": "Create an account", "tags": ["accounts"],
                     "requestBody": json_body(ref("NewAccount")),
                     "responses": {"201": json_response("Created", ref("Account")),
                                   "409": error("Conflict")}},
        },
        "/api/accounts/{id}": {
            "parameters": [_ID],
            "get": {"summary": "One account", "tags": ["accounts"], "responses": {
                "200": json_response("The account", ref("Account")),
                "404": error("NotFound")}},
            "put": {"summary": "Change an account: only the fields given change",
                    "description": "Deactivating it or changing its password ends its "
                                   "sessions; the last active admin cannot be demoted.",
                    "tags": ["accounts"],
                    "requestBody": json_body(ref("AccountChange")),
                    "responses": {"200": json_response("Changed", ref("Account")),
                                  "404": error("NotFound"), "409": error("Conflict")}},
        },
        "/api/tokens": {
            "get": {"summary": "All API tokens (never their secret)", "tags": ["tokens"],
                    "responses": {"200": json_response("Tokens", {
                        "type": "object", "required": ["tokens"],
                        "properties": {"tokens": {"type": "array",
                                                  "items": ref("ApiToken")}}})}},
            "post": {"summary": "Make a token for an account; its secret is shown only here",
                     "tags": ["tokens"], "requestBody": json_body(ref("NewApiToken")),
                     "responses": {"201": json_response("Created", ref("NewApiTokenResult")),
                                   "409": error("Conflict")}},
        },
        "/api/tokens/{id}": {
            "parameters": [_ID],
            "delete": {"summary": "Revoke a token", "tags": ["tokens"], "responses": {
                "200": json_response("Revoked", ref("ApiToken")), "404": error("NotFound")}},
        },
    },
    "schemas": {
        "Role": ROLE_SCHEMA,
        "Account": {
            "type": "object",
            "required": ["id", "username", "display_name", "role", "agent_id", "active",
                         "created_at", "updated_at"],
            "properties": {
                "id": {"type": "integer"},
                "username": {"type": "string"},
                "display_name": {"type": "string"},
                "role": ref("Role"),
                "agent_id": {"type": ["string", "null"]},
                "active": {"type": "boolean"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "NewAccount": {
            "type": "object",
            "required": ["username", "role", "password"],
            "properties": {"username": {"type": "string", "pattern": USERNAME_PATTERN},
                           **_ACCOUNT_FIELDS},
        },
        "AccountChange": {"type": "object", "properties": _ACCOUNT_FIELDS},
        "ApiToken": {"type": "object", "required": list(_TOKEN_FIELDS),
                     "properties": _TOKEN_FIELDS},
        "NewApiToken": {
            "type": "object",
            "required": ["username"],
            "properties": {"username": {"type": "string", "pattern": USERNAME_PATTERN},
                           "name": {"type": "string", "maxLength": 120}},
        },
        "NewApiTokenResult": {
            "type": "object", "required": [*_TOKEN_FIELDS, "token"],
            "properties": {**_TOKEN_FIELDS, "token": {"type": "string"}},
        },
    },
}
