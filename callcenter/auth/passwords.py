"""Password hashing with argon2id, kept off the event loop.

argon2 is slow on purpose (tens of milliseconds and 64 MiB per hash) so that a stolen hash is
expensive to guess; run inline it would stall every call and websocket of the service while a
supervisor logs in, hence `asyncio.to_thread` around every hash and verify.
"""

from __future__ import annotations

import asyncio
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 8
MAX_LENGTH = 256  # longer inputs buy no security and cost hashing time

_HASHER = PasswordHasher()


def hash_password_sync(password: str) -> str:
    return _HASHER.hash(password)


def verify_password_sync(stored_hash: str, password: str) -> bool:
    """True when `password` matches; a corrupt stored hash counts as a mismatch, not a crash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's; re-hashed at login."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("not a real password, only spends the same time")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """Verify in a worker thread. With no stored hash (unknown user) a dummy hash is checked
    all the same, so the answer takes as long and does not reveal which usernames exist."""
    if stored_hash is None:
        await asyncio.to_thread(verify_password_sync, _dummy_hash(), password)
        return False
    return await asyncio.to_thread(verify_password_sync, stored_hash, password)
