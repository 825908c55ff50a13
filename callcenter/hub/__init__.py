"""Realtime fan-out of live changes to pages: Redis pub/sub, or in-process without Redis."""

from callcenter.hub.base import Hub, HubUnavailable, Subscription
from callcenter.hub.memory import MemoryHub
from callcenter.hub.redis_hub import RedisHub

__all__ = ["Hub", "HubUnavailable", "MemoryHub", "RedisHub", "Subscription"]
