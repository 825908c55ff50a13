"""R1, the three-ring rule, as pure functions: ring counts, service level, breaches.

Everything here works on durations already measured from PBX timestamps, so the figures are
the same live, on a replayed transcript and when recomputed from the registry.

Each queue may have a rule of its own (`RingRule`: how many rings, how long a ring); the
tracker, judging a call as it ends, asks a `RuleFor` for the rule of the call's queue, which
falls back to the site's settings for a queue without one. The call keeps that rule
(`FinishedCall.rule`), and the figures and breaches here judge every call by the rule it
carries, so that a queue's rule edited later never re-judges a call already ended.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from callcenter.calls.call_records import AgentLeg, FinishedCall, LegEnd
from callcenter.settings import SlaSettings

_MISSES = frozenset({LegEnd.RANG_OUT, LegEnd.REJECTED, LegEnd.DUMPED})


def to_ms(seconds: float) -> int:
    """Seconds to whole milliseconds: PBX timestamps are microseconds and float subtraction
    leaves dust (15.000000001 s), which must not turn a 3-ring answer into a 4-ring breach."""
    return max(0, round(seconds * 1000))


def rings(wait_s: float, ring_cycle_s: float) -> int:
    """R1: rings = ceil(wait / cycle), the wait rounded to the millisecond first.

    15.0 s is 3 rings and 15.1 s is 4 at the default 5 s cycle; any wait that has started is
    at least one ring (0.2 s is 1), and a wait of 0 ms is 0 rings: nothing rang.
    """
    cycle_ms = to_ms(ring_cycle_s)
    if cycle_ms <= 0:
        raise ValueError(f"ring cycle must be positive, got {ring_cycle_s!r} s")
    return -(-to_ms(wait_s) // cycle_ms)


def within_rule(wait_s: float, *, max_rings: int, ring_cycle_s: float) -> bool:
    """R1: an answer after `wait_s` seconds came before the end of ring `max_rings`."""
    return rings(wait_s, ring_cycle_s) <= max_rings


@dataclass(frozen=True, slots=True)
class RingRule:
    """R1 for one queue: answered before ring `max_rings` ends, a ring lasting `ring_cycle_s`."""

    max_rings: int = 3
    ring_cycle_s: float = 5.0

    @classmethod
    def of(cls, settings: SlaSettings) -> RingRule:
        """The site's rule (CALLCENTER_SLA_MAX_RINGS, CALLCENTER_RING_CYCLE_SECONDS)."""
        return cls(settings.max_rings, settings.ring_cycle_s)

    def rings(self, wait_s: float) -> int:
        return rings(wait_s, self.ring_cycle_s)

    def within(self, wait_s: float) -> bool:
        return within_rule(wait_s, max_rings=self.max_rings, ring_cycle_s=self.ring_cycle_s)

    def __str__(self) -> str:
        return f"{self.max_rings} rings (≤ {self.max_rings * self.ring_cycle_s:g} s)"


#: The R1 rule of a queue (None: a call that reached no queue); unknown queues get the
#: site's rule.
RuleFor = Callable[[str | None], RingRule]


def everywhere(rule: RingRule) -> RuleFor:
    """One rule for every queue."""
    return lambda _queue: rule


def agent_missed(ended_by: LegEnd, colleague_rings: int | None, max_rings: int) -> bool:
    """R1, agent side: a ring that ended unanswered is a miss by that agent, except a ring-all
    ring ended because a colleague answered within the rule (`colleague_rings` = how many
    rings the colleague's own phone rang before they answered)."""
    if ended_by in _MISSES:
        return True
    if ended_by is LegEnd.COLLEAGUE_ANSWERED:
        return colleague_rings is None or colleague_rings > max_rings
    return False


@dataclass(frozen=True, slots=True)
class Figure:
    """One service-level figure with the formula it was computed by, spelled out."""

    name: str
    formula: str
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        """The ratio, or None when nothing was offered (0 ÷ 0 is not 100%)."""
        return self.numerator / self.denominator if self.denominator else None

    def __str__(self) -> str:
        shown = "n/a" if self.value is None else f"{self.value:.1%}"
        return f"{self.name}: {self.formula} = {self.numerator} ÷ {self.denominator} = {shown}"


@dataclass(frozen=True, slots=True)
class ServiceLevel:
    """R1 figures for a set of calls: the rule's own and the short-abandon variant side by side.

    `adopted` counts the calls taken over mid-wait or mid-talk (a service restart, a lost
    link) whose wait is known to the whole second at best: like interrupted calls they are
    listed and kept out of both figures, since a whole second cannot tell 15.0 s from 15.1 s.
    """

    listed: int
    interrupted: int
    adopted: int
    offered: int
    answered: int
    answered_within: int
    abandoned: int
    short_abandons: int
    standard: Figure
    excluding_short_abandons: Figure


def is_short_abandon(call: FinishedCall, short_abandon_s: float) -> bool:
    """The caller gave up within `short_abandon_s` of joining the first queue."""
    return (
        call.abandoned and call.wait_s is not None and to_ms(call.wait_s) <= to_ms(short_abandon_s)
    )


def service_level(
    calls: Iterable[FinishedCall], *, rule_for: RuleFor, short_abandon_s: float
) -> ServiceLevel:
    """R1: answered within the rule ÷ offered, interrupted calls left out of both, and beside
    it the same with short abandons taken out of the offered calls.

    An answer counts by the verdict stored with the call (`within_rule`), reached when the
    call ended against the rule of its queue then in force, and the formula names the rules
    the calls carry (`FinishedCall.rule`): a queue's rule edited since applies to the calls
    that ended after it, and the figure agrees with the call list and with the agents' own
    figures. `rule_for` names the rule only when no offered call carries one (nothing
    offered, or records built without a rule).

    An offered call adopted with an inexact wait is counted apart (`adopted`), not judged.
    """
    listed = interrupted = adopted = offered = answered = within = abandoned = short = 0
    rules: set[RingRule] = set()
    for call in calls:
        listed += 1
        if call.interrupted:
            interrupted += 1
            continue
        if not call.offered:
            continue
        if not call.wait_exact:
            adopted += 1
            continue
        offered += 1
        rules.add(call.rule if call.rule is not None else rule_for(call.queue))
        if call.answered_at is not None and call.wait_s is not None:
            answered += 1
            if call.within_rule:
                within += 1
        elif call.abandoned:
            abandoned += 1
            if is_short_abandon(call, short_abandon_s):
                short += 1
    limit = f"answered within {_rule_name(rules, rule_for)}"
    standard = Figure("service level", f"{limit} ÷ offered", within, offered)
    variant = Figure(
        "service level without short abandons",
        f"{limit} ÷ (offered − abandoned within {short_abandon_s:g} s)",
        within,
        offered - short,
    )
    return ServiceLevel(
        listed=listed,
        interrupted=interrupted,
        adopted=adopted,
        offered=offered,
        answered=answered,
        answered_within=within,
        abandoned=abandoned,
        short_abandons=short,
        standard=standard,
        excluding_short_abandons=variant,
    )


def _rule_name(rules: set[RingRule], rule_for: RuleFor) -> str:
    if len(rules) > 1:
        return "the rule of its queue"
    (rule,) = rules or {rule_for(None)}
    return str(rule)


@dataclass(frozen=True, slots=True)
class Breach:
    """A call that waited beyond the rule, with the agents whose phones rang unanswered."""

    call: FinishedCall
    rings: int
    let_ring: tuple[AgentLeg, ...]


def breaches(calls: Iterable[FinishedCall], *, rule_for: RuleFor | None = None) -> list[Breach]:
    """R1 breaches: offered, not interrupted calls whose caller waited past the rule of their
    queue, answered late or not at all (a caller who gave up earlier is no breach, though
    the call still counts against the service level).

    An answered call is judged by its stored verdict (`within_rule`), as `service_level`
    counts it. An unanswered call has no verdict to go by (no answer is within any rule), so
    its recorded rings are held against the rule the call carries (`FinishedCall.rule`, the
    rule of its queue when it ended), never against the queue's rule of today. `rule_for`
    judges only records that carry no rule; without it such a record is refused
    (ValueError) rather than judged by a rule it was not measured by.

    `let_ring` lists the agent legs that rang without answering, except ring-all legs that
    stopped because a colleague answered within the rule (R1: those agents did not miss,
    which each leg's stored `missed` says).

    A call adopted with an inexact wait is no breach: its rings are not known to the second.
    """
    found: list[Breach] = []
    for call in calls:
        if (call.interrupted or not call.offered or call.caller_rings is None
                or not call.wait_exact):
            continue
        if call.answered:
            late = call.within_rule is False
        else:
            late = call.caller_rings > _rule_of(call, rule_for).max_rings
        if late:
            found.append(Breach(call, call.caller_rings, _let_ring(call.legs)))
    return found


def _rule_of(call: FinishedCall, rule_for: RuleFor | None) -> RingRule:
    if call.rule is not None:
        return call.rule
    if rule_for is None:
        raise ValueError(f"call {call.call_id} carries no R1 rule to judge it by")
    return rule_for(call.queue)


def _let_ring(legs: tuple[AgentLeg, ...]) -> tuple[AgentLeg, ...]:
    return tuple(
        leg
        for leg in legs
        if not leg.answered and (leg.missed or leg.ended_by is not LegEnd.COLLEAGUE_ANSWERED)
    )


__all__ = [
    "Breach",
    "Figure",
    "RingRule",
    "RuleFor",
    "ServiceLevel",
    "agent_missed",
    "breaches",
    "everywhere",
    "is_short_abandon",
    "rings",
    "service_level",
    "to_ms",
    "within_rule",
]
