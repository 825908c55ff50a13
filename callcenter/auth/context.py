"""Wiring of the account, login, token and credential services for the app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiohttp import web

from callcenter.auth.accounts import AccountService
from callcenter.auth.credentials import CredentialStore
from callcenter.auth.login import LoginService
from callcenter.auth.revocation import Revocations
from callcenter.auth.tokens import TokenService
from callcenter.hub.base import Hub
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE, HUB


@dataclass(frozen=True, slots=True)
class Auth:
    accounts: AccountService
    credentials: CredentialStore
    logins: LoginService
    tokens: TokenService
    revocations: Revocations


AUTH = web.AppKey[Auth]("auth")


def build_auth(db: Database, hub: Hub | None = None) -> Auth:
    """The services; `hub` carries revocations to the other service instances."""
    credentials = CredentialStore(db)
    revocations = Revocations(credentials, hub)
    return Auth(
        accounts=AccountService(db, on_change=credentials.forget_all,
                                on_revoke=revocations.revoke),
        credentials=credentials,
        logins=LoginService(db),
        tokens=TokenService(db, credentials),
        revocations=revocations,
    )


async def auth_context(app: web.Application) -> AsyncIterator[None]:
    """A `cleanup_ctx` entry, after the database's and the hub's: while the app runs it
    hears the revocations other instances publish."""
    auth = build_auth(app[DATABASE], app[HUB])
    app[AUTH] = auth
    async with auth.revocations.listening():
        yield
