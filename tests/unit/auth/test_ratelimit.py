import pytest

from callcenter.auth.ratelimit import AttemptLimiter, Limit, TooManyAttempts

pytestmark = pytest.mark.unit

FIVE_IN_5_MIN = Limit(max_failures=5, window_s=300)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_sixth_attempt_in_the_window_is_refused_with_the_wait() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
        clock.now += 10
    with pytest.raises(TooManyAttempts) as refused:
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    # The first attempt was at 1000, now is 1050: it leaves the window at 1300.
    assert refused.value.retry_after_s == 250
    assert refused.value.status == 429
    assert refused.value.details == {"retry_after_s": 250}


def test_attempts_leave_the_window_and_the_key_is_usable_again() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    clock.now += 300
    limiter.begin([("user:li", FIVE_IN_5_MIN)])


def test_a_refused_attempt_does_not_extend_the_lock() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    for _ in range(10):
        clock.now += 20
        with pytest.raises(TooManyAttempts):
            limiter.begin([("user:li", FIVE_IN_5_MIN)])
    clock.now = 1300.0
    limiter.begin([("user:li", FIVE_IN_5_MIN)])


def test_forgetting_the_username_keeps_the_failures_of_the_address() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    per_address = Limit(max_failures=6, window_s=300)
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN), ("addr:10.0.0.1", per_address)])
    limiter.forget("user:li")
    limiter.begin([("user:li", FIVE_IN_5_MIN), ("addr:10.0.0.1", per_address)])
    with pytest.raises(TooManyAttempts):  # the address has had its six
        limiter.begin([("user:wang", FIVE_IN_5_MIN), ("addr:10.0.0.1", per_address)])


def test_withdrawn_attempts_never_use_the_allowance_of_the_address() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    per_address = Limit(max_failures=20, window_s=300)
    for n in range(30):  # a shift logging in behind one NAT address
        attempt = limiter.begin([(f"user:{n}", FIVE_IN_5_MIN), ("addr:nat", per_address)])
        limiter.withdraw(attempt)
        clock.now += 1
    for n in range(20):  # its allowance is intact for mistakes
        limiter.begin([(f"user:typo{n}", FIVE_IN_5_MIN), ("addr:nat", per_address)])
    with pytest.raises(TooManyAttempts):
        limiter.begin([("user:one-more", FIVE_IN_5_MIN), ("addr:nat", per_address)])


def test_withdrawing_one_attempt_leaves_the_failures_beside_it() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    failures = [limiter.begin([("addr:a", FIVE_IN_5_MIN)]) for _ in range(4)]
    success = limiter.begin([("addr:a", FIVE_IN_5_MIN)])  # same instant as the failures
    limiter.withdraw(success)
    assert failures[0].at == success.at
    limiter.begin([("addr:a", FIVE_IN_5_MIN)])
    with pytest.raises(TooManyAttempts):
        limiter.begin([("addr:a", FIVE_IN_5_MIN)])


def test_attempts_in_progress_count_until_withdrawn() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    burst = [limiter.begin([("user:li", FIVE_IN_5_MIN)]) for _ in range(5)]
    with pytest.raises(TooManyAttempts):  # parallel guesses, none answered yet
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    limiter.withdraw(burst[0])
    limiter.begin([("user:li", FIVE_IN_5_MIN)])


def test_withdrawing_an_attempt_already_out_of_the_window_changes_nothing() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    old = limiter.begin([("user:li", FIVE_IN_5_MIN)])
    clock.now += 301
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    limiter.withdraw(old)
    with pytest.raises(TooManyAttempts):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])


def test_any_key_over_its_limit_refuses_and_counts_nothing() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock)
    for _ in range(5):
        limiter.begin([("user:li", FIVE_IN_5_MIN)])
    with pytest.raises(TooManyAttempts):
        limiter.begin([("user:li", FIVE_IN_5_MIN), ("addr:a", FIVE_IN_5_MIN)])
    for _ in range(5):  # the address was not charged for the refused attempt
        limiter.begin([("addr:a", FIVE_IN_5_MIN)])


def test_the_number_of_keys_is_bounded() -> None:
    clock = Clock()
    limiter = AttemptLimiter(clock=clock, max_keys=100)
    for n in range(1000):
        limiter.begin([(f"user:{n}", FIVE_IN_5_MIN)])
    assert len(limiter._attempts) <= 100
