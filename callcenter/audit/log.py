"""Recording what people read and change (R27).

`record` adds a row to the caller's unit of work, for handlers that change records through
the ORM anyway. `write` inserts rows at once in one Core statement, in the caller's
transaction or on its autocommit connection: the hot read paths (the caller lookup behind
every screen-pop) use it, as an ORM flush of one audit row costs more than the lookup itself.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from callcenter.audit.models import AuditRow
from callcenter.auth.principal import Principal


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
    record_as(
        session,
        account_id=who.account_id,
        username=who.username,
        role=str(who.role),
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
    )


def entry(who: Principal, action: str, entity: str, entity_id: str | int,
          detail: dict[str, Any] | None = None, *, at: datetime | None = None) -> dict[str, Any]:
    """One audit row as `write` takes it, stamped `at` (default now)."""
    return {"at": at or datetime.now(UTC),
            **_columns(who.account_id, who.username, str(who.role), action, entity, entity_id,
                       detail)}


async def write(conn: AsyncConnection, entries: Sequence[dict[str, Any]]) -> None:
    """Insert `entries` now, on the caller's connection, as one statement."""
    if entries:
        await conn.execute(insert(AuditRow), list(entries))


def _columns(account_id: int | None, username: str, role: str, action: str, entity: str,
             entity_id: str | int, detail: dict[str, Any] | None) -> dict[str, Any]:
    """An audit row's columns, cut to their widths: one shape for every way rows are added."""
    return {"account_id": account_id, "username": username[:120], "role": role[:20],
            "action": action, "entity": entity, "entity_id": str(entity_id)[:80],
            "detail": detail or {}}


def record_as(
    session: AsyncSession,
    *,
    account_id: int | None,
    username: str,
    role: str,
    action: str,
    entity: str,
    entity_id: str | int,
    detail: dict[str, Any] | None = None,
) -> None:
    """`record` for actors that are not a logged-in principal: a failed login (the name that
    was typed, perhaps no account at all) or the command line."""
    session.add(AuditRow(**_columns(account_id, username, role, action, entity, entity_id,
                                    detail)))


def record_by_operator(
    session: AsyncSession,
    action: str,
    entity: str,
    entity_id: str | int,
    detail: dict[str, Any] | None = None,
) -> None:
    """`record` for the `callcenter` command, run by whoever holds the server's shell."""
    record_as(
        session,
        account_id=None,
        username=f"cli:{_os_user()}",
        role="system",
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
    )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
