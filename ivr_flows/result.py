"""What a flow found out, and how it reports each answer as soon as it has it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class FlowOutcome(StrEnum):
    """How far the customer went (R19 reports partial surveys beside complete ones)."""

    COMPLETE = "complete"  # every question answered
    PARTIAL = "partial"  # some answered, then hang-up or silence
    REFUSED = "refused"  # nothing answered, or "press 9" (do-not-call)


#: Called after every accepted key with the question's name and the key's value, so the
#: answers survive a hang-up or a crash of the service mid-call.
AnswerSink = Callable[[str, int], Awaitable[None]]


@dataclass
class FlowResult:
    """The answers by question name (e.g. "attitude": 4, "product_works": 1)."""

    questions: tuple[str, ...]
    answers: dict[str, int] = field(default_factory=dict)
    do_not_call: bool = False
    hung_up: bool = False
    machine: bool = False

    @property
    def outcome(self) -> FlowOutcome:
        if self.do_not_call or not self.answers:
            return FlowOutcome.REFUSED
        if all(q in self.answers for q in self.questions):
            return FlowOutcome.COMPLETE
        return FlowOutcome.PARTIAL


__all__ = ["AnswerSink", "FlowOutcome", "FlowResult"]
