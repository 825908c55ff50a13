"""Storing reminders once, announcing them on the hub, and their acknowledgement by the
people they are addressed to (R20 escalation, R23 催办单).

A reminder is stored in the caller's transaction with INSERT ... ON CONFLICT DO NOTHING on
(record, deadline, state), so a repeated watch run or a second service instance adds
nothing twice. The hub announcement is made only after the commit (`announce`): a page must
never show a reminder that a rollback then takes back. If the hub is down the reminder is
still stored, and the owner sees it in the list.

A reminder is addressed to a person (`owner`) or to everyone holding a role (`role`);
`addressed_to` is the one definition of "mine", used by the list and by `acknowledge`, so a
person can acknowledge exactly the reminders they are shown.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from callcenter.audit.log import record
from callcenter.auth.principal import Principal
from callcenter.clock import iso
from callcenter.errors import NotFound
from callcenter.hub import Hub, HubUnavailable
from callcenter.overdue.models import ReminderRow
from callcenter.overdue.schemas import Reminder

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
    """Store a reminder unless the same one exists; return its hub event if it is new."""
    new = await add_many(session, [{
        "entity": entity, "entity_id": entity_id, "deadline": deadline, "state": state,
        "due_at": due_at, "owner": owner, "role": role, "message": message,
        "created_at": now}])
    return new[0] if new else None


async def add_many(session: AsyncSession, reminders: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store those of `reminders` (column values) not stored yet; the hub events of the new
    ones: each the JSON object of its `Reminder`, as the hub carries it to the pages."""
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
    return [_event({**by_key[(row.entity, row.entity_id, row.deadline, row.state)],
                    "id": row.id, "acknowledged_at": None})
            for row in result.all()]


def _event(values: dict[str, Any]) -> dict[str, Any]:
    """The hub event of a reminder from its column values: the JSON of its `Reminder`."""
    return Reminder.model_validate(values).model_dump(mode="json")


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


def addressed_to(who: Principal) -> ColumnElement[bool]:
    """Reminders for `who`: by their username, or to the role they hold."""
    return or_(ReminderRow.owner == who.username, ReminderRow.role == who.role.value)


async def mine(session: AsyncSession, who: Principal, *, open_only: bool,
               limit: int) -> list[ReminderRow]:
    """`who`'s reminders, newest first; `open_only` leaves out acknowledged ones."""
    query = select(ReminderRow).where(addressed_to(who))
    if open_only:
        query = query.where(ReminderRow.acknowledged_at.is_(None))
    query = query.order_by(ReminderRow.id.desc()).limit(limit)
    return list((await session.scalars(query)).all())


async def acknowledge(session: AsyncSession, who: Principal, reminder_id: int,
                      now: datetime) -> ReminderRow:
    """Mark one of `who`'s reminders as seen; the first acknowledgement's time is kept.

    A reminder addressed to someone else is "not found", like one that does not exist: a
    reminder names a late record and its owner, which is not everyone's business (R27).
    A reminder to a role is one task for the whole role, so the first of them to
    acknowledge it acknowledges it for all. The conditional UPDATE makes two people (or two
    clicks) acknowledging at once settle on one time on either back-end, without a lock;
    only the acknowledgement that changed the row is audited, as the change it is.
    """
    row = await session.scalar(select(ReminderRow).where(
        ReminderRow.id == reminder_id, addressed_to(who)))
    if row is None:
        raise NotFound("reminder", str(reminder_id))
    if row.acknowledged_at is not None:
        return row
    changed = await session.scalar(
        update(ReminderRow)
        .where(ReminderRow.id == reminder_id, ReminderRow.acknowledged_at.is_(None))
        .values(acknowledged_at=now)
        .returning(ReminderRow.id)
        .execution_options(synchronize_session=False))
    if changed is None:  # acknowledged by someone else a moment ago: theirs is the time
        await session.refresh(row)
        return row
    set_committed_value(row, "acknowledged_at", now)
    record(session, who, "update", "reminder", row.id, {"acknowledged_at": iso(now)})
    return row
