"""Redis pub/sub hub: every service instance sees every message (scaling out)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from callcenter.hub.base import HubUnavailable, Message


class RedisSubscription:
    def __init__(self, pubsub: PubSub) -> None:
        self._pubsub = pubsub

    async def get(self, timeout_s: float | None = None) -> Message | None:
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            raw = await self._pubsub.get_message(
                ignore_subscribe_messages=True, timeout=remaining
            )
            if raw is not None and raw.get("type") == "message":
                decoded: Message = json.loads(raw["data"])
                return decoded
            if deadline is not None and time.monotonic() >= deadline:
                return None

    async def __aiter__(self) -> AsyncIterator[Message]:
        while True:
            message = await self.get(timeout_s=None)
            if message is not None:
                yield message

    async def close(self) -> None:
        await _close(self._pubsub)


class RedisHub:
    backend = "redis"

    def __init__(self, url: str, *, prefix: str = "callcenter:") -> None:
        self._redis: Redis = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=15
        )
        self._prefix = prefix

    async def publish(self, channel: str, message: Message) -> None:
        try:
            await self._redis.publish(self._prefix + channel, json.dumps(message, default=str))
        except (RedisError, OSError) as exc:
            raise HubUnavailable(f"Redis publish on {channel} failed: {exc}") from exc

    async def subscribe(self, *channels: str) -> RedisSubscription:
        pubsub = self._redis.pubsub()
        try:
            await pubsub.subscribe(*(self._prefix + c for c in channels))
        except (RedisError, OSError) as exc:
            await _close(pubsub)
            raise HubUnavailable(f"Redis subscribe failed: {exc}") from exc
        return RedisSubscription(pubsub)

    async def ping(self) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            await asyncio.wait_for(self._redis.ping(), 2.0)
        except (RedisError, OSError, TimeoutError) as exc:
            return {"ok": False, "backend": self.backend, "error": str(exc) or type(exc).__name__}
        return {
            "ok": True,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    async def close(self) -> None:
        await self._redis.aclose()


async def _close(pubsub: PubSub) -> None:
    """`PubSub.aclose` is untyped in some redis releases and typed in others: called through
    a typed name, the code type-checks with both."""
    close: Callable[[], Awaitable[None]] = pubsub.aclose
    await close()
