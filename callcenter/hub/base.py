"""The hub contract both back-ends satisfy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

Message = dict[str, Any]


class HubUnavailable(RuntimeError):
    """The pub/sub back-end did not take a message; the caller's state is unchanged."""


class Subscription(Protocol):
    """Messages on one or more channels, in publish order, until closed."""

    def __aiter__(self) -> AsyncIterator[Message]: ...

    async def get(self, timeout_s: float | None = None) -> Message | None: ...

    async def close(self) -> None: ...


class Hub(Protocol):
    backend: str

    async def publish(self, channel: str, message: Message) -> None: ...

    async def subscribe(self, *channels: str) -> Subscription: ...

    async def ping(self) -> dict[str, Any]: ...

    async def close(self) -> None: ...
