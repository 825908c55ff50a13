import pytest

from callcenter.auth.cache import TtlCache

pytestmark = pytest.mark.unit


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_entries_expire_after_the_ttl() -> None:
    clock = Clock()
    cache: TtlCache[str] = TtlCache(ttl_s=10, max_entries=10, clock=clock)
    cache.put("k", "v")
    clock.now = 9.9
    assert cache.get("k") == "v"
    clock.now = 10.0
    assert cache.get("k") is None
    assert len(cache) == 0


def test_the_oldest_entry_goes_when_full_and_clear_empties() -> None:
    cache: TtlCache[int] = TtlCache(ttl_s=10, max_entries=2, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (None, 2, 3)
    cache.discard("b")
    assert cache.get("b") is None
    cache.clear()
    assert len(cache) == 0
