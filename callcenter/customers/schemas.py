"""The customer API's requests and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R5, R13, R16).

Phone numbers are normalised here, at the edge, with the site's region and area code (the
`NumberPlan` given as the validation context `plan`), so that the service and the lookup
only ever see E.164.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from typing_extensions import TypedDict  # pydantic reads typing's only from Python 3.12

from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan, normalise
from callcenter.rules.deadlines import ServiceZone
from callcenter.web.api import (
    Body,
    Id,
    Instant,
    Line,
    LongText,
    Name,
    Paragraph,
    Patch,
    Query,
    Reply,
    Short,
    Time,
)

MAX_PHONES = 10


class RenewalState(StrEnum):
    """R13: where the renewal offer of a maintenance contract stands."""

    PENDING = "pending"
    NOTIFIED = "notified"
    RENEWED = "renewed"
    DECLINED = "declined"


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def _known_zone(value: str) -> str:
    if value not in _zones():
        raise ValueError(f"unknown time zone {value!r} (e.g. Asia/Shanghai)")
    return value


TimeZoneName = Annotated[str, Field(max_length=64, examples=["Asia/Shanghai"]),
                         AfterValidator(_known_zone)]


class PhoneIn(Body):
    """A number as the customer or the agent writes it; kept in E.164."""

    number: Short
    label: Short = ""

    @field_validator("number")
    @classmethod
    def _e164(cls, raw: str, info: ValidationInfo) -> str:
        plan = (info.context or {}).get("plan")
        if not isinstance(plan, NumberPlan):
            raise TypeError("phones are validated with the site's NumberPlan as context")
        number = normalise(raw, plan.region, plan.area_code)
        if number is None:
            raise ValueError(f"{raw!r} is not a phone number")
        return number


def _once_each(phones: list[PhoneIn]) -> list[PhoneIn]:
    """One line written two ways is one number: the first spelling's label is kept."""
    distinct: dict[str, PhoneIn] = {}
    for phone in phones:
        distinct.setdefault(phone.number, phone)
    return list(distinct.values())


Phones = Annotated[list[PhoneIn], Field(max_length=MAX_PHONES), AfterValidator(_once_each)]


class CustomerIn(Body):
    """A new customer: a name, and the site's defaults for the rest."""

    name: Name
    phones: Phones = Field(default_factory=list)
    address: Paragraph = ""
    zone: ServiceZone = ServiceZone.CITY
    time_zone: TimeZoneName = "Asia/Shanghai"
    overseas: bool = False
    vip: bool = False
    language: Short = "zh"
    do_not_call: bool = False
    notes: LongText = ""


class CustomerPatch(Patch):
    """The customer fields to change; `phones`, when given, replaces the whole list."""

    name: Name | None = None
    phones: Phones | None = None
    address: Paragraph | None = None
    zone: ServiceZone | None = None
    time_zone: TimeZoneName | None = None
    overseas: bool | None = None
    vip: bool | None = None
    language: Short | None = None
    do_not_call: bool | None = None
    notes: LongText | None = None


ModelName = Annotated[str, Field(min_length=1, max_length=120, pattern=r"\S")]
Serial = Annotated[str, Field(max_length=120)]


def _warranty_after_delivery(delivered: datetime | None, warranty: datetime | None) -> None:
    """R16: a warranty cannot end before the product was delivered."""
    if delivered is not None and warranty is not None and warranty <= delivered:
        raise InvalidInput("warranty_end", "must be after delivered_at")


def _ends_after_start(starts: datetime | None, ends: datetime | None) -> None:
    """R13 counts back from a contract's end: it must end after it starts."""
    if starts is not None and ends is not None and ends <= starts:
        raise InvalidInput("ends_at", "must be after starts_at")


class ProductIn(Body):
    """A product the customer owns; a delivery date starts the R16 clock."""

    model: ModelName
    serial: Serial = ""
    purchased_on: date | None = None
    delivered_at: Instant | None = None
    warranty_end: Instant | None = None

    @model_validator(mode="after")
    def _dates(self) -> ProductIn:
        _warranty_after_delivery(self.delivered_at, self.warranty_end)
        return self


class ProductPatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset(
        {"purchased_on", "delivered_at", "warranty_end"})

    model: ModelName | None = None
    serial: Serial | None = None
    purchased_on: date | None = None
    delivered_at: Instant | None = None
    warranty_end: Instant | None = None

    @model_validator(mode="after")
    def _dates(self) -> ProductPatch:
        _warranty_after_delivery(self.delivered_at, self.warranty_end)
        return self


class ContractIn(Body):
    """A maintenance contract (R13)."""

    product_id: Id | None = None
    starts_at: Instant
    ends_at: Instant
    renewal_state: RenewalState = RenewalState.PENDING

    @model_validator(mode="after")
    def _term(self) -> ContractIn:
        _ends_after_start(self.starts_at, self.ends_at)
        return self


class ContractPatch(Patch):
    nullable: ClassVar[frozenset[str]] = frozenset({"product_id"})

    product_id: Id | None = None
    starts_at: Instant | None = None
    ends_at: Instant | None = None
    renewal_state: RenewalState | None = None

    @model_validator(mode="after")
    def _term(self) -> ContractPatch:
        _ends_after_start(self.starts_at, self.ends_at)
        return self


# -- replies -------------------------------------------------------------------------------

class Phone(Reply):
    number: str = Field(validation_alias="e164")
    label: str


class Product(Reply):
    id: int
    customer_id: int
    model: str
    serial: str
    purchased_on: date | None
    delivered_at: Time | None
    warranty_end: Time | None


class Contract(Reply):
    id: int
    customer_id: int
    product_id: int | None
    starts_at: Time
    ends_at: Time
    renewal_state: RenewalState
    renewal_notice_due: Time


class CustomerSummary(Reply):
    """A customer as a list shows them: without products and contracts."""

    id: int
    name: str
    phones: list[Phone]
    address: str
    zone: ServiceZone
    time_zone: str
    overseas: bool
    vip: bool
    language: str
    do_not_call: bool
    notes: str
    created_at: Time
    updated_at: Time


class Customer(CustomerSummary):
    """A customer with their products and contracts."""

    products: list[Product]
    contracts: list[Contract]


class CustomerList(Reply):
    customers: list[CustomerSummary]


class CustomerSearch(Query):
    name: Line | None = None
    phone: Short | None = None
    limit: int = Field(50, ge=1, le=200)


# -- the screen-pop lookup (GET /api/lookup) -----------------------------------------------
# The lookup statement builds its answer as JSON inside the database (`lookup.py`), and the
# reply is made from those plain values as they are, unvalidated (`Lookup.of`): the parts
# are TypedDicts, which pydantic writes from plain dicts, key by key. Their instants are
# already ISO 8601 in UTC (`...Z`) and pass through as the strings they are.

LookupInstant = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
LookupDate = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]


class LookupPhone(TypedDict):
    number: str
    label: str


class LookupProduct(TypedDict):
    id: int
    model: str
    serial: str
    purchased_on: LookupDate | None
    delivered_at: LookupInstant | None
    warranty_end: LookupInstant | None


class LookupContract(TypedDict):
    id: int
    product_id: int | None
    starts_at: LookupInstant
    ends_at: LookupInstant
    renewal_state: str
    renewal_notice_due: LookupInstant


class LookupClock(TypedDict):
    """One deadline of an open record: when it is due, when it stopped, where it stands."""

    due: LookupInstant
    done_at: LookupInstant | None
    state: str


class LookupOrder(TypedDict):
    """An open service order, with its R7-R10 clocks under `deadlines`."""

    id: int
    kind: str
    service_class: str
    status: str
    product_id: int | None
    technician: str | None
    description: str
    registered_at: LookupInstant
    units: int | None
    first_response_due: LookupInstant
    first_contact_at: LookupInstant | None
    handling_plan_due: LookupInstant
    plan_sent_at: LookupInstant | None
    on_site_due: LookupInstant
    on_site_at: LookupInstant | None
    solved_due: LookupInstant
    completed_at: LookupInstant | None
    workshop_due: LookupInstant | None
    deadlines: dict[str, LookupClock]


class LookupComplaint(TypedDict):
    """An open complaint, with its case (and answer) clock under `deadlines`."""

    id: int
    number: str
    kind: str
    severity: str
    status: str
    subject: str
    owner: str | None
    registered_at: LookupInstant
    case_due: LookupInstant
    answer_due: LookupInstant | None
    resolved_at: LookupInstant | None
    deadlines: dict[str, LookupClock]


class LookupCall(TypedDict):
    call_id: str
    entered_at: LookupInstant
    queue: str | None
    caller_number: str | None
    answered_by: str | None
    talk_s: float | None
    exit_reason: str
    outcome: str | None


class LookupSurvey(TypedDict):
    id: int
    surveyed_at: LookupInstant
    outcome: str
    order_id: int | None
    complaint_id: int | None
    technician: str | None
    attitude: int | None
    skill: int | None
    arrival_time: int | None
    promises_kept: int | None
    product_works: bool | None


class LookupCustomer(TypedDict):
    """A customer with that number, with what the agent needs on the phone (R5)."""

    id: int
    name: str
    address: str
    zone: str
    time_zone: str
    overseas: bool
    vip: bool
    language: str
    do_not_call: bool
    notes: str
    phones: list[LookupPhone]
    products: list[LookupProduct]
    contracts: list[LookupContract]
    open_orders: list[LookupOrder]
    open_complaints: list[LookupComplaint]
    last_calls: list[LookupCall]
    last_surveys: list[LookupSurvey]


class Lookup(Reply):
    """Who is calling from `number`: every customer with it ("ambiguous" when several: the
    agent asks, the system never guesses), and the number's own last calls."""

    number: str = Field(description="the number in E.164")
    match: Literal["none", "unique", "ambiguous"]
    customers: list[LookupCustomer]
    number_calls: list[LookupCall]

    @classmethod
    def of(cls, answer: Mapping[str, Any]) -> Lookup:
        """The reply from the lookup's answer as it is: the statement built it from stored
        rows, so nothing is checked again on the screen-pop's hot path."""
        return cls.model_construct(**answer)


class LookupQuery(Query):
    number: Short = Field(description="the caller's number in any format")
