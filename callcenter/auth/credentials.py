"""Turning a session cookie or a bearer token into the `Principal` behind a request.

Both are looked up by digest together with their account, so an inactive account or an
expired session resolves to nobody, and the role is always the account's current one. A short
cache keeps this off the database for most requests (see `cache.py`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from callcenter.auth.cache import TtlCache
from callcenter.auth.models import AccountRow, ApiTokenRow, SessionRow
from callcenter.auth.principal import Principal, Role
from callcenter.auth.secret import digest
from callcenter.clock import utcnow
from callcenter.storage.database import Database

CACHE_TTL_S = 10.0
CACHE_ENTRIES = 20_000
FAR_FUTURE = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)

Now = Callable[[], datetime]
Loader = Callable[[str, datetime], Awaitable["Resolved | None"]]


@dataclass(frozen=True, slots=True)
class Resolved:
    principal: Principal
    csrf_digest: str = ""  # sessions only: what X-CSRF-Token must hash to
    expires_at: datetime = FAR_FUTURE


def principal_for(account: AccountRow, via: str) -> Principal:
    return Principal(account_id=account.id, username=account.username, role=Role(account.role),
                     agent_id=account.agent_id, via=via)


class CredentialStore:
    def __init__(self, db: Database, *, now: Now = utcnow,
                 cache: TtlCache[Resolved] | None = None) -> None:
        self._db = db
        self._now = now
        self._cache = cache or TtlCache(ttl_s=CACHE_TTL_S, max_entries=CACHE_ENTRIES)

    async def session(self, secret: str) -> Resolved | None:
        return await self._resolve("session:", digest(secret), self._load_session)

    async def token(self, secret: str) -> Resolved | None:
        return await self._resolve("token:", digest(secret), self._load_token)

    def forget_session(self, id_hash: str) -> None:
        self._cache.discard("session:" + id_hash)

    def forget_token(self, token_hash: str) -> None:
        self._cache.discard("token:" + token_hash)

    def forget_all(self) -> None:
        """After any account change: roles, links and active flags are read afresh."""
        self._cache.clear()

    async def _resolve(self, kind: str, key: str,
                       load: Loader) -> Resolved | None:
        now = self._now()
        cached = self._cache.get(kind + key)
        if cached is not None and cached.expires_at > now:
            return cached
        found = await load(key, now)
        if found is not None:
            self._cache.put(kind + key, found)
        return found

    async def _load_session(self, id_hash: str, now: datetime) -> Resolved | None:
        statement = (
            select(SessionRow.csrf_hash, SessionRow.expires_at, AccountRow)
            .join(AccountRow, AccountRow.id == SessionRow.account_id)
            .where(SessionRow.id_hash == id_hash, SessionRow.expires_at > now,
                   AccountRow.active.is_(True))
        )
        async with self._db.sessions() as session:
            row = (await session.execute(statement)).first()
        if row is None:
            return None
        csrf_hash, expires_at, account = row
        return Resolved(principal_for(account, "session"), csrf_hash, expires_at)

    async def _load_token(self, token_hash: str, now: datetime) -> Resolved | None:
        statement = (
            select(AccountRow)
            .join(ApiTokenRow, ApiTokenRow.account_id == AccountRow.id)
            .where(ApiTokenRow.token_hash == token_hash, ApiTokenRow.revoked_at.is_(None),
                   AccountRow.active.is_(True))
        )
        async with self._db.sessions() as session:
            account = await session.scalar(statement)
        return None if account is None else Resolved(principal_for(account, "token"))
