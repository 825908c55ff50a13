"""R18 keys, R19 satisfaction rate and R20 actions, on hand-counted examples."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import pytest

from callcenter.rules.satisfaction import (
    DissatisfactionAction,
    Rate,
    Rating,
    SurveyItem,
    SurveyResult,
    dissatisfaction_action,
    satisfaction_by_technician,
    satisfaction_report,
)

pytestmark = pytest.mark.unit

A, S, T, P = (
    SurveyItem.ATTITUDE,
    SurveyItem.SKILL,
    SurveyItem.ARRIVAL_TIME,
    SurveyItem.PROMISES_KEPT,
)


def rated(attitude: int, skill: int, arrival: int, promises: int) -> dict[SurveyItem, Rating]:
    return {A: Rating(attitude), S: Rating(skill), T: Rating(arrival), P: Rating(promises)}


SURVEYS = [
    SurveyResult("t1", rated(4, 4, 4, 4)),  # satisfied
    SurveyResult("t1", rated(4, 3, 3, 4)),  # satisfied
    SurveyResult("t1", rated(4, 4, 2, 4)),  # completed, arrival time 2
    SurveyResult("t2", rated(3, 3, 3, 3)),  # satisfied
    SurveyResult("t2", {A: Rating(4), S: Rating(4)}),  # partial
    SurveyResult("t2", rated(1, 1, 1, 1), complaint_registered_before=True),  # excluded
    SurveyResult("t2", rated(3, 4, 3, 1)),  # completed, promises 1
]


def test_keys_read_four_as_very_satisfied() -> None:
    assert Rating(4) is Rating.VERY_SATISFIED
    assert Rating(3) is Rating.SATISFIED
    assert Rating(2) is Rating.DISSATISFIED
    assert Rating(1) is Rating.VERY_DISSATISFIED
    assert [r.satisfied for r in Rating] == [False, False, True, True]


def test_rate_counts_completed_surveys_with_every_item_three_or_four() -> None:
    report = satisfaction_report(SURVEYS)
    # Counted: the 5 completed, non-excluded surveys; 3 of them all 3-or-4.
    assert report.rate == Rate(satisfied=3, counted=5)
    assert report.rate.value == 0.6
    assert report.rate.meets() is False
    assert report.partial == 1
    assert report.excluded == 1
    assert report.per_item == {
        A: Rate(5, 5),
        S: Rate(5, 5),
        T: Rate(4, 5),
        P: Rate(4, 5),
    }


def test_rate_is_also_given_per_technician() -> None:
    by_tech = satisfaction_by_technician(SURVEYS)
    assert list(by_tech) == ["t1", "t2"]
    assert by_tech["t1"].rate == Rate(2, 3)
    assert (by_tech["t1"].partial, by_tech["t1"].excluded) == (0, 0)
    assert by_tech["t2"].rate == Rate(1, 2)
    assert (by_tech["t2"].partial, by_tech["t2"].excluded) == (1, 1)
    assert by_tech["t2"].per_item[P] == Rate(1, 2)


@pytest.mark.parametrize(
    ("rate", "meets"),
    [(Rate(9, 10), True), (Rate(8, 9), False), (Rate(10, 10), True), (Rate(0, 0), None)],
)
def test_target_is_ninety_percent_exactly(rate: Rate, meets: bool | None) -> None:
    assert rate.meets() is meets
    assert Rate(1, 2).meets(Fraction(1, 2)) is True


def test_empty_report_has_no_rate() -> None:
    report = satisfaction_report([])
    assert report.rate.value is None
    assert report.rate.meets() is None


def test_ratings_from_storage_are_normalised_and_checked() -> None:
    survey = SurveyResult("t1", {"skill": 3})  # type: ignore[dict-item]
    assert survey.ratings == {S: Rating.SATISFIED}
    assert not survey.completed
    with pytest.raises(ValueError, match="5"):
        SurveyResult("t1", {A: 5})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="0"):
        SurveyResult("t1", {A: 0})  # type: ignore[dict-item]


NONE = DissatisfactionAction.NONE
COMPLAINT = DissatisfactionAction.COMPLAINT
SERIOUS = DissatisfactionAction.SERIOUS_COMPLAINT


@pytest.mark.parametrize(
    ("ratings", "product_works", "after_repair", "action"),
    [
        (rated(4, 3, 3, 4), True, True, NONE),
        (rated(4, 3, 2, 4), True, True, COMPLAINT),  # one 2
        (rated(1, 4, 4, 4), True, True, COMPLAINT),  # a single 1
        (rated(1, 2, 4, 4), True, True, COMPLAINT),  # one 1 and one 2: not serious
        (rated(1, 1, 4, 4), True, True, SERIOUS),  # 1 on two items
        (rated(4, 4, 4, 4), False, False, COMPLAINT),  # not working, new delivery
        (rated(4, 4, 4, 4), False, True, SERIOUS),  # not working after a repair
        (rated(4, 4, 4, 4), None, True, NONE),  # question unanswered
        ({A: Rating(1), S: Rating(1)}, None, True, SERIOUS),  # partial survey still counts
        ({}, True, True, NONE),
    ],
)
def test_dissatisfaction_opens_a_complaint_or_escalates_a_serious_one(
    ratings: Mapping[SurveyItem, Rating],
    product_works: bool | None,
    after_repair: bool,
    action: DissatisfactionAction,
) -> None:
    assert dissatisfaction_action(ratings, product_works, after_repair) is action
