"""The complaint ledger's requests and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R20-R23, 001 §7).

The contact number is normalised here, at the edge, with the site's region and area code
(the `NumberPlan` given as the validation context `plan`), so that the ledger only ever
holds E.164, as the customer records do.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar

from phonenumbers import UNKNOWN_REGION
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from callcenter.audit.history import StatusChange
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan, normalise
from callcenter.rules.classification import (
    ComplaintSeverity,
    CrisisKind,
    MajorReason,
    RequestKind,
    is_batch_incident,
)
from callcenter.rules.numbering import parse_complaint_number
from callcenter.rules.status import ComplaintStatus
from callcenter.web.api import (
    Body,
    Id,
    Name,
    Patch,
    Query,
    Reply,
    Short,
    Time,
    blank_is_absent,
    in_url,
)
from callcenter.web.inputs import MAX_ID

MAX_BATCH = 10_000_000

LedgerText = Annotated[str, Field(max_length=8000)]
Note = Annotated[str, Field(max_length=2000)]
CallId = Annotated[str, Field(max_length=64, description="the PBX Linkedid of the call")]
Owner = Annotated[str, Field(max_length=120, description="who handles it (R20: the service "
                                                        "manager or a named delegate)")]


class Batch(Body):
    """001 §7: the same fault in 5% or more of one batch is a batch quality incident."""

    faulty: int = Field(ge=0, le=MAX_BATCH)
    batch_size: int = Field(ge=1, le=MAX_BATCH)

    @model_validator(mode="after")
    def _part_of_the_batch(self) -> Batch:
        if self.faulty > self.batch_size:
            raise InvalidInput("batch", "faulty cannot exceed batch_size")
        return self

    @property
    def incident(self) -> bool:
        return is_batch_incident(self.faulty, self.batch_size)


def _once_each(crises: list[CrisisKind]) -> list[CrisisKind]:
    """A crisis named twice is one reason, in the order first named."""
    return list(dict.fromkeys(crises))


Crises = Annotated[list[CrisisKind], Field(max_length=len(CrisisKind)),
                   AfterValidator(_once_each)]


class ComplaintIn(Body):
    """A new ledger entry (R22), with what makes it major (crises, a batch incident)."""

    kind: RequestKind = RequestKind.COMPLAINT
    subject: Name
    content: LedgerText = ""
    complainant: Name
    contact: Short | None = Field(
        default=None, description="a phone number, any format; kept in E.164")
    customer_id: Id | None = None
    order_id: Id | None = None
    call_id: CallId | None = None
    owner: Owner | None = None
    crises: Crises = Field(default_factory=list)
    batch: Batch | None = None
    answered_on_call: bool = Field(
        default=False, description="a consultation answered on the call has no R23 24-hour "
                                   "answer deadline")
    overseas: bool | None = Field(
        default=None, description="R23: 17 days instead of 13; the customer's record decides "
                                  "if not given")

    @field_validator("contact")
    @classmethod
    def _e164(cls, raw: str | None, info: ValidationInfo) -> str | None:
        """A request's number is read with the site's plan; a complaint made by code (the
        dialer's R20 complaints) has no plan to give and gives the number in E.164."""
        if not raw:
            return None
        plan = (info.context or {}).get("plan")
        if isinstance(plan, NumberPlan):
            return plan.e164("contact", raw)
        number = normalise(raw, UNKNOWN_REGION, "")
        if number is None:
            raise ValueError(f"{raw!r} is not an international (E.164) number")
        return number

    @property
    def batch_incident(self) -> bool:
        return self.batch is not None and self.batch.incident


class ComplaintPatch(Patch):
    """Owner, resolution and follow-up notes (R22): those given change."""

    nullable: ClassVar[frozenset[str]] = frozenset({"owner"})

    owner: Owner | None = None
    resolution: LedgerText | None = None
    follow_up: LedgerText | None = None


class ComplaintStatusIn(Body):
    """The status to move to, a note for the history, and ledger text to record with it."""

    status: ComplaintStatus
    note: Note = ""
    resolution: LedgerText | None = None
    follow_up: LedgerText | None = None




def _ledger_number(raw: str) -> str:
    """A number as a person types it (full-width digits too) in its stored form."""
    return str(parse_complaint_number(raw))


class ComplaintSearch(Query):
    """The ledger's filters; each one given narrows the list."""

    status: Annotated[ComplaintStatus | None, BeforeValidator(blank_is_absent), in_url(
        {"type": "string", "enum": [s.value for s in ComplaintStatus]})] = None
    number: Annotated[Annotated[str, Field(max_length=20), AfterValidator(_ledger_number)]
                      | None, BeforeValidator(blank_is_absent), in_url(
        {"type": "string", "maxLength": 20, "examples": ["26030001"]})] = None
    customer_id: int = Field(default=0, ge=0, le=MAX_ID, description="0: any customer")
    limit: int = Field(default=50, ge=1, le=200)


# -- replies -------------------------------------------------------------------------------

class ComplaintClockState(StrEnum):
    """Where one R23 deadline of a complaint stands (`rules.deadlines.clock_state`)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"


class ComplaintClock(Reply):
    """One R23 deadline: when it is due, when its clock stopped, where it stands."""

    due: Time
    done_at: Time | None
    state: ComplaintClockState


class ComplaintRecord(Reply):
    """What a ledger line stores, as its reply shows it (read from the row)."""

    id: int
    number: str = Field(pattern=r"^[0-9]{8,}$", description="R21: YYMM and the month's serial")
    registered_at: Time
    kind: RequestKind
    severity: ComplaintSeverity
    major_reasons: list[MajorReason]
    crises: list[CrisisKind]
    subject: str
    content: str
    complainant: str
    contact: str
    customer_id: int | None
    order_id: int | None
    call_id: str | None
    owner: str | None
    registered_by: str
    status: ComplaintStatus
    resolution: str
    follow_up: str
    overseas: bool
    escalated_at: Time | None
    resolved_at: Time | None
    closed_at: Time | None
    transitions: list[StatusChange]
    updated_at: Time


class Complaint(ComplaintRecord):
    """A ledger line with where its R23 deadlines stand now and its timed history."""

    deadlines: dict[str, ComplaintClock] = Field(
        description="case (closed within 13 days, 17 overseas) and, for a consultation not "
                    "answered on the call, answer (24 hours)")


class ComplaintList(Reply):
    complaints: list[Complaint]
