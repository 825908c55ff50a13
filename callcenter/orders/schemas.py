"""The service-order API's requests and replies, each declared once: from these come the
validation, the JSON and `/api/openapi.json` (R7-R12).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field, Strict

from callcenter.audit.history import StatusChange
from callcenter.rules.classification import ServiceClass
from callcenter.rules.deadlines import ServiceZone
from callcenter.rules.status import OrderStatus
from callcenter.web.api import (
    Body,
    Id,
    Instant,
    LongText,
    Patch,
    Query,
    Reply,
    Time,
    blank_is_absent,
    in_url,
)
from callcenter.web.inputs import MAX_ID

MAX_UNITS = 10_000


class OrderKind(StrEnum):
    """What the customer asked for (000 §6-§8 of the rules)."""

    REPAIR = "repair"
    INSTALLATION = "installation"
    MAINTENANCE = "maintenance"
    CONSULTATION = "consultation"


CallId = Annotated[str, Field(max_length=64, description="the PBX Linkedid of the call")]
Technician = Annotated[str, Field(max_length=120)]
Note = Annotated[str, Field(max_length=2000)]
Units = Annotated[int, Field(ge=1, le=MAX_UNITS,
                             description="R10: a workshop batch of this many units")]


class OrderIn(Body):
    """A new order: customer, kind and class are required; units only for workshop batches."""

    customer_id: Id
    product_id: Id | None = None
    call_id: CallId | None = None
    kind: OrderKind
    service_class: ServiceClass
    description: LongText = ""
    technician: Technician | None = None
    units: Units | None = None


def _iso_text(value: object) -> object:
    if isinstance(value, str | datetime):
        return value
    raise ValueError("must be an ISO 8601 date-time string")


PatchInstant = Annotated[Instant, Strict(False), BeforeValidator(_iso_text)]
"""An `Instant` in a `Patch`, read from its ISO string as in any other body.

WORKAROUND: `web.api.Patch` looks for nulls in a `mode="before"` validator, after which
pydantic validates the fields as Python values, and strict mode takes no string for a
datetime there. Lax for the string alone (a number is still refused); drop it once `Patch`
keeps the JSON mode."""


class OrderPatch(Patch):
    """What changes without a status change: technician, notes, the R7/R8 clock stops."""

    nullable: ClassVar[frozenset[str]] = frozenset(
        {"technician", "first_contact_at", "plan_sent_at"})

    technician: Technician | None = None
    description: LongText | None = None
    first_contact_at: PatchInstant | None = Field(default=None,
                                                  description="stops the R7 clock")
    plan_sent_at: PatchInstant | None = Field(default=None, description="stops the R8 clock")
    service_class: ServiceClass | None = None


class OrderStatusIn(Body):
    """The status to move to, a note for the history, and the technician to dispatch."""

    status: OrderStatus
    note: Note = ""
    technician: Technician | None = None




class OrderSearch(Query):
    """The order list's filters; each one given narrows the list."""

    customer_id: int = Field(default=0, ge=0, le=MAX_ID, description="0: any customer")
    status: Annotated[OrderStatus | None, BeforeValidator(blank_is_absent), in_url(
        {"type": "string", "enum": [s.value for s in OrderStatus]})] = None
    technician: Annotated[Technician | None, BeforeValidator(blank_is_absent), in_url(
        {"type": "string", "maxLength": 120})] = None
    limit: int = Field(default=50, ge=1, le=200)


# -- replies -------------------------------------------------------------------------------

class OrderClockState(StrEnum):
    """Where one deadline of an order stands (`rules.deadlines.clock_state`)."""

    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    MISSED = "missed"
    STOPPED = "stopped"


class OrderClock(Reply):
    """One deadline of an order: when it is due, when its clock stopped, where it stands."""

    due: Time
    done_at: Time | None
    state: OrderClockState
    uncertain: bool = Field(description="counted in working time across a day no calendar "
                                        "source knows (a year whose holiday notice is not "
                                        "entered)")


class OrderRecord(Reply):
    """What an order stores, as its reply shows it (read from the row)."""

    id: int
    customer_id: int
    product_id: int | None
    call_id: str | None
    kind: OrderKind
    service_class: ServiceClass
    zone: ServiceZone
    status: OrderStatus
    description: str
    technician: str | None
    registered_by: str
    units: int | None
    registered_at: Time
    priority_dispatch_at: Time
    transitions: list[StatusChange]
    updated_at: Time


class Order(OrderRecord):
    """An order with where each of its deadlines stands now (R7-R10) and its timed history."""

    deadlines: dict[str, OrderClock] = Field(
        description="first_response, handling_plan, on_site, solved, workshop: those the "
                    "order has")


class OrderList(Reply):
    orders: list[Order]
