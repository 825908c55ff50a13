"""One table from what the PBX reports to how an attempt ended (`Outcome`).

The PBX tells an attempt's fate in two places: the OriginateResponse `Reason` (0 failure,
1 hang-up, 3 no answer / timeout, 4 answered, 5 busy, 8 congestion) and the Q.850 cause of
the leg's Hangup. Neither is enough alone, as recorded on the bench (Asterisk 22):
- an unallocated number gives Reason 0 and cause 1 on the Hangup that *follows* the response;
- busy gives Reason 5 while the dialled leg's cause says 17 and the originated leg's says 0;
- a ring timeout gives Reason 3 and cause 19.
So the cause decides first when it names an invalid number (never retried), then the reason,
then the cause again for what the reason leaves open (Reason 0/1).
"""

from __future__ import annotations

from collections.abc import Iterable

from dialer.kinds import Outcome

INVALID_NUMBER_CAUSES = frozenset({
    1,  # unallocated (unassigned) number
    3,  # no route to destination
    22,  # number changed
    28,  # invalid number format (incomplete number)
})
BUSY_CAUSES = frozenset({17, 21})  # user busy; call rejected (try again later)
NO_ANSWER_CAUSES = frozenset({18, 19, 20})  # no user responding; no answer; subscriber absent
CONGESTION_CAUSES = frozenset({34, 38, 41, 42, 44, 47})  # no circuit, network out of order...

REASON_ANSWERED = 4
_BY_REASON = {3: Outcome.NO_ANSWER, 5: Outcome.BUSY, 8: Outcome.CONGESTION}

#: The table, readable at a glance (and asserted by the tests): what decides, and the result.
TABLE: tuple[tuple[str, Outcome], ...] = (
    ("OriginateResponse Reason 4 (answered), machine detected", Outcome.MACHINE),
    ("OriginateResponse Reason 4 (answered)", Outcome.ANSWERED),
    ("hang-up cause 1, 3, 22 or 28 (unallocated, no route, changed, invalid format)",
     Outcome.INVALID_NUMBER),
    ("Reason 3 (no answer / ring timeout)", Outcome.NO_ANSWER),
    ("Reason 5 (busy)", Outcome.BUSY),
    ("Reason 8 (congestion)", Outcome.CONGESTION),
    ("Reason 0/1 with cause 17 or 21 (busy, rejected)", Outcome.BUSY),
    ("Reason 0/1 with cause 18, 19 or 20 (no answer, absent)", Outcome.NO_ANSWER),
    ("Reason 0/1 with cause 34, 38, 41, 42, 44 or 47 (network congestion)", Outcome.CONGESTION),
    ("anything else, or no response at all", Outcome.FAILED),
)


def informative_cause(causes: Iterable[int]) -> int | None:
    """The cause worth mapping among a call's legs: the first that is not 0 / 16.

    0 (unknown) and 16 (normal clearing) say nothing about why a call failed; the dialled
    leg's cause (e.g. 17 busy) is then the one that does.
    """
    known = [cause for cause in causes if cause not in (0, 16)]
    return known[0] if known else None


def outcome_of(reason: int | None, cause: int | None, *, machine: bool = False) -> Outcome:
    """The attempt's outcome from the Originate reason (None: no response) and hang-up cause."""
    if reason == REASON_ANSWERED:
        return Outcome.MACHINE if machine else Outcome.ANSWERED
    if cause in INVALID_NUMBER_CAUSES:
        return Outcome.INVALID_NUMBER
    if reason in _BY_REASON:
        return _BY_REASON[reason]
    if cause in BUSY_CAUSES:
        return Outcome.BUSY
    if cause in NO_ANSWER_CAUSES:
        return Outcome.NO_ANSWER
    if cause in CONGESTION_CAUSES:
        return Outcome.CONGESTION
    return Outcome.FAILED


__all__ = ["TABLE", "informative_cause", "outcome_of"]
