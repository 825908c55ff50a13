"""Per-agent feeds: a snapshot, then numbered deltas, to every page the agent has open.

Each frame is numbered in its agent's sequence and encoded once, whatever the number of
pages; a page that sees a gap in the numbers knows it missed something and reconnects for
a fresh snapshot. Handing a frame to a client never waits: each client has a bounded queue,
and a client whose queue is full is marked for dropping — its own task group closes it —
so one slow browser costs that browser its connection, never the service its event loop
(wazo-websocketd's unbounded queue is the trap avoided here).

Attaching a client builds its snapshot and registers it in the same synchronous step, so no
delta can fall between the snapshot and the first frame after it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.web import ws_close

log = logging.getLogger(__name__)


class Client:
    """One open page: its outgoing frames, and whether and why it is to be closed
    (`close_code`, one of `callcenter.web.ws_close`)."""

    def __init__(self, agent_id: str, principal: Principal, limit: int) -> None:
        self.agent_id = agent_id
        self.principal = principal
        self.frames: asyncio.Queue[str] = asyncio.Queue(maxsize=limit)
        self.dropped = asyncio.Event()
        self.drop_reason = ""
        self.close_code = ws_close.GOING_AWAY

    def offer(self, data: str) -> bool:
        """Queue one encoded frame; a full queue drops the client (False)."""
        if self.dropped.is_set():
            return False
        try:
            self.frames.put_nowait(data)
        except asyncio.QueueFull:
            self.drop("too slow: outgoing queue full", ws_close.TOO_SLOW)
            return False
        return True

    def drop(self, reason: str, code: int = ws_close.GOING_AWAY) -> None:
        """Mark the client for closing with `code`; from now on it is offered nothing."""
        if not self.dropped.is_set():
            self.drop_reason = reason
            self.close_code = code
            self.dropped.set()


@dataclass(slots=True)
class _Feed:
    seq: int = 0
    clients: set[Client] = field(default_factory=set)


class Feeds:
    """Every agent's feed; synchronous, so the AMI event path can publish directly."""

    def __init__(self, client_queue: int = 256) -> None:
        self._limit = client_queue
        self._feeds: dict[str, _Feed] = {}
        self.dropped_clients = 0

    def attach(self, agent_id: str, principal: Principal,
               snapshot: Callable[[], dict[str, Any]]) -> Client:
        """A new client, whose first frame is the snapshot numbered with the current seq."""
        feed = self._feeds.setdefault(agent_id, _Feed())
        client = Client(agent_id, principal, self._limit)
        client.offer(_encode({**snapshot(), "type": "snapshot", "seq": feed.seq}))
        feed.clients.add(client)
        return client

    def detach(self, client: Client) -> None:
        feed = self._feeds.get(client.agent_id)
        if feed is not None:
            feed.clients.discard(client)

    def clients(self, agent_id: str) -> list[Client]:
        feed = self._feeds.get(agent_id)
        return [c for c in feed.clients if not c.dropped.is_set()] if feed else []

    def connected(self, agent_id: str) -> bool:
        return bool(self.clients(agent_id))

    def publish(self, agent_id: str, frame: dict[str, Any]) -> list[Client]:
        """Number `frame` in the agent's sequence and offer it; returns who got it."""
        feed = self._feeds.setdefault(agent_id, _Feed())
        feed.seq += 1
        if not feed.clients:
            return []
        data = _encode({**frame, "seq": feed.seq})
        reached = []
        for client in list(feed.clients):
            if client.offer(data):
                reached.append(client)
            else:
                self.dropped_clients += 1
                feed.clients.discard(client)
                log.warning("agent %s: websocket client dropped (%s)", agent_id,
                            client.drop_reason)
        return reached

    def close_all(self, reason: str) -> None:
        for feed in self._feeds.values():
            for client in feed.clients:
                client.drop(reason)
            feed.clients.clear()


def _encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"), default=str)


__all__ = ["Client", "Feeds"]
