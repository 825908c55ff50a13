"""Writing one status change of a stored record: the part every status flow shares.

A status history is an audit trail of its own (who moved the record, when, from what to
what), which is why it lives beside the audit log and not in storage.

Service orders (R12, the repair card's history) and complaints (R22, the ledger's history)
move through the machines of `callcenter.rules.status` the same way: the service checks the
move (`StatusMachine.check`, a 409 "illegal-transition" if the machine forbids it), applies
what is particular to that record (stamps, outbox events for the R14/R15 call-backs), then
calls `write_transition`, which sets the status, times the change in a history row and
audits it (R27) in the caller's transaction, and both show a history in their replies as a
list of `StatusChange`. One place for those parts means the two histories cannot drift
apart in what they record, or in how they read.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from pydantic import ConfigDict, Field
from sqlalchemy import Integer, String, Text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.storage.types import UtcDateTime
from callcenter.web.api import Reply, Time


class TimedTransition:
    """The columns of one timed status change, shared by every history table (the repair
    card's, R12, and the complaint ledger's, R22); the subclass adds the owner's key."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    by: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")


class HistoryRowType(Protocol):
    """The history table's class, called to make the new row."""

    def __call__(self, *, from_status: str | None, to_status: str, at: datetime, by: str,
                 note: str) -> Any: ...


class TrackedRecord(Protocol):
    """A stored record with a status flow and its history (loaded with the record)."""

    id: int
    status: str
    updated_at: datetime

    @property
    def transitions(self) -> list[Any]: ...


async def write_transition(
    session: AsyncSession,
    who: Principal,
    row: TrackedRecord,
    *,
    entity: str,
    history: HistoryRowType,
    current: StrEnum,
    target: StrEnum,
    note: str,
    now: datetime,
) -> None:
    """Set `row` to `target` and append the timed change `current` → `target` by `who`,
    audited as an update of `entity` (R27); flushed, not committed."""
    row.status = target.value
    row.updated_at = now
    row.transitions.append(history(from_status=current.value, to_status=target.value, at=now,
                                   by=who.username, note=note))
    record(session, who, "update", entity, row.id, {"status": [current.value, target.value]})
    await session.flush()


class StatusChange(Reply):
    """One timed change of a status history in a reply, made from its history row: the
    repair card's (R12) and the ledger's (R22) read the same."""

    # `from` is a Python keyword: the field is `from_`, its JSON name stays `from`.
    model_config = ConfigDict(frozen=True, from_attributes=True, serialize_by_alias=True)

    from_: str | None = Field(validation_alias="from_status", serialization_alias="from")
    to: str = Field(validation_alias="to_status")
    at: Time
    by: str
    note: str
