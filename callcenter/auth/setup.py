"""Wiring of the account, login, token and credential services for the app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from callcenter.auth.accounts import AccountService
from callcenter.auth.credentials import CredentialStore
from callcenter.auth.login import LoginService
from callcenter.auth.tokens import TokenService
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE


@dataclass(frozen=True, slots=True)
class Auth:
    accounts: AccountService
    credentials: CredentialStore
    logins: LoginService
    tokens: TokenService


AUTH = web.AppKey[Auth]("auth")


def build_auth(db: Database) -> Auth:
    credentials = CredentialStore(db)
    return Auth(
        accounts=AccountService(db, on_change=credentials.forget_all),
        credentials=credentials,
        logins=LoginService(db),
        tokens=TokenService(db, credentials),
    )


async def auth_context(app: web.Application) -> AsyncIterator[None]:
    """A `cleanup_ctx` entry, after the database's: the services hold no resources of their
    own, so there is nothing to tear down."""
    app[AUTH] = build_auth(app[DATABASE])
    yield
