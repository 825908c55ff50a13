"""Survey keys and items (R18), the satisfaction rate (R19) and low-rating actions (R20)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from fractions import Fraction
from types import MappingProxyType

SATISFACTION_TARGET = Fraction(9, 10)
"""R19: satisfaction must be at least 90%. A Fraction so the comparison is exact."""


class Rating(IntEnum):
    """R18 keys, as the IVR prompt reads them out for every item.

    4 is best: Chinese IVRs often say "press 1 if satisfied", so the prompt states the
    keys each time and the values here are the keys pressed.
    """

    VERY_DISSATISFIED = 1
    DISSATISFIED = 2
    SATISFIED = 3
    VERY_SATISFIED = 4

    @property
    def satisfied(self) -> bool:
        """3 and 4 count as satisfied in R19."""
        return self >= Rating.SATISFIED


class SurveyItem(StrEnum):
    """R18: the four things the technician is rated on (000 §24)."""

    ATTITUDE = "attitude"
    SKILL = "skill"
    ARRIVAL_TIME = "arrival_time"
    PROMISES_KEPT = "promises_kept"


class DissatisfactionAction(StrEnum):
    """R20 outcome of a survey.

    COMPLAINT opens a complaint owned by the service manager (or a named delegate);
    SERIOUS_COMPLAINT is also escalated at once to the deputy general manager.
    """

    NONE = "none"
    COMPLAINT = "complaint"
    SERIOUS_COMPLAINT = "serious_complaint"


@dataclass(frozen=True)
class SurveyResult:
    """One survey as R19 needs it: whose work, the items answered, and exclusion.

    `complaint_registered_before` marks a customer whose complaint was already on record
    before the survey; R19 leaves them out of the rate ("已上报备案的抱怨用户除外", 002).
    """

    technician_id: str
    ratings: Mapping[SurveyItem, Rating]
    complaint_registered_before: bool = False

    def __post_init__(self) -> None:
        # Normalise plain ints/strings read from storage; a key outside 1-4 or an unknown
        # item raises ValueError here rather than skewing a report later.
        normalised = MappingProxyType(
            {SurveyItem(item): Rating(value) for item, value in self.ratings.items()}
        )
        object.__setattr__(self, "ratings", normalised)

    @property
    def completed(self) -> bool:
        """All four items answered; anything less is a partial survey."""
        return all(item in self.ratings for item in SurveyItem)

    @property
    def satisfied(self) -> bool:
        """Completed with every item 3 or 4 (R19)."""
        return self.completed and all(rating.satisfied for rating in self.ratings.values())


@dataclass(frozen=True)
class Rate:
    """`satisfied` out of `counted`, kept as counts so reports can add them up exactly."""

    satisfied: int
    counted: int

    @property
    def value(self) -> float | None:
        """The rate as a fraction of 1, or None when nothing was counted."""
        return self.satisfied / self.counted if self.counted else None

    def meets(self, target: Fraction = SATISFACTION_TARGET) -> bool | None:
        """Whether the rate reaches `target` (exactly); None when nothing was counted."""
        if not self.counted:
            return None
        return Fraction(self.satisfied, self.counted) >= target


@dataclass(frozen=True)
class SatisfactionReport:
    """R19 figures for a set of surveys.

    `rate` counts completed, non-excluded surveys; `partial` (incomplete, not excluded) and
    `excluded` are reported beside it. `per_item` is the share of the same completed
    surveys rating that item 3 or 4, so it is never below `rate`.
    """

    rate: Rate
    partial: int
    excluded: int
    per_item: Mapping[SurveyItem, Rate]


def satisfaction_report(surveys: Iterable[SurveyResult]) -> SatisfactionReport:
    """R19 satisfaction rate, partial and excluded counts, and the per-item rates."""
    completed: list[SurveyResult] = []
    partial = excluded = 0
    for survey in surveys:
        if survey.complaint_registered_before:
            excluded += 1
        elif survey.completed:
            completed.append(survey)
        else:
            partial += 1
    per_item = {
        item: Rate(sum(s.ratings[item].satisfied for s in completed), len(completed))
        for item in SurveyItem
    }
    return SatisfactionReport(
        rate=Rate(sum(s.satisfied for s in completed), len(completed)),
        partial=partial,
        excluded=excluded,
        per_item=per_item,
    )


def satisfaction_by_technician(surveys: Iterable[SurveyResult]) -> dict[str, SatisfactionReport]:
    """R19 per technician (also the input of the monthly review, 000 §22)."""
    grouped: defaultdict[str, list[SurveyResult]] = defaultdict(list)
    for survey in surveys:
        grouped[survey.technician_id].append(survey)
    return {tech: satisfaction_report(group) for tech, group in sorted(grouped.items())}


def dissatisfaction_action(
    ratings: Mapping[SurveyItem, Rating], product_works: bool | None, after_repair: bool
) -> DissatisfactionAction:
    """R20: what a survey's answers require, partial surveys included.

    Any item rated 1 or 2, or a product not working, opens a complaint. A 1 on two or more
    items, or a product still not working after a repair, makes it serious. `product_works`
    is None when the question went unanswered, which triggers nothing by itself.
    """
    values = [Rating(value) for value in ratings.values()]
    very_dissatisfied = sum(value is Rating.VERY_DISSATISFIED for value in values)
    not_working = product_works is False
    if very_dissatisfied >= 2 or (not_working and after_repair):
        return DissatisfactionAction.SERIOUS_COMPLAINT
    if not_working or any(not value.satisfied for value in values):
        return DissatisfactionAction.COMPLAINT
    return DissatisfactionAction.NONE
