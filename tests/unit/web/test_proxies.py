"""Forwarded headers count only from the trusted proxies (CALLCENTER_TRUSTED_PROXIES)."""

from __future__ import annotations

from unittest.mock import Mock

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from callcenter.web.proxies import TrustedProxies

pytestmark = pytest.mark.unit

PROXY = TrustedProxies.parse(("10.0.0.0/24",))


def _request(peer: str, **headers: str) -> web.Request:
    transport = Mock()
    transport.get_extra_info.side_effect = lambda name, default=None: (
        (peer, 40000) if name == "peername" else default)
    return make_mocked_request("POST", "/api/auth/login", headers=headers,
                               transport=transport)


def test_forwarded_https_counts_from_a_trusted_proxy_only() -> None:
    assert PROXY.https(_request("10.0.0.7", **{"X-Forwarded-Proto": "https"}))
    assert not PROXY.https(_request("192.0.2.9", **{"X-Forwarded-Proto": "https"}))
    assert not PROXY.https(_request("10.0.0.7", **{"X-Forwarded-Proto": "http"}))
    assert not TrustedProxies().https(_request("10.0.0.7", **{"X-Forwarded-Proto": "https"}))


def test_the_last_forwarded_scheme_is_the_nearest_proxys() -> None:
    assert not PROXY.https(_request("10.0.0.7", **{"X-Forwarded-Proto": "https, http"}))


def test_the_client_address_is_the_nearest_untrusted_forwarded_hop() -> None:
    forged_then_real = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5, 10.0.0.8"}
    assert PROXY.client_address(_request("10.0.0.7", **forged_then_real)) == "203.0.113.5"
    assert PROXY.client_address(_request("192.0.2.9", **forged_then_real)) == "192.0.2.9"
    assert PROXY.client_address(_request("10.0.0.7")) == "10.0.0.7"
