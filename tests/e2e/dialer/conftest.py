"""The dialer against the real bench PBX: its scripted customers, a free FastAGI port, and
settings that make a campaign last seconds (short rings, retries a few seconds apart) on any
day of the year, public holidays included."""

from __future__ import annotations

import socket

import pytest

from tests.e2e.dialer import customers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dialer_env(**extra: str) -> dict[str, str]:
    """Settings of a fast bench campaign (everything else is the production default)."""
    return {
        "CALLCENTER_DIALER_DIAL_STRING": "Local/{number}@bench-customers",
        "CALLCENTER_DIALER_WINDOWS": "00:00-24:00",
        "CALLCENTER_DIALER_CALL_ON_HOLIDAYS": "true",  # the campaign runs on any day
        "CALLCENTER_DIALER_RING_SECONDS": "4",
        "CALLCENTER_DIALER_MAX_ATTEMPTS": "2",
        "CALLCENTER_DIALER_RETRY_MIN_GAP": "3",
        "CALLCENTER_DIALER_RETRY_MAX_GAP": "3",
        "CALLCENTER_DIALER_ORIGINATES_PER_S": "10",
        "CALLCENTER_DIALER_TICK_SECONDS": "1",
        "CALLCENTER_DIALER_LEASE_SECONDS": "4",
        "CALLCENTER_DIALER_CALLER_ID": "Hotline <4000>",
        "CALLCENTER_IVR_ANSWER_TIMEOUT": "3",
        "CALLCENTER_FASTAGI_HOST": "127.0.0.1",
        "CALLCENTER_FASTAGI_PORT": str(free_port()),
        **extra,
    }


@pytest.fixture(scope="session")
def dialer_customers(bench_pbx: str) -> str:
    """The bench PBX with the dialer's scripted customers (added at run time if needed)."""
    customers.install()
    return bench_pbx
