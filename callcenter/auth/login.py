"""Logging in and out of pages (R28), rate-limited and audited (R27).

Failures get one answer whatever went wrong (unknown name, wrong password, inactive
account), take the same argon2 time, and are audited with the real reason for whoever
investigates. Failures for a username or from an address slow the next attempts on it
(`ratelimit`): the attempt waits its turn before any password is checked, and a right
password is then admitted, so an attacker is slowed without locking the owner or a whole
NAT address out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from callcenter.audit.log import record, record_as
from callcenter.auth.credentials import Now, principal_for
from callcenter.auth.models import AccountRow, SessionRow
from callcenter.auth.passwords import hash_password, needs_rehash, verify_password
from callcenter.auth.principal import Principal
from callcenter.auth.ratelimit import AttemptThrottle, Backoff, TooManyAttempts
from callcenter.auth.secret import digest, new_secret
from callcenter.clock import utcnow
from callcenter.errors import CallcenterError
from callcenter.storage.database import Database

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)  # one shift, with room to spare
# One username: 5 attempts at once, then 1 s doubling to 60 s between attempts: a guesser
# gets about 70 guesses in the first hour (60 an hour after), and the owner waits at most
# a minute for their turn.
USER_BACKOFF = Backoff(free=5, base_s=1.0, cap_s=60.0)
# Failures only, more of them free and a shorter cap: a whole call centre usually reaches us
# from one NAT address, and some of its people mistype. A guesser trying name after name
# from one address gets about 260 guesses an hour; the people behind it wait at most 15 s.
ADDRESS_BACKOFF = Backoff(free=20, base_s=0.5, cap_s=15.0)
Sleep = Callable[[float], Awaitable[None]]


class LoginFailed(CallcenterError):
    status = 401
    error_id = "login-failed"


@dataclass(frozen=True, slots=True)
class Login:
    principal: Principal
    session_secret: str
    csrf_token: str
    expires_at: datetime


class LoginService:
    def __init__(self, db: Database, *, throttle: AttemptThrottle | None = None,
                 now: Now = utcnow, sleep: Sleep = asyncio.sleep) -> None:
        self._db = db
        self._throttle = throttle or AttemptThrottle()
        self._now = now
        self._sleep = sleep

    async def login(self, username: str, password: str, address: str) -> Login:
        user_key = f"user:{username}"
        try:
            attempt = self._throttle.begin([(user_key, USER_BACKOFF),
                                            (f"addr:{address}", ADDRESS_BACKOFF)])
        except TooManyAttempts:
            log.warning("login refused, attempts queued too far ahead: user=%s address=%s",
                        username, address)
            raise
        try:
            if attempt.wait_s > 0:
                log.info("login slowed %.1f s after failures: user=%s address=%s",
                         attempt.wait_s, username, address)
                await self._sleep(attempt.wait_s)
            async with self._db.sessions() as session:
                account = await session.scalar(
                    select(AccountRow).where(AccountRow.username == username))
            matched = await verify_password(account.password_hash if account else None,
                                            password)
        except BaseException:
            self._throttle.withdraw(attempt)  # no answer reached: nothing was guessed
            raise
        if account is None or not matched or not account.active:
            reason = ("unknown-user" if account is None
                      else "bad-password" if not matched else "inactive")
            await self._audit_failure(username, account, address, reason)
            raise LoginFailed("wrong username or password")
        # Only failures count: a shift logging in from one NAT address uses none of the
        # address's allowance, and the owner's login clears the username's failures.
        self._throttle.withdraw(attempt)
        self._throttle.forget(user_key)
        return await self._open_session(account, password, address)

    async def logout(self, session_secret: str, who: Principal) -> str:
        """End the session; returns its digest so the caller can drop it from caches."""
        id_hash = digest(session_secret)
        async with self._db.transaction() as session:
            await session.execute(delete(SessionRow).where(SessionRow.id_hash == id_hash))
            record(session, who, "logout", "account", who.account_id)
        return id_hash

    async def _open_session(self, account: AccountRow, password: str, address: str) -> Login:
        rehashed = await hash_password(password) if needs_rehash(account.password_hash) else None
        secret, csrf = new_secret(), new_secret()
        now = self._now()
        expires_at = now + SESSION_LIFETIME
        principal = principal_for(account, "session")
        async with self._db.transaction() as session:
            await session.execute(delete(SessionRow).where(SessionRow.expires_at <= now))
            session.add(SessionRow(id_hash=digest(secret), account_id=account.id,
                                   csrf_hash=digest(csrf), address=address[:64],
                                   created_at=now, expires_at=expires_at))
            if rehashed is not None:
                stored = await session.get(AccountRow, account.id)
                if stored is not None:
                    stored.password_hash = rehashed
            record(session, principal, "login", "account", account.id,
                   {"outcome": "success", "address": address})
        return Login(principal, secret, csrf, expires_at)

    async def _audit_failure(self, username: str, account: AccountRow | None, address: str,
                             reason: str) -> None:
        async with self._db.transaction() as session:
            record_as(session, account_id=account.id if account else None,
                      username=username, role=account.role if account else "",
                      action="login", entity="account",
                      entity_id=account.id if account else username,
                      detail={"outcome": "failure", "reason": reason, "address": address})
