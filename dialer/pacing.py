"""Caps on concurrent calls (global and per kind) and on originates per second.

The pacer is the dialer's only gate: a job is claimed only for a kind with a free line
(`free_kinds`), the line is taken at once (`take`, before any await, so nothing can slip in
between) and given back when the attempt is over (`give_back`). Originates are spaced at
least `1 / originates_per_s` apart, so any one-second window holds at most
ceil(originates_per_s) of them. The clock is injected so the tests need no sleeping.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping


class Pacer:
    """Per-instance caps: `max_calls` in all, `kind_caps[kind]` per kind, `per_second`."""

    def __init__(self, max_calls: int, kind_caps: Mapping[str, int], per_second: float, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if max_calls < 1 or per_second <= 0:
            raise ValueError("max_calls must be at least 1 and per_second above 0")
        self.max_calls = max_calls
        self.kind_caps = dict(kind_caps)
        self.interval = 1.0 / per_second
        self._clock = clock
        self._busy: Counter[str] = Counter()
        self._next_originate = float("-inf")
        self._turns = asyncio.Lock()

    @property
    def in_flight(self) -> int:
        return sum(self._busy.values())

    def busy(self, kind: str) -> int:
        return self._busy[kind]

    def free_kinds(self, kinds: Iterable[str]) -> list[str]:
        """The kinds a new call may be placed for right now (empty when all lines are busy)."""
        if self.in_flight >= self.max_calls:
            return []
        return [k for k in kinds if self._busy[k] < self.kind_caps.get(k, self.max_calls)]

    def take(self, kind: str) -> None:
        """Hold a line for `kind`; refuses to go over a cap (a bug, not a race)."""
        if kind not in self.free_kinds([kind]):
            raise RuntimeError(f"no free line for {kind}")
        self._busy[kind] += 1

    def occupy(self, kind: str) -> None:
        """Count a call that exists already (adopted after a restart), whatever the caps:
        it holds a line, so nothing new is placed until the counts are back under them."""
        self._busy[kind] += 1

    def give_back(self, kind: str) -> None:
        if self._busy[kind] > 0:
            self._busy[kind] -= 1

    def originate_delay(self) -> float:
        """Seconds to wait before the next originate may go; books that slot."""
        now = self._clock()
        slot = max(now, self._next_originate)
        self._next_originate = slot + self.interval
        return slot - now

    async def wait_turn(self) -> None:
        """Wait for this originate's slot (slots are handed out in call order)."""
        async with self._turns:
            delay = self.originate_delay()
        if delay > 0:
            await asyncio.sleep(delay)


__all__ = ["Pacer"]
