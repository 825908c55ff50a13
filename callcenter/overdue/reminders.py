"""Storing reminders once and announcing them on the hub (R20 escalation, R23 催办单).

A reminder is stored in the caller's transaction with INSERT ... ON CONFLICT DO NOTHING on
(record, deadline, state), so a repeated watch run or a second service instance adds
nothing twice. The hub announcement is made only after the commit (`announce`): a page must
never show a reminder that a rollback then takes back. If the hub is down the reminder is
still stored, and the owner sees it in the list.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.customers.fields import iso
from callcenter.hub import Hub, HubUnavailable
from callcenter.overdue.models import ReminderRow

log = logging.getLogger(__name__)

CHANNEL = "reminders"
"""Hub channel of reminder events; pages filter on `owner` and `role`."""

_TABLE = ReminderRow.__table__


async def add(
    session: AsyncSession,
    *,
    entity: str,
    entity_id: int,
    deadline: str,
    state: str,
    due_at: datetime | None,
    owner: str | None,
    role: str | None,
    message: str,
    now: datetime,
) -> dict[str, Any] | None:
    """Store a reminder unless the same one exists; return its JSON form if it is new."""
    new = await add_many(session, [{
        "entity": entity, "entity_id": entity_id, "deadline": deadline, "state": state,
        "due_at": due_at, "owner": owner, "role": role, "message": message,
        "created_at": now}])
    return new[0] if new else None


async def add_many(session: AsyncSession, reminders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store those of `reminders` (column values) not stored yet; the new ones as JSON."""
    if not reminders:
        return []
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_TABLE)
        .on_conflict_do_nothing(index_elements=["entity", "entity_id", "deadline", "state"])
        .returning(_TABLE.c.id, _TABLE.c.entity, _TABLE.c.entity_id, _TABLE.c.deadline,
                   _TABLE.c.state)
    )
    result = await session.execute(statement, reminders)
    by_key = {(r["entity"], r["entity_id"], r["deadline"], r["state"]): r for r in reminders}
    return [reminder_json_values({**by_key[(row.entity, row.entity_id, row.deadline,
                                            row.state)], "id": row.id,
                                  "acknowledged_at": None})
            for row in result.all()]


def reminder_json_values(values: dict[str, Any]) -> dict[str, Any]:
    """The hub/API form of a reminder from its column values."""
    return {
        "type": "reminder",
        "id": values["id"],
        "entity": values["entity"],
        "entity_id": values["entity_id"],
        "deadline": values["deadline"],
        "state": values["state"],
        "due_at": iso(values["due_at"]),
        "owner": values["owner"],
        "role": values["role"],
        "message": values["message"],
        "created_at": iso(values["created_at"]),
        "acknowledged_at": iso(values["acknowledged_at"]),
    }


def reminder_json(row: ReminderRow) -> dict[str, Any]:
    return reminder_json_values({c.key: getattr(row, c.key) for c in _TABLE.columns})


async def announce(hub: Hub, reminders: Iterable[dict[str, Any]]) -> int:
    """Publish committed reminders; returns how many went out (the rest stay stored)."""
    sent = 0
    for reminder in reminders:
        try:
            await hub.publish(CHANNEL, reminder)
        except HubUnavailable as exc:
            log.warning("reminder %s stored but not announced: %s", reminder["id"], exc)
            continue
        sent += 1
    return sent
