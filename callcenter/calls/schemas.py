"""The call registry API's query and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R1, R4).

Plain pydantic: the calls package is the domain core and loads no web framework, so its
models do not derive from `callcenter.web.api` (which loads aiohttp); `_Query` and `_Reply`
carry the same settings as that module's `Query` and `Reply`.

Instants are written as this API always wrote them, `datetime.isoformat()` of the value:
stored times in UTC (`+00:00`), and the interval asked for in the zone it was read in (the
site's, for a time given without an offset) — `Stamp`, not the `...Z` of `Time`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from callcenter.calls.call_records import (
    Direction,
    ExitReason,
    FinishedCall,
    LegEnd,
    LiveCall,
    Phase,
    TimePrecision,
    VisitResult,
)
from callcenter.calls.sla import Breach
from callcenter.errors import InvalidInput


class _Query(BaseModel):
    """Query parameters: the strings of a URL as typed values; others are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class _Reply(BaseModel):
    """A JSON response body, made from plain values or a record's attributes."""

    model_config = ConfigDict(frozen=True, from_attributes=True)


def _isoformat(value: datetime) -> str:
    return value.isoformat()


Stamp = Annotated[datetime, PlainSerializer(_isoformat, return_type=str),
                  WithJsonSchema({"type": "string", "format": "date-time"})]
"""An instant as ISO 8601 with its own offset (see the module docstring)."""


# -- the interval asked for ----------------------------------------------------------------

def _iso_time(raw: object) -> object:
    """ISO 8601 as Python reads it (a date alone is its midnight), nothing else: no epoch
    seconds, which pydantic alone would take."""
    if not isinstance(raw, str):
        return raw
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not an ISO-8601 time") from None


def _none_if_empty(raw: object) -> object:
    return raw or None


IsoTime = Annotated[datetime, BeforeValidator(_iso_time)]
QueueName = Annotated[str, StringConstraints(max_length=80)]


class CallInterval(_Query):
    """Calls entered in [since, until) of the first queue `queue`; the site's today by default."""

    since: IsoTime | None = Field(None, description="ISO-8601 start (site zone when no "
                                  "offset); default: today 00:00")
    until: IsoTime | None = Field(None, description="ISO-8601 end, exclusive; default: since "
                                  "+ 1 day")
    queue: Annotated[QueueName | None, BeforeValidator(_none_if_empty)] = Field(
        None, description="first queue of the call; empty: every queue")

    def bounds(self, zone: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
        """[since, until) as aware times: a time without an offset is the site's (`zone`),
        what a supervisor means by "today" is the site's day of `now`."""
        since = _in(zone, self.since) if self.since is not None else datetime.combine(
            now.astimezone(zone).date(), time(0), zone)
        until = _in(zone, self.until) if self.until is not None else since + timedelta(days=1)
        if until <= since:
            raise InvalidInput("until", "must be after since")
        return since, until


def _in(zone: ZoneInfo, value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=zone)


# -- registered calls ----------------------------------------------------------------------

class CallRule(_Reply):
    """R1: answered before ring `max_rings` ends, a ring lasting `ring_cycle_s` seconds."""

    max_rings: int = Field(ge=1)
    ring_cycle_s: float = Field(gt=0)


RULE_DESCRIPTION = ("the R1 rule the call was judged by when it ended, stored with it: its "
                    "rings and verdict are counted against it, whatever the queue's rule is "
                    "now (null for an outbound call, which no rule judges)")


class CallVisit(_Reply):
    """One stay of the caller in one queue."""

    seq: int
    queue: str
    joined_at: Stamp
    left_at: Stamp
    position: int
    result: VisitResult


class CallAgentLeg(_Reply):
    """One agent's phone ringing for the call: the agent's side of R1."""

    seq: int
    visit_seq: int
    queue: str
    leg_id: str
    interface: str
    member_name: str
    agent_id: str | None
    rang_at: Stamp
    ended_at: Stamp
    ring_s: float
    rings: int
    answered: bool
    missed: bool
    ended_by: LegEnd


def _as_dict(pairs: object) -> object:
    """`FinishedCall.precision` is a tuple of (figure, precision) pairs."""
    return dict(pairs) if isinstance(pairs, tuple) else pairs


class RegisteredCall(_Reply):
    """One call of the registry (R4), with the rule it was judged by (`rule`)."""

    call_id: str
    caller_num_raw: str
    caller_num_e164: str | None
    caller_name: str
    queue: str | None
    entered_at: Stamp
    queued_at: Stamp | None
    answered_at: Stamp | None
    ended_at: Stamp
    menu_s: float | None
    wait_s: float | None
    caller_rings: int | None
    within_rule: bool | None
    answered_by_agent: str | None
    answered_interface: str | None
    talk_s: float | None
    exit_reason: ExitReason
    abandon_position: int | None
    interrupted: bool
    direction: Direction
    customer_id: int | None
    adopted: bool
    precision: Annotated[dict[str, TimePrecision], BeforeValidator(_as_dict)] = Field(
        description="each figure of an adopted call that is not exact: field name → "
                    "precision")
    rule: CallRule | None = Field(description=RULE_DESCRIPTION)
    visits: list[CallVisit]
    legs: list[CallAgentLeg]

    @classmethod
    def of(cls, call: FinishedCall) -> RegisteredCall:
        return cls.model_validate(call)


class CallList(_Reply):
    since: Stamp
    until: Stamp
    calls: list[RegisteredCall]


# -- the service level ---------------------------------------------------------------------

class SlaFigure(_Reply):
    """One R1 figure with the formula it was computed by; `value` is null when nothing was
    offered (0 ÷ 0 is not 100%)."""

    name: str
    formula: str
    numerator: int
    denominator: int
    value: float | None


class ServiceLevelFigures(_Reply):
    listed: int
    interrupted: int
    adopted: int
    offered: int
    answered: int
    answered_within: int
    abandoned: int
    short_abandons: int
    standard: SlaFigure
    excluding_short_abandons: SlaFigure


class LetRing(_Reply):
    """An agent leg that rang without answering, held against the agent (R1)."""

    agent_id: str | None
    interface: str
    rings: int
    ended_by: LegEnd


class SlaBreach(_Reply):
    """A call that waited beyond its rule, and the agents whose phones rang unanswered."""

    call_id: str
    rings: int
    wait_s: float | None
    queue: str | None
    caller: str
    answered_by_agent: str | None
    exit_reason: ExitReason
    rule: CallRule | None = Field(description=RULE_DESCRIPTION)
    let_ring: list[LetRing]

    @classmethod
    def of(cls, breach: Breach) -> SlaBreach:
        call = breach.call
        return cls(call_id=call.call_id, rings=breach.rings, wait_s=call.wait_s,
                   queue=call.queue, caller=call.caller_num_e164 or call.caller_num_raw,
                   answered_by_agent=call.answered_by_agent, exit_reason=call.exit_reason,
                   rule=CallRule.model_validate(call.rule) if call.rule else None,
                   let_ring=[LetRing.model_validate(leg) for leg in breach.let_ring])


class SlaReport(_Reply):
    since: Stamp
    until: Stamp
    queue: str | None
    service_level: ServiceLevelFigures
    breaches: list[SlaBreach]


# -- live calls ----------------------------------------------------------------------------

class LiveCallView(_Reply):
    """A call in progress (times are PBX epoch seconds)."""

    call_id: str
    caller_num: str
    caller_num_e164: str | None
    caller_name: str
    phase: Phase
    entered_ts: float
    queue: str | None
    queued_ts: float | None
    position: int | None
    ringing: list[str]
    answered_ts: float | None
    answered_interface: str | None
    in_doubt: bool
    direction: Direction


class LiveCallList(_Reply):
    calls: list[LiveCallView]

    @classmethod
    def of(cls, calls: Iterable[LiveCall]) -> LiveCallList:
        return cls(calls=[LiveCallView.model_validate(c) for c in calls])


__all__ = ["CallInterval", "CallList", "CallRule", "LiveCallList", "LiveCallView",
           "RegisteredCall", "SlaBreach", "SlaReport", "Stamp"]
