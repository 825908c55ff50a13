"""Reading the audit log back: who did what to one record, or everything since a moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from callcenter.audit.models import AuditRow
from callcenter.storage.database import Database

MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class AuditFilter:
    entity: str | None = None
    entity_id: str | None = None
    username: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


def audit_json(row: AuditRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "account_id": row.account_id,
        "username": row.username,
        "role": row.role,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "detail": row.detail,
    }


async def search(db: Database, query: AuditFilter) -> list[AuditRow]:
    """Newest first, at most `limit` rows, so a page never pulls the whole log."""
    statement = select(AuditRow)
    if query.entity is not None:
        statement = statement.where(AuditRow.entity == query.entity)
    if query.entity_id is not None:
        statement = statement.where(AuditRow.entity_id == query.entity_id)
    if query.username is not None:
        statement = statement.where(AuditRow.username == query.username)
    if query.since is not None:
        statement = statement.where(AuditRow.at >= query.since)
    if query.until is not None:
        statement = statement.where(AuditRow.at < query.until)
    statement = statement.order_by(AuditRow.id.desc()).limit(query.limit)
    async with db.sessions() as session:
        return list((await session.scalars(statement)).all())
