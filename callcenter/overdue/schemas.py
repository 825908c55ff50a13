"""The overdue list's and the reminders' requests and replies, each declared once (R23).

`Reminder` is also the form of the hub's reminder events (`reminders.CHANNEL`): a page
shows the same thing whether it came live or from the list.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from callcenter.rules.deadlines import DeadlineState
from callcenter.web.api import Query, Reply, Time


def _true_or_false(value: object) -> object:
    """Spelled exactly so: "1" or "yes" is refused, not guessed; `?open=` is not given."""
    if value == "":
        return False
    if value not in ("true", "false"):
        raise ValueError("must be true or false")
    return value == "true"


class ReminderFilter(Query):
    open: Annotated[bool, BeforeValidator(_true_or_false)] = Field(
        default=False, description="true: only those not acknowledged yet")
    limit: int = Field(default=50, ge=1, le=200)


class OverdueItem(Reply):
    """One running clock of an open order or complaint that is overdue or due soon."""

    entity: Literal["service_order", "complaint"]
    entity_id: int
    label: str
    deadline: str
    due: Time
    state: Literal[DeadlineState.DUE_SOON, DeadlineState.OVERDUE]
    owner: str | None = Field(description="reminded by name: the technician or the "
                                          "complaint's owner")
    role: str | None = Field(description="reminded as a role when the record has no owner")
    customer_id: int | None


class OverdueList(Reply):
    at: Time = Field(description="when the list was worked out")
    items: list[OverdueItem] = Field(description="overdue first, then by due time")


class Reminder(Reply):
    """A stored reminder (催办单), to a person (`owner`) or to everyone in a `role`."""

    type: Literal["reminder"] = "reminder"
    id: int
    entity: str
    entity_id: int
    deadline: str
    state: str
    due_at: Time | None
    owner: str | None
    role: str | None
    message: str
    created_at: Time
    acknowledged_at: Time | None


class ReminderList(Reply):
    reminders: list[Reminder]
