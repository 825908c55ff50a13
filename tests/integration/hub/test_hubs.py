import uuid
from collections.abc import AsyncIterator

import pytest

from callcenter.hub import Hub, MemoryHub, RedisHub
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.integration


@pytest.fixture(params=["in-process", "redis"])
async def hub_pair(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Hub, Hub]]:
    """Two hub handles: for Redis, two separate connections (as two service instances)."""
    if request.param == "in-process":
        hub = MemoryHub()
        yield hub, hub
        await hub.close()
        return
    publisher, subscriber = RedisHub(TEST_REDIS_URL), RedisHub(TEST_REDIS_URL)
    yield publisher, subscriber
    await publisher.close()
    await subscriber.close()


async def test_message_published_on_one_connection_is_received_on_another(
    hub_pair: tuple[Hub, Hub],
) -> None:
    publisher, subscriber = hub_pair
    channel = f"test-{uuid.uuid4().hex}"
    subscription = await subscriber.subscribe(channel)
    await publisher.publish(channel, {"kind": "pop", "agent": "1001", "n": 1})
    await publisher.publish(channel, {"kind": "pop", "agent": "1001", "n": 2})
    first = await subscription.get(timeout_s=3)
    second = await subscription.get(timeout_s=3)
    await subscription.close()
    assert first == {"kind": "pop", "agent": "1001", "n": 1}
    assert second == {"kind": "pop", "agent": "1001", "n": 2}


async def test_subscriber_of_another_channel_receives_nothing(hub_pair: tuple[Hub, Hub]) -> None:
    publisher, subscriber = hub_pair
    mine, other = f"a-{uuid.uuid4().hex}", f"b-{uuid.uuid4().hex}"
    subscription = await subscriber.subscribe(mine)
    await publisher.publish(other, {"kind": "pop"})
    assert await subscription.get(timeout_s=0.3) is None
    await subscription.close()


async def test_slow_in_process_subscriber_drops_its_own_messages_not_the_publisher() -> None:
    hub = MemoryHub(subscriber_queue=2)
    slow = await hub.subscribe("x")
    for n in range(5):
        await hub.publish("x", {"n": n})
    assert slow.dropped == 3
    assert await slow.get(0.1) == {"n": 0}


async def test_dead_redis_is_reported_by_ping() -> None:
    hub = RedisHub("redis://127.0.0.1:1/0")
    report = await hub.ping()
    await hub.close()
    assert report["ok"] is False
