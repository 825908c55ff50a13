"""The audit API's query and reply, each declared once (R27)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

from callcenter.web.api import Query, Reply, Time

MAX_LIMIT = 1000


def _utc(value: datetime) -> datetime:
    """`web.api.Instant` without its 500: an offset can push year 1 out of range in UTC."""
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of range") from None


Moment = Annotated[AwareDatetime, AfterValidator(_utc)]
"""An ISO 8601 instant with its UTC offset, e.g. 2025-10-01T08:00:00+08:00, kept in UTC."""


class AuditSearch(Query):
    """Which entries, newest first: every filter given must match."""

    entity: str | None = Field(None, max_length=40,
                               description="kind of record: account, api_token, customer...")
    entity_id: str | None = Field(None, max_length=80, description="the record's id")
    username: str | None = Field(None, max_length=120, description="who acted")
    since: Moment | None = Field(None, description="from this moment (inclusive), with a "
                                                   "UTC offset")
    until: Moment | None = Field(None, description="up to this moment (exclusive), with a "
                                                   "UTC offset")
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description="at most this many entries")


class AuditEntry(Reply):
    id: int
    at: Time
    account_id: int | None
    username: str
    role: str
    action: str = Field(examples=["read", "create", "update", "login", "logout"])
    entity: str
    entity_id: str
    # Free-form: each kind of record audits what matters about it (a count, a number...).
    detail: dict[str, Any]


class AuditEntries(Reply):
    entries: list[AuditEntry]
