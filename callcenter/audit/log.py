"""Recording what people read and change (R27)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.models import AuditRow
from callcenter.auth.roles import Principal


def record(
    session: AsyncSession,
    who: Principal,
    action: str,
    entity: str,
    entity_id: str | int,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's transaction, so the record and its trace commit
    together or not at all."""
    session.add(
        AuditRow(
            account_id=who.account_id,
            username=who.username,
            role=str(who.role),
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail=detail or {},
        )
    )
