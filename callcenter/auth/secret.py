"""Random secrets (session ids, CSRF and API tokens) and the digests stored in their place.

The secrets are 32 random bytes, so a plain SHA-256 digest is enough to store them: unlike
passwords there is nothing to guess, and a fast digest keeps the per-request check cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_PREFIX = "cc_"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """A token that says what it is when it turns up in a log or a config file."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def matches(secret: str, expected_digest: str) -> bool:
    """Constant-time comparison, so response times do not leak how much of a guess was right."""
    return hmac.compare_digest(digest(secret), expected_digest)
