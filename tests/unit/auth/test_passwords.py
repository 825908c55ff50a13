import pytest

from callcenter.auth.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
    verify_password_sync,
)

pytestmark = pytest.mark.unit


async def test_a_hash_verifies_its_password_only() -> None:
    stored = await hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert await verify_password(stored, "correct horse battery")
    assert not await verify_password(stored, "correct horse batterY")


async def test_the_same_password_hashes_differently_each_time() -> None:
    assert await hash_password("same password") != await hash_password("same password")


async def test_an_unknown_user_is_checked_against_a_dummy_and_refused() -> None:
    assert not await verify_password(None, "anything at all")


def test_a_corrupt_stored_hash_is_a_mismatch_not_a_crash() -> None:
    assert not verify_password_sync("not-a-hash", "whatever")
    assert needs_rehash("not-a-hash")


async def test_a_hash_made_with_weaker_parameters_is_flagged_for_rehash() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("pw")
    assert needs_rehash(weak)
    assert await verify_password(weak, "pw")
    assert not needs_rehash(await hash_password("pw"))
