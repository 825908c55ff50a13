"""Login rate limiting: a sliding window of failed attempts per key (username, address).

Only failures count. An attempt counts as one from the moment it starts, so a burst of
parallel guesses cannot slip past the limit while argon2 is still busy with the first ones;
an attempt that turns out not to be a failure (the password was right, or no answer was
reached) is withdrawn from every key it was counted against. So a whole shift logging in
from one NAT address uses none of that address's allowance, while guesses are still
limited per username and per address.

State is in memory (one instance is assumed); the number of keys is capped so a flood of
made-up usernames cannot grow it without limit.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from callcenter.errors import CallcenterError

Clock = Callable[[], float]


class TooManyAttempts(CallcenterError):
    status = 429
    error_id = "too-many-attempts"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(
            f"too many failed logins, try again in {retry_after_s} s",
            retry_after_s=retry_after_s,
        )
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class Limit:
    max_failures: int
    window_s: float


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt in progress: the keys it is counted against, and when it started."""

    keys: tuple[str, ...]
    at: float


class AttemptLimiter:
    def __init__(self, *, clock: Clock = time.monotonic, max_keys: int = 50_000) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._attempts: dict[str, deque[float]] = {}

    def begin(self, keys: Iterable[tuple[str, Limit]]) -> Attempt:
        """Refuse with `TooManyAttempts` if any key is over its limit, else count the attempt
        as a failure against every key until it is withdrawn."""
        now = self._clock()
        keyed = list(keys)
        waits = [self._wait(key, limit, now) for key, limit in keyed]
        longest = max(waits, default=0.0)
        if longest > 0:
            raise TooManyAttempts(max(1, math.ceil(longest)))
        for key, _ in keyed:
            self._attempts.setdefault(key, deque()).append(now)
        self._bound(now, max((limit.window_s for _, limit in keyed), default=0.0))
        return Attempt(tuple(key for key, _ in keyed), now)

    def withdraw(self, attempt: Attempt) -> None:
        """The attempt was not a failure: it no longer counts against any of its keys."""
        for key in attempt.keys:
            times = self._attempts.get(key)
            if times is None:
                continue
            try:
                times.remove(attempt.at)
            except ValueError:  # already out of the window
                continue
            if not times:
                del self._attempts[key]

    def forget(self, key: str) -> None:
        """Forget a key's failures (the username's, after its owner logged in)."""
        self._attempts.pop(key, None)

    def _wait(self, key: str, limit: Limit, now: float) -> float:
        times = self._attempts.get(key)
        if times is None:
            return 0.0
        while times and times[0] <= now - limit.window_s:
            times.popleft()
        if not times:
            del self._attempts[key]
            return 0.0
        if len(times) < limit.max_failures:
            return 0.0
        return times[-limit.max_failures] + limit.window_s - now

    def _bound(self, now: float, window_s: float) -> None:
        if len(self._attempts) <= self._max_keys:
            return
        for key in [k for k, t in self._attempts.items() if t[-1] <= now - window_s]:
            del self._attempts[key]
        while len(self._attempts) > self._max_keys:  # oldest-inserted keys go first
            del self._attempts[next(iter(self._attempts))]
