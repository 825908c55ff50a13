"""The customer API's requests and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R5, R13, R16).

Phone numbers are normalised here, at the edge, with the site's region and area code (the
`NumberPlan` given as the validation context `plan`), so that the service and the lookup
only ever see E.164.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, ClassVar
from zoneinfo import available_timezones

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

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
