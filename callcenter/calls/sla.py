"""R1, the three-ring rule, as pure functions: ring counts, service level, breaches.

Everything here works on durations already measured from PBX timestamps, so the figures are
the same live, on a replayed transcript and when recomputed from the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from callcenter.calls.model import AgentLeg, FinishedCall, LegEnd

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
    """R1 figures for a set of calls: the rule's own and the short-abandon variant side by side."""

    listed: int
    interrupted: int
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
    calls: Iterable[FinishedCall],
    *,
    max_rings: int,
    ring_cycle_s: float,
    short_abandon_s: float,
) -> ServiceLevel:
    """R1: answered within `max_rings` rings ÷ offered, interrupted calls left out of both,
    and beside it the same with short abandons taken out of the offered calls.

    The ring count is recomputed from each call's wait, so a report may apply a cadence
    other than the one in force when the call was recorded.
    """
    listed = interrupted = offered = answered = within = abandoned = short = 0
    for call in calls:
        listed += 1
        if call.interrupted:
            interrupted += 1
            continue
        if not call.offered:
            continue
        offered += 1
        if call.answered_at is not None and call.wait_s is not None:
            answered += 1
            if within_rule(call.wait_s, max_rings=max_rings, ring_cycle_s=ring_cycle_s):
                within += 1
        elif call.abandoned:
            abandoned += 1
            if is_short_abandon(call, short_abandon_s):
                short += 1
    limit = f"answered within {max_rings} rings (≤ {max_rings * ring_cycle_s:g} s)"
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
        offered=offered,
        answered=answered,
        answered_within=within,
        abandoned=abandoned,
        short_abandons=short,
        standard=standard,
        excluding_short_abandons=variant,
    )


@dataclass(frozen=True, slots=True)
class Breach:
    """A call that waited beyond the rule, with the agents whose phones rang unanswered."""

    call: FinishedCall
    rings: int
    let_ring: tuple[AgentLeg, ...]


def breaches(calls: Iterable[FinishedCall], *, max_rings: int, ring_cycle_s: float) -> list[Breach]:
    """R1 breaches: offered, not interrupted calls whose caller waited more than `max_rings`
    rings, answered late or not at all (a caller who gave up earlier is no breach, though
    the call still counts against the service level).

    `let_ring` lists the agent legs that rang without answering, except ring-all legs that
    stopped because a colleague answered within the rule (R1: those agents did not miss).
    """
    found: list[Breach] = []
    for call in calls:
        if call.interrupted or not call.offered or call.wait_s is None:
            continue
        count = rings(call.wait_s, ring_cycle_s)
        if count <= max_rings:
            continue
        found.append(Breach(call, count, _let_ring(call.legs, max_rings, ring_cycle_s)))
    return found


def _let_ring(
    legs: tuple[AgentLeg, ...], max_rings: int, ring_cycle_s: float
) -> tuple[AgentLeg, ...]:
    answerer_rings = {
        leg.visit_seq: rings(leg.ring_s, ring_cycle_s) for leg in legs if leg.answered
    }
    kept: list[AgentLeg] = []
    for leg in legs:
        if leg.answered:
            continue
        excused = leg.ended_by is LegEnd.COLLEAGUE_ANSWERED and not agent_missed(
            leg.ended_by, answerer_rings.get(leg.visit_seq), max_rings
        )
        if not excused:
            kept.append(leg)
    return tuple(kept)


__all__ = [
    "Breach",
    "Figure",
    "ServiceLevel",
    "agent_missed",
    "breaches",
    "is_short_abandon",
    "rings",
    "service_level",
    "to_ms",
    "within_rule",
]
