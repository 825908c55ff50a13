"""The real bench PBX for the AMI adapter's end-to-end tests.

Started only if it is not already running (someone else may be using it), and then stopped
again at the end; a PBX left frozen by a failed SIGSTOP test is thawed first.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from callcenter.devtools.pbx import bench
from callcenter.settings import AmiSettings


@pytest.fixture(scope="session")
def pbx() -> Iterator[str]:
    status = bench.status()
    if status.startswith("frozen"):
        bench.kill(signal.SIGCONT)
        status = bench.status()
    started_here = status == "stopped"
    version = bench.up() if started_here else status.partition(": ")[2]
    yield version
    if started_here:
        bench.down()


@pytest.fixture
def ami_settings(pbx: str) -> AmiSettings:
    """The bench AMI account, with timers short enough for fault tests to run in seconds."""
    return AmiSettings(
        host=bench.AMI_HOST,
        port=bench.AMI_PORT,
        user=bench.AMI_USER,
        secret=bench.AMI_SECRET,
        action_timeout_s=3.0,
        ping_interval_s=0.5,
        ping_timeout_s=1.0,
        reconnect_min_s=0.2,
        reconnect_max_s=1.0,
    )
