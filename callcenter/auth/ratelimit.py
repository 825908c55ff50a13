"""Login throttling: delays that grow with failures, per username and per address.

A hard lock-out after N failures turns the limiter into a weapon: five wrong guesses locked
a username even for its owner with the right password, and twenty from one address locked
out a whole call centre behind one NAT. Here nothing is locked; attempts are slowed. Each key
(a username, an address) allows some failures within a window freely; after that every
attempt on the key waits `base_s`, doubling with each further failure up to `cap_s`, after
the key's previous attempt. Waiting slots are handed out in arrival order, so parallel
guesses are spaced like sequential ones, and the owner's attempt is served in its turn and
admitted if its password is right.

Only failures count. An attempt counts as one from the moment it starts, so a burst of
parallel guesses cannot slip through while argon2 is busy with the first ones; an attempt
that turns out not to be a failure (the password was right, or no answer was reached) is
withdrawn from every key, so a shift logging in from one NAT address is not slowed by its
own logins. An attempt whose turn would come more than `max_wait_s` away is answered at once
with 429 and a Retry-After instead of holding the connection that long: that happens only
while someone keeps more than two minutes of guesses queued on the same key.

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
MAX_WAIT_S = 120.0


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
class Backoff:
    """The first `free` attempts within `window_s` are served at once; after `free` failures
    the next waits `base_s`, each further one twice the last, never more than `cap_s`."""

    free: int
    base_s: float
    cap_s: float
    window_s: float = 900.0

    def delay(self, failures: int) -> float:
        """The spacing after a key's `failures`-th failure in the window."""
        if failures < self.free:
            return 0.0
        return min(self.cap_s, self.base_s * 2.0 ** (failures - self.free))


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt: the keys it is counted against, its turn, and how long it waits for it."""

    keys: tuple[str, ...]
    at: float
    wait_s: float


class AttemptThrottle:
    def __init__(self, *, clock: Clock = time.monotonic, max_keys: int = 50_000,
                 max_wait_s: float = MAX_WAIT_S) -> None:
        self._clock = clock
        self._max_keys = max_keys
        self._max_wait_s = max_wait_s
        self._failures: dict[str, deque[float]] = {}  # turns of failed or pending attempts

    def begin(self, keys: Iterable[tuple[str, Backoff]]) -> Attempt:
        """The attempt's turn: now, or when every key's spacing has passed. It counts as a
        failure against every key until withdrawn; `TooManyAttempts` if the turn is more
        than `max_wait_s` away (then nothing is counted)."""
        now = self._clock()
        keyed = list(keys)
        turn = max([now, *(self._next(key, backoff, now) for key, backoff in keyed)])
        wait = turn - now
        if wait > self._max_wait_s:
            raise TooManyAttempts(max(1, math.ceil(wait)))
        for key, _ in keyed:
            self._failures.setdefault(key, deque()).append(turn)
        self._bound(now, max((b.window_s for _, b in keyed), default=0.0))
        return Attempt(tuple(key for key, _ in keyed), turn, wait)

    def withdraw(self, attempt: Attempt) -> None:
        """The attempt was not a failure: it no longer counts against any of its keys."""
        for key in attempt.keys:
            turns = self._failures.get(key)
            if turns is None:
                continue
            try:
                turns.remove(attempt.at)
            except ValueError:  # already out of the window
                continue
            if not turns:
                del self._failures[key]

    def forget(self, key: str) -> None:
        """Forget a key's failures (the username's, after its owner logged in)."""
        self._failures.pop(key, None)

    def failures(self, key: str) -> int:
        turns = self._failures.get(key)
        return len(turns) if turns else 0

    def _next(self, key: str, backoff: Backoff, now: float) -> float:
        """When the key's next attempt may be served: its last turn plus the spacing its
        failure count earns."""
        turns = self._failures.get(key)
        if turns is None:
            return now
        while turns and turns[0] <= now - backoff.window_s:
            turns.popleft()
        if not turns:
            del self._failures[key]
            return now
        return turns[-1] + backoff.delay(len(turns))

    def _bound(self, now: float, window_s: float) -> None:
        if len(self._failures) <= self._max_keys:
            return
        for key in [k for k, t in self._failures.items() if t[-1] <= now - window_s]:
            del self._failures[key]
        while len(self._failures) > self._max_keys:  # oldest-inserted keys go first
            del self._failures[next(iter(self._failures))]
