"""Reading the audit log back: who did what to one record, or everything since a moment."""

from __future__ import annotations

from sqlalchemy import select

from callcenter.audit.models import AuditRow
from callcenter.audit.schemas import AuditSearch
from callcenter.storage.database import Database


async def search(db: Database, query: AuditSearch) -> list[AuditRow]:
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
