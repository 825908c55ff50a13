"""Login throttling: growing delays per key, never a lock-out of the right password."""

import pytest

from callcenter.auth.ratelimit import AttemptThrottle, Backoff, TooManyAttempts

pytestmark = pytest.mark.unit

USER = Backoff(free=5, base_s=1.0, cap_s=30.0, window_s=900)
NAT = Backoff(free=20, base_s=0.5, cap_s=5.0, window_s=900)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _sequential_waits(throttle: AttemptThrottle, clock: Clock, count: int,
                      keys: list[tuple[str, Backoff]]) -> list[float]:
    """Failed attempts one after another, each sent the moment the last was answered."""
    waits = []
    for _ in range(count):
        attempt = throttle.begin(keys)
        waits.append(attempt.wait_s)
        clock.now = attempt.at  # answered when its turn came
    return waits


def test_the_delay_is_free_then_doubles_from_base_to_cap() -> None:
    assert [USER.delay(n) for n in range(1, 12)] == [0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]


def test_a_sequential_guesser_waits_longer_after_each_failure_up_to_the_cap() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    waits = _sequential_waits(throttle, clock, 12, [("user:li", USER)])
    assert waits == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 30, 30]


def test_parallel_guesses_get_successive_turns_not_one_together() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    burst = [throttle.begin([("user:li", USER)]) for _ in range(9)]
    assert [a.wait_s for a in burst] == [0, 0, 0, 0, 0, 1, 3, 7, 15]


def test_a_turn_beyond_the_longest_wait_is_refused_with_retry_after_and_not_counted() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock, max_wait_s=60)
    burst = [throttle.begin([("user:li", USER)]) for _ in range(10)]
    assert burst[-1].wait_s == 31  # 1 + 2 + 4 + 8 + 16
    with pytest.raises(TooManyAttempts) as refused:  # the next turn is 31 + 30 s away
        throttle.begin([("user:li", USER)])
    assert refused.value.retry_after_s == 61
    assert refused.value.status == 429
    assert throttle.failures("user:li") == 10


def test_the_owner_with_the_right_password_is_served_in_turn_and_clears_the_username() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    _sequential_waits(throttle, clock, 10, [("user:li", USER)])  # an attacker's guesses
    owner = throttle.begin([("user:li", USER)])
    assert 0 < owner.wait_s <= USER.cap_s
    throttle.withdraw(owner)  # the password was right
    throttle.forget("user:li")
    assert throttle.begin([("user:li", USER)]).wait_s == 0


def test_a_shift_logging_in_behind_one_nat_address_is_not_slowed_by_its_own_logins() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    for n in range(50):
        attempt = throttle.begin([(f"user:{n}", USER), ("addr:nat", NAT)])
        assert attempt.wait_s == 0
        throttle.withdraw(attempt)
    assert throttle.failures("addr:nat") == 0


def test_many_failures_from_one_address_slow_it_by_at_most_the_cap_never_lock_it() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    waits = [_sequential_waits(throttle, clock, 1, [(f"user:{n}", USER), ("addr:nat", NAT)])[0]
             for n in range(40)]
    assert waits[:20] == [0] * 20
    assert waits[20:24] == [0.5, 1, 2, 4]
    assert set(waits[24:]) == {5}
    colleague = throttle.begin([("user:wang", USER), ("addr:nat", NAT)])
    assert colleague.wait_s == 5  # slowed, not refused


def test_withdrawing_one_attempt_leaves_the_failures_beside_it() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    failures = [throttle.begin([("addr:a", USER)]) for _ in range(4)]
    success = throttle.begin([("addr:a", USER)])  # same instant as the failures
    throttle.withdraw(success)
    assert failures[0].at == success.at
    assert throttle.failures("addr:a") == 4


def test_failures_leave_the_window_and_the_key_is_free_again() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock)
    _sequential_waits(throttle, clock, 10, [("user:li", USER)])
    clock.now += 900
    assert throttle.begin([("user:li", USER)]).wait_s == 0


def test_the_number_of_keys_is_bounded() -> None:
    clock = Clock()
    throttle = AttemptThrottle(clock=clock, max_keys=100)
    for n in range(1000):
        throttle.begin([(f"user:{n}", USER)])
    assert len(throttle._failures) <= 100
