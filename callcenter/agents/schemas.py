"""The agent desk API's requests and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R1, R4, R5, R6).

A desk body is read with what the page cannot know (`Api` validation context): the site's
number plan, so that a click-to-dial number or a complaint's contact reaches the desk in
E.164 (`plan`), and the time, which bounds a promised call-back's due time (`now`). What
depends on the desk's state — the agent's own interfaces, the directory's queues, the
configured pause reasons — is checked by the handlers, which hold that state.

The websocket's frames (`/ws/agent`: snapshot, pop, wrapup...) are not bodies of this API:
the desk reply carries the snapshot's pops and wrap-ups as the feed writes them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, ValidationInfo, field_validator, model_validator

from callcenter.calls.agent_state import AgentState
from callcenter.complaints.schemas import Batch, Crises, LedgerText, Owner
from callcenter.errors import InvalidInput
from callcenter.orders.schemas import OrderKind, Technician, Units
from callcenter.phones import NumberPlan, normalise
from callcenter.rules.classification import ServiceClass
from callcenter.web.api import (
    Body,
    Id,
    Instant,
    Line,
    LongText,
    Name,
    Query,
    Reply,
    Short,
    Time,
)

MAX_CALLBACK_AHEAD = timedelta(days=30)
CALLBACK_GRACE = timedelta(minutes=5)
"""How far in the past a call-back may fall due: the page's clock is not the service's."""

CallId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"\S")]
AgentId = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"\S")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"\S")]
"""A short non-blank word: a pause reason, a number as typed."""


class Classification(StrEnum):
    """What the caller wanted (001 §7)."""

    CONSULTATION = "consultation"
    REPAIR_REQUEST = "repair_request"
    COMPLAINT_GENERAL = "complaint_general"
    COMPLAINT_MAJOR = "complaint_major"


COMPLAINTS = frozenset({Classification.COMPLAINT_GENERAL, Classification.COMPLAINT_MAJOR})


# -- requests ------------------------------------------------------------------------------

def _e164(raw: str, info: ValidationInfo) -> str:
    """A number as written, in E.164 by the site's number plan (the context's `plan`)."""
    plan = (info.context or {}).get("plan")
    if not isinstance(plan, NumberPlan):
        raise TypeError("a number is validated with the site's NumberPlan as context")
    number = normalise(raw, plan.region, plan.area_code)
    if number is None:
        raise ValueError(f"{raw!r} is not a phone number")
    return number


class DeskLogin(Body):
    """Queues to join at one of the agent's desks (the first one when none is named)."""

    interface: Line | None = Field(None, description="one of the agent's desks; default "
                                   "the first")
    queues: list[Line] = Field(min_length=1, description="directory queues")


class PauseIn(Body):
    reason: Code = Field(description="a reason code from the configured list")


class TransferIn(Body):
    """R6: the call the agent is talking on, to a colleague who speaks the caller's language."""

    call_id: CallId
    to_agent: AgentId
    note: Annotated[str, StringConstraints(max_length=1000)] = ""


class DialIn(Body):
    """Click-to-dial: a number in any format, and the customer it is for, if known."""

    number: Code
    customer_id: Id | None = None

    @field_validator("number")
    @classmethod
    def _e164(cls, raw: str, info: ValidationInfo) -> str:
        return _e164(raw, info)


class CallbackIn(Body):
    """R6: a question answered later, by a call-back due within the next 30 days."""

    due_at: Instant
    number: Short | None = Field(None, description="default: the caller's number")
    note: Annotated[str, StringConstraints(max_length=2000)] = ""

    @model_validator(mode="after")
    def _due_soon(self, info: ValidationInfo) -> CallbackIn:
        now = (info.context or {}).get("now")
        if not isinstance(now, datetime):
            raise TypeError("a call-back is validated with the time as context (`now`)")
        if not now - CALLBACK_GRACE < self.due_at < now + MAX_CALLBACK_AHEAD:
            raise InvalidInput("callback.due_at", "must be a time within the next 30 days")
        return self


class WrapupOrder(Body):
    """The service order a repair request needs: POST /api/orders's fields but the customer
    and the call, which are the wrap-up's."""

    product_id: Id | None = None
    kind: OrderKind = OrderKind.REPAIR
    service_class: ServiceClass
    description: LongText = ""
    technician: Technician | None = None
    units: Units | None = None


class WrapupComplaint(Body):
    """The ledger entry a complaint needs: POST /api/complaints's fields but the kind, the
    customer and the call, which are the wrap-up's."""

    subject: Name
    content: LedgerText = ""
    complainant: Name
    contact: Short | None = Field(None, description="a phone number, any format; default: "
                                  "the caller's number")
    order_id: Id | None = None
    owner: Owner | None = None
    crises: Crises = Field(default_factory=list)
    batch: Batch | None = None
    answered_on_call: bool = False
    overseas: bool | None = None

    @field_validator("contact")
    @classmethod
    def _e164(cls, raw: str | None, info: ValidationInfo) -> str | None:
        return _e164(raw, info) if raw else None


class WrapupIn(Body):
    """The agent's classification of a call, and what it needs made (R4, R6)."""

    call_id: CallId
    classification: Classification
    customer_id: Id | None = None
    note: LongText = ""
    order: WrapupOrder | None = Field(None, description="a repair request's service order")
    complaint: WrapupComplaint | None = Field(None, description="a complaint's ledger entry")
    callback: CallbackIn | None = None

    @model_validator(mode="after")
    def _what_the_kind_needs(self) -> WrapupIn:
        if self.classification is Classification.REPAIR_REQUEST:
            if self.order is None:
                raise InvalidInput("order", "a repair request needs the service order's fields")
            if self.customer_id is None:
                raise InvalidInput("customer_id", "a repair request needs the customer's record")
        if self.classification in COMPLAINTS:
            if self.complaint is None:
                raise InvalidInput("complaint", "a complaint needs the ledger entry's fields")
            if self.classification is Classification.COMPLAINT_MAJOR \
                    and not self.complaint.crises and self.complaint.batch is None:
                raise InvalidInput("complaint.crises",
                                   "a major complaint names its crisis or batch")
        return self


class CallbackPath(Query):
    callback_id: Id


# -- replies -------------------------------------------------------------------------------

class DeskAgent(Reply):
    id: str
    display_name: str
    team: str
    languages: list[str]


class DeskQueue(Reply):
    name: str
    display_name: str
    greeting: str
    wrapup_s: int


class Colleague(Reply):
    """Someone a call can be transferred to (R6): their languages and their state now."""

    id: str
    display_name: str
    languages: list[str]
    state: AgentState


class AgentPresence(Reply):
    """The agent's desk now, as the PBX says (`since`: PBX epoch seconds)."""

    interface: str | None
    state: AgentState
    since: float | None
    queues: list[str]
    paused_reason: str
    call_ids: list[str]


class AgentDesk(Reply):
    """Everything the page starts with besides the websocket's snapshot."""

    agent: DeskAgent
    interfaces: list[str]
    queues: list[DeskQueue]
    colleagues: list[Colleague]
    agent_id: str
    presence: AgentPresence
    # The feed's own frames (pop, wrapup), as /ws/agent sends them: not bodies of this API.
    pops: list[dict[str, Any]]
    wrapups: list[dict[str, Any]]
    pause_reasons: list[str]
    site_time_zone: str
    """The page shows every time in the site's zone (`CALLCENTER_TIMEZONE`), not the
    browser's: a desk abroad or a misset PC must still read the hotline's clock."""


class Accepted(Reply):
    """Sent to the PBX: the PBX's events, not the request, change what the page shows."""

    accepted: Literal[True] = True


class LoggedIn(Accepted):
    interface: str
    queues: list[str]


class Paused(Accepted):
    reason: str


class LoggedOut(Accepted):
    queues: list[str] = Field(description="the queues left (none when not logged in)")


class Transferred(Accepted):
    """`others_free` > 0: someone else free in `queue` may be rung first."""

    queue: str
    to_agent: str
    others_free: int = Field(ge=0)


class Dialled(Accepted):
    """`call_id` is the call in the registry; the page's dial_result frame names it
    `leg_id` (the Originate's first channel is the call's Linkedid)."""

    leg_id: str
    call_id: str
    number: str
    customer_id: int | None


def _left_out(value: object) -> bool:
    return value is None


Made = Annotated[int | None, Field(exclude_if=_left_out)]
"""A record the wrap-up made: in the reply only when it made one."""


class WrapupResult(Reply):
    """The stored wrap-up, with what it made and the registry outcome (R4)."""

    call_id: str
    classification: Classification
    customer_id: int | None
    order_id: Made = None
    complaint_id: Made = None
    complaint_number: Annotated[str | None, Field(exclude_if=_left_out)] = None
    callback_id: Made = None
    outcome: str


class AgentFigures(Reply):
    """R1, the agent's side, today (the site's calendar day)."""

    agent_id: str
    day: date
    calls_taken: int
    avg_rings_before_answer: float | None
    rang_out: int
    missed: int
    rung: int


class PromisedCallback(Reply):
    id: int
    call_id: str | None
    customer_id: int | None
    number: str
    due_at: Time
    note: str
    status: str
    reminded_at: Time | None
    created_at: Time


class CallbackList(Reply):
    callbacks: list[PromisedCallback]


__all__ = [
    "Accepted", "AgentDesk", "AgentFigures", "AgentPresence", "CallbackIn", "CallbackList",
    "CallbackPath", "Classification", "Colleague", "DeskAgent", "DeskLogin", "DeskQueue",
    "DialIn", "Dialled", "LoggedIn", "LoggedOut", "PauseIn", "Paused", "PromisedCallback",
    "TransferIn", "Transferred", "WrapupComplaint", "WrapupIn", "WrapupOrder", "WrapupResult",
]
