"""The CSRF rule for pages logged in with a cookie.

A browser sends the session cookie with any request to the service, including one forged by
another site; it will not let that site read our CSRF cookie, so a request that repeats the
token in `X-CSRF-Token` comes from our own pages. Bearer tokens are never sent by a browser on
its own, so they need no such proof; safe methods change nothing, so they need none either.
"""

from __future__ import annotations

from callcenter.auth.secret import matches
from callcenter.errors import CallcenterError

HEADER = "X-CSRF-Token"
COOKIE = "cc_csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(CallcenterError):
    status = 403
    error_id = "csrf-failed"


def csrf_required(method: str, via: str) -> bool:
    return via == "session" and method.upper() not in SAFE_METHODS


def check_csrf(method: str, via: str, header: str | None, expected_digest: str) -> None:
    """Raise `CsrfFailed` unless the request is exempt or carries the session's token."""
    if not csrf_required(method, via):
        return
    if not header:
        raise CsrfFailed(f"{method} with a session cookie needs the {HEADER} header")
    if not matches(header, expected_digest):
        raise CsrfFailed(f"the {HEADER} header does not match this session")
