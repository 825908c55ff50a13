"""In-process hub for a single service instance with no Redis configured."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from callcenter.hub.base import Message

log = logging.getLogger(__name__)


class MemorySubscription:
    """A bounded queue per subscriber: a reader that stops reading loses its own messages
    (and is told so by `dropped`), never the publisher's time or the service's memory."""

    def __init__(self, hub: MemoryHub, channels: tuple[str, ...], maxsize: int) -> None:
        self._hub = hub
        self.channels = channels
        self._queue: asyncio.Queue[Message] = asyncio.Queue(maxsize)
        self.dropped = 0
        self.closed = False

    def offer(self, message: Message) -> None:
        try:
            self._queue.put_nowait(message)
        except asyncio.QueueFull:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % 1000 == 0:
                log.warning("hub subscriber on %s is not reading; dropped %d",
                            self.channels, self.dropped)

    async def get(self, timeout_s: float | None = None) -> Message | None:
        try:
            return await asyncio.wait_for(self._queue.get(), timeout_s)
        except TimeoutError:
            return None

    async def __aiter__(self) -> AsyncIterator[Message]:
        while not self.closed:
            yield await self._queue.get()

    async def close(self) -> None:
        self.closed = True
        self._hub.unsubscribe(self)


class MemoryHub:
    backend = "in-process"

    def __init__(self, subscriber_queue: int = 1000) -> None:
        self._subscribers: dict[str, set[MemorySubscription]] = defaultdict(set)
        self._queue_size = subscriber_queue

    async def publish(self, channel: str, message: Message) -> None:
        for subscription in tuple(self._subscribers.get(channel, ())):
            subscription.offer(message)

    async def subscribe(self, *channels: str) -> MemorySubscription:
        subscription = MemorySubscription(self, channels, self._queue_size)
        for channel in channels:
            self._subscribers[channel].add(subscription)
        return subscription

    def unsubscribe(self, subscription: MemorySubscription) -> None:
        for channel in subscription.channels:
            self._subscribers[channel].discard(subscription)
            if not self._subscribers[channel]:
                del self._subscribers[channel]

    async def ping(self) -> dict[str, Any]:
        return {"ok": True, "backend": self.backend}

    async def close(self) -> None:
        self._subscribers.clear()
