"""Ending access at once when it is taken away (R27, R28).

Sessions are refused as soon as an account is deactivated, but a websocket is authenticated
once, when it opens: without this module a deactivated agent's open desk kept receiving
screen-pops with caller data. Every open websocket registers here under its account and
session; deactivating the account, changing its role, password or agent link, or ending the
session (logout) closes the matching sockets with a code the page explains
(`callcenter.web.ws_close`).

With Redis configured the revocation is also published on the hub's `access` channel, so
every other service instance closes its sockets and forgets its cached credentials too;
this instance applies it before publishing, so a hub that is down delays nothing here.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from typing import Any

from callcenter.auth.credentials import CredentialStore
from callcenter.hub.base import Hub, HubUnavailable, Subscription
from callcenter.web import ws_close

log = logging.getLogger(__name__)

CHANNEL = "access"
RESUBSCRIBE_S = 2.0

REASONS: dict[str, int] = {
    "logged-out": ws_close.SESSION_ENDED,
    "password-changed": ws_close.SESSION_ENDED,
    "deactivated": ws_close.ACCESS_WITHDRAWN,
    "role-changed": ws_close.ACCESS_WITHDRAWN,
    "agent-changed": ws_close.ACCESS_WITHDRAWN,
}
"""Why access ended, as the close reason the page reads, and its close code."""

Closer = Callable[[int, str], None]


@dataclass(frozen=True, slots=True)
class Revocation:
    """An account's access ended; only one session's (`session_hash`) when it logged out."""

    account_id: int
    reason: str
    session_hash: str | None = None

    @property
    def close_code(self) -> int:
        return REASONS[self.reason]


@dataclass(frozen=True, slots=True)
class _Socket:
    account_id: int
    session_hash: str
    close: Closer


class LiveSockets:
    """The open websockets of this instance, by account."""

    def __init__(self) -> None:
        self._open: dict[int, _Socket] = {}
        self._ids = itertools.count(1)

    def register(self, account_id: int, session_hash: str, close: Closer) -> int:
        """Remember an open socket; `close(code, reason)` ends it. Returns its handle."""
        handle = next(self._ids)
        self._open[handle] = _Socket(account_id, session_hash, close)
        return handle

    def unregister(self, handle: int) -> None:
        self._open.pop(handle, None)

    def end(self, revocation: Revocation) -> int:
        """Close every socket the revocation covers; returns how many were closed."""
        ended = [h for h, s in self._open.items() if s.account_id == revocation.account_id
                 and revocation.session_hash in (None, s.session_hash)]
        for handle in ended:
            self._open.pop(handle).close(revocation.close_code, revocation.reason)
        return len(ended)

    def __len__(self) -> int:
        return len(self._open)


class Revocations:
    def __init__(self, credentials: CredentialStore, hub: Hub | None = None) -> None:
        self.sockets = LiveSockets()
        self._credentials = credentials
        self._hub = hub
        self._origin = uuid.uuid4().hex

    async def revoke(self, revocation: Revocation) -> None:
        """Apply here at once, then tell the other instances (when there is a hub)."""
        self.apply(revocation)
        if self._hub is None:
            return
        try:
            await self._hub.publish(CHANNEL, {**asdict(revocation), "origin": self._origin})
        except HubUnavailable as exc:
            log.warning("access of account %d ended here only, other instances not told: %s",
                        revocation.account_id, exc)

    def apply(self, revocation: Revocation) -> None:
        if revocation.session_hash is None:
            self._credentials.forget_all()
        else:
            self._credentials.forget_session(revocation.session_hash)
        closed = self.sockets.end(revocation)
        if closed:
            log.info("account %d: %s, %d websocket(s) closed", revocation.account_id,
                     revocation.reason, closed)

    @contextlib.asynccontextmanager
    async def listening(self) -> AsyncIterator[None]:
        """While inside, revocations published by other instances are applied here; a hub
        that fails is subscribed to again until it answers."""
        if self._hub is None:
            yield
            return
        first: Subscription | None = None
        with contextlib.suppress(HubUnavailable):  # the task retries
            first = await self._hub.subscribe(CHANNEL)
        task = asyncio.create_task(self._listen(self._hub, first), name="access-revocations")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _listen(self, hub: Hub, subscription: Subscription | None) -> None:
        while True:
            try:
                if subscription is None:
                    subscription = await hub.subscribe(CHANNEL)
                async for message in subscription:
                    revocation = _parse(message)
                    if revocation is not None and message.get("origin") != self._origin:
                        self.apply(revocation)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis gone: other instances' revocations wait for it
                log.warning("not hearing other instances' revocations: %s", exc)
                await asyncio.sleep(RESUBSCRIBE_S)
            finally:
                if subscription is not None:
                    with contextlib.suppress(Exception):
                        await subscription.close()
                    subscription = None


def _parse(message: dict[str, Any]) -> Revocation | None:
    try:
        revocation = Revocation(int(message["account_id"]), str(message["reason"]),
                                message.get("session_hash"))
    except (KeyError, TypeError, ValueError):
        log.warning("ignoring a malformed access message: %r", message)
        return None
    if revocation.reason not in REASONS:
        log.warning("ignoring an access message with an unknown reason: %r", message)
        return None
    return revocation


__all__ = ["CHANNEL", "REASONS", "LiveSockets", "Revocation", "Revocations"]
