"""Admin endpoints: /api/accounts (R28) and /api/tokens for integrations."""

from __future__ import annotations

from dataclasses import asdict

from aiohttp import web

from callcenter.auth.context import AUTH
from callcenter.auth.roles import Role, principal_of
from callcenter.auth.schemas import (
    Account,
    AccountChange,
    AccountIn,
    AccountList,
    ApiToken,
    ApiTokenList,
    NewApiTokenResult,
    TokenIn,
)
from callcenter.web.api import Api, IdPath

API = Api("accounts")
routes = API.routes

ADMIN = (Role.ADMIN,)
TOKENS = ("tokens",)


@API.get("/api/accounts", summary="All accounts", roles=ADMIN, response=AccountList)
async def list_accounts(request: web.Request) -> AccountList:
    rows = await request.app[AUTH].accounts.list()
    return AccountList(accounts=[Account.model_validate(row) for row in rows])


@API.post("/api/accounts", summary="Create an account", roles=ADMIN, body=AccountIn,
          response=Account, errors=(409,))
async def create_account(request: web.Request, body: AccountIn) -> Account:
    row = await request.app[AUTH].accounts.create(body.spec(), principal_of(request))
    return Account.model_validate(row)


@API.get("/api/accounts/{id}", summary="One account", roles=ADMIN, path_params=IdPath,
         response=Account, errors=(404,))
async def get_account(request: web.Request, path: IdPath) -> Account:
    return Account.model_validate(await request.app[AUTH].accounts.get(path.id))


@API.put("/api/accounts/{id}", summary="Change an account: only the fields given change",
         description="Deactivating it or changing its password ends its sessions; the last "
                     "active admin cannot be demoted.",
         roles=ADMIN, path_params=IdPath, body=AccountChange, response=Account,
         errors=(404, 409))
async def update_account(request: web.Request, path: IdPath, body: AccountChange) -> Account:
    row = await request.app[AUTH].accounts.update(path.id, body, principal_of(request))
    return Account.model_validate(row)


@API.get("/api/tokens", summary="All API tokens (never their secret)", roles=ADMIN,
         tags=TOKENS, response=ApiTokenList)
async def list_tokens(request: web.Request) -> ApiTokenList:
    tokens = await request.app[AUTH].tokens.list()
    return ApiTokenList(tokens=[ApiToken.model_validate(info) for info in tokens])


@API.post("/api/tokens", summary="Make a token for an account; its secret is shown only here",
          roles=ADMIN, tags=TOKENS, body=TokenIn, response=NewApiTokenResult, errors=(409,))
async def create_token(request: web.Request, body: TokenIn) -> NewApiTokenResult:
    info, secret = await request.app[AUTH].tokens.create(body.spec(), principal_of(request))
    return NewApiTokenResult(**asdict(info), token=secret)


@API.delete("/api/tokens/{id}", summary="Revoke a token", roles=ADMIN, tags=TOKENS,
            path_params=IdPath, response=ApiToken, errors=(404,))
async def revoke_token(request: web.Request, path: IdPath) -> ApiToken:
    info = await request.app[AUTH].tokens.revoke(path.id, principal_of(request))
    return ApiToken.model_validate(info)
