"""The outcome table: OriginateResponse reason + hang-up cause → how the attempt ended.

The (reason, causes) pairs in the first test are what the bench PBX really sent for each
scripted customer (recorded while building the dialer, Asterisk 22.10).
"""

from __future__ import annotations

import pytest

from dialer.kinds import Outcome
from dialer.outcomes import TABLE, informative_cause, outcome_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("reason", "causes", "expected"), [
    (4, [16, 16], Outcome.ANSWERED),  # answered, then normal clearing
    (0, [1, 1], Outcome.INVALID_NUMBER),  # Hangup(1): unallocated, reason 0
    (5, [17, 0], Outcome.BUSY),  # Busy(): dialled leg 17, originated leg 0
    (8, [0, 34], Outcome.CONGESTION),  # Congestion()
    (3, [19, 19], Outcome.NO_ANSWER),  # rang past the Originate timeout
])
def test_what_the_bench_pbx_sends_maps_to_the_right_outcome(
        reason: int, causes: list[int], expected: Outcome) -> None:
    assert outcome_of(reason, informative_cause(causes)) is expected


@pytest.mark.parametrize(("reason", "cause", "expected"), [
    (1, 1, Outcome.INVALID_NUMBER),
    (8, 1, Outcome.INVALID_NUMBER),  # the cause names the number: never retried
    (1, 28, Outcome.INVALID_NUMBER),
    (1, 22, Outcome.INVALID_NUMBER),
    (1, 17, Outcome.BUSY),
    (0, 21, Outcome.BUSY),
    (1, 18, Outcome.NO_ANSWER),
    (0, 20, Outcome.NO_ANSWER),
    (0, 38, Outcome.CONGESTION),
    (0, None, Outcome.FAILED),  # no such technology: no channel, no hang-up
    (None, None, Outcome.FAILED),  # no OriginateResponse at all
    (1, 127, Outcome.FAILED),
])
def test_reason_and_cause_combinations(reason: int | None, cause: int | None,
                                       expected: Outcome) -> None:
    assert outcome_of(reason, cause) is expected


def test_machine_only_when_answered_and_detected() -> None:
    assert outcome_of(4, None, machine=True) is Outcome.MACHINE
    assert outcome_of(3, 19, machine=True) is Outcome.NO_ANSWER


def test_normal_clearing_and_unknown_causes_say_nothing() -> None:
    assert informative_cause([0, 16]) is None
    assert informative_cause([16, 17]) == 17


def test_invalid_number_is_the_only_unanswered_outcome_never_retried() -> None:
    assert not Outcome.INVALID_NUMBER.retry
    assert not Outcome.ANSWERED.retry
    assert all(o.retry for o in Outcome if o not in (Outcome.INVALID_NUMBER, Outcome.ANSWERED))


def test_the_table_covers_every_outcome_but_interrupted() -> None:
    """Interrupted comes from a crash, not from the PBX; everything else is in the table."""
    assert {outcome for _, outcome in TABLE} == set(Outcome) - {Outcome.INTERRUPTED}
