"""What a request says about itself once a trusted reverse proxy is in front of the service.

Behind a proxy every request comes from the proxy's address over plain HTTP, so the
`X-Forwarded-Proto` and `X-Forwarded-For` headers are the only account of the browser's
scheme and address. Anyone can send those headers, so they are believed only from the
addresses named by `CALLCENTER_TRUSTED_PROXIES`. The scheme decides whether the session
cookie is `Secure`; the address is what login throttling counts per address.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from aiohttp import web

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class TrustedProxies:
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, networks: tuple[str, ...]) -> TrustedProxies:
        """From the setting's normalised strings (`Settings.trusted_proxies`)."""
        return cls(tuple(ipaddress.ip_network(n, strict=False) for n in networks))

    def trusts(self, address: str | None) -> bool:
        if not address or not self.networks:
            return False
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def https(self, request: web.Request) -> bool:
        """The browser's request came over HTTPS: TLS to us, or a trusted proxy says so.

        Of a list of values the last counts: it is the one the nearest proxy added.
        """
        if request.secure:
            return True
        if not self.trusts(request.remote):
            return False
        forwarded = request.headers.get("X-Forwarded-Proto", "")
        return forwarded.rsplit(",", 1)[-1].strip().lower() == "https"

    def client_address(self, request: web.Request) -> str:
        """The browser's address: the peer, or, behind trusted proxies, the nearest
        `X-Forwarded-For` entry that is not itself a trusted proxy."""
        peer = request.remote or ""
        if not self.trusts(peer):
            return peer
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            if not self.trusts(hop):
                return hop
        return peer


TRUSTED_PROXIES = web.AppKey("trusted_proxies", TrustedProxies)

__all__ = ["TRUSTED_PROXIES", "TrustedProxies"]
