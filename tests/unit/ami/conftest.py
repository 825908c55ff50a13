from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from callcenter.settings import AmiSettings
from tests.unit.ami.fake_ami_peer import FakeAmiPeer


@pytest.fixture
async def peer() -> AsyncIterator[FakeAmiPeer]:
    fake = FakeAmiPeer()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def ami_settings(peer: FakeAmiPeer) -> AmiSettings:
    """Short timers so that watchdog and back-off tests take a fraction of a second."""
    return AmiSettings(
        host="127.0.0.1",
        port=peer.port,
        action_timeout_s=0.5,
        ping_interval_s=0.1,
        ping_timeout_s=0.2,
        reconnect_min_s=0.05,
        reconnect_max_s=0.2,
    )
