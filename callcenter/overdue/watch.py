"""The overdue watch (R23; R7-R10 for orders): find late records, remind their owners.

`find_late(session, now)` is the one query behind both the scheduled job and the managers'
list: open orders and complaints whose running clock is past its stored deadline or within
its warning window. `run_once(db, hub, now)` stores one reminder per (record, deadline,
state) — due soon, then overdue — and announces the new ones on the hub after the commit.
The APScheduler job only calls `run_once` with the wall clock; tests call it with a fixed
`now`, so the watch is deterministic.

Who is reminded: an order's technician once it has one, otherwise the supervisors who
dispatch; a complaint's owner, otherwise the managers (R20: complaints are the service
manager's).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.auth.principal import Role
from callcenter.clock import iso, utcnow
from callcenter.complaints.models import ComplaintRow
from callcenter.hub import Hub
from callcenter.orders.models import ServiceOrderRow
from callcenter.overdue import reminders
from callcenter.overdue.models import ReminderRow
from callcenter.rules.deadlines import DeadlineState, deadline_state
from callcenter.scheduling import OwnedScheduler
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE, HUB

log = logging.getLogger(__name__)

ORDER_WARNING = timedelta(hours=1)
CASE_WARNING = timedelta(days=1)
ANSWER_WARNING = timedelta(hours=1)
INTERVAL_S = 60.0
YIELD_EVERY = 500

_OPEN_ORDER = ServiceOrderRow.status.not_in(("closed", "cancelled"))
_OPEN_COMPLAINT = ComplaintRow.status != "closed"


@dataclass(frozen=True, slots=True)
class Late:
    """One running clock that is overdue or due soon (`schemas.OverdueItem` in a reply)."""

    entity: str  # service_order | complaint
    entity_id: int
    label: str
    deadline: str
    due: datetime
    state: DeadlineState
    owner: str | None
    role: str | None
    customer_id: int | None


_O = ServiceOrderRow
_C = ComplaintRow
_ORDER_COLUMNS = (_O.id, _O.kind, _O.units, _O.technician, _O.customer_id,
                  _O.first_response_due, _O.first_contact_at, _O.handling_plan_due,
                  _O.plan_sent_at, _O.on_site_due, _O.on_site_at, _O.solved_due,
                  _O.completed_at, _O.workshop_due)


def _order_clocks(row: Any) -> list[tuple[str, datetime | None, bool]]:
    """(deadline, due, running) of an order; R8 only for repairs, R9 only for visits."""
    visit = row.kind != "consultation" and row.units is None
    return [
        ("first_response", row.first_response_due, row.first_contact_at is None),
        ("handling_plan", row.handling_plan_due, row.kind == "repair" and row.plan_sent_at is None),
        ("on_site", row.on_site_due, visit and row.on_site_at is None),
        ("solved", row.solved_due, row.completed_at is None),
        ("workshop", row.workshop_due, row.completed_at is None),
    ]


async def _late_orders(session: AsyncSession, now: datetime) -> list[Late]:
    horizon = now + ORDER_WARNING
    query = select(*_ORDER_COLUMNS).where(_OPEN_ORDER, or_(
        and_(_O.first_contact_at.is_(None), _O.first_response_due <= horizon),
        and_(_O.plan_sent_at.is_(None), _O.handling_plan_due <= horizon),
        and_(_O.on_site_at.is_(None), _O.on_site_due <= horizon),
        and_(_O.completed_at.is_(None), _O.solved_due <= horizon),
        and_(_O.completed_at.is_(None), _O.workshop_due <= horizon),
    )).order_by(_O.id)
    found: list[Late] = []
    for n, row in enumerate((await session.execute(query)).all()):
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # a long backlog must not stall screen-pops meanwhile
        owner = row.technician
        role = None if owner else Role.SUPERVISOR.value
        for name, due, running in _order_clocks(row):
            if due is None or not running:
                continue
            state = deadline_state(due, now, ORDER_WARNING)
            if state is not DeadlineState.ON_TIME:
                found.append(Late("service_order", row.id, f"order {row.id} ({row.kind})", name,
                                  due, state, owner, role, row.customer_id))
    return found


async def _late_complaints(session: AsyncSession, now: datetime) -> list[Late]:
    query = select(_C.id, _C.number, _C.owner, _C.customer_id, _C.case_due, _C.answer_due,
                   _C.resolved_at).where(_OPEN_COMPLAINT, or_(
        _C.case_due <= now + CASE_WARNING,
        and_(_C.resolved_at.is_(None), _C.answer_due <= now + ANSWER_WARNING),
    )).order_by(_C.id)
    found: list[Late] = []
    for n, row in enumerate((await session.execute(query)).all()):
        if n % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        owner = row.owner
        role = None if owner else Role.MANAGER.value
        clocks: list[tuple[str, datetime | None, timedelta, bool]] = [
            ("case", row.case_due, CASE_WARNING, True),
            ("answer", row.answer_due, ANSWER_WARNING, row.resolved_at is None),
        ]
        for name, due, warning, running in clocks:
            if due is None or not running:
                continue
            state = deadline_state(due, now, warning)
            if state is not DeadlineState.ON_TIME:
                found.append(Late("complaint", row.id, f"complaint {row.number}", name, due,
                                  state, owner, role, row.customer_id))
    return found


async def find_late(session: AsyncSession, now: datetime) -> list[Late]:
    """Every running clock of an open order or complaint that is overdue or due soon."""
    late = [*await _late_orders(session, now), *await _late_complaints(session, now)]
    late.sort(key=lambda item: (item.state is not DeadlineState.OVERDUE, item.due))
    return late


async def _reminded(session: AsyncSession) -> set[tuple[str, int, str, str]]:
    """Reminders already stored for open records: the watch skips them without a write."""
    r = ReminderRow
    orders = select(r.entity, r.entity_id, r.deadline, r.state).join(
        _O, and_(r.entity == "service_order", _O.id == r.entity_id)).where(_OPEN_ORDER)
    complaints = select(r.entity, r.entity_id, r.deadline, r.state).join(
        _C, and_(r.entity == "complaint", _C.id == r.entity_id)).where(_OPEN_COMPLAINT)
    rows = (await session.execute(orders.union_all(complaints))).all()
    return {(row[0], row[1], row[2], row[3]) for row in rows}


async def run_once(db: Database, hub: Hub, now: datetime) -> list[dict[str, Any]]:
    """One pass of the watch: store new reminders, then announce them; returns the hub events
    of the new ones (each the JSON of its `schemas.Reminder`)."""
    async with db.transaction() as session:
        done = await _reminded(session)
        fresh = []
        for n, item in enumerate(await find_late(session, now)):
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            if (item.entity, item.entity_id, item.deadline, item.state.value) in done:
                continue
            word = "is overdue" if item.state is DeadlineState.OVERDUE else "is due soon"
            fresh.append({
                "entity": item.entity, "entity_id": item.entity_id, "deadline": item.deadline,
                "state": item.state.value, "due_at": item.due, "owner": item.owner,
                "role": item.role, "created_at": now,
                "message": f"{item.label}: {item.deadline} {word} ({iso(item.due)})"})
        new = await reminders.add_many(session, fresh)
    new.sort(key=lambda reminder: int(reminder["id"]))
    await reminders.announce(hub, new)
    return new


Clock = Callable[[], datetime]


def watch_context(
    interval_s: float = INTERVAL_S, clock: Clock = utcnow
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A `cleanup_ctx` entry running the watch every `interval_s` on APScheduler."""

    async def overdue_watch(app: web.Application) -> AsyncIterator[None]:
        async def tick() -> None:
            try:
                await run_once(app[DATABASE], app[HUB], clock())
            except (SQLAlchemyError, OSError) as exc:
                log.warning("overdue watch skipped a run (database unavailable): %s", exc)

        # OwnedScheduler cancels a run still in progress when the app stops: APScheduler's
        # shutdown would leave it using the database after the app disposed of it.
        jobs = OwnedScheduler(AsyncIOScheduler(timezone=UTC,
                                               event_loop=asyncio.get_running_loop()))
        jobs.add_job(tick, "interval", seconds=interval_s, id="overdue-watch",
                     max_instances=1, coalesce=True)
        jobs.scheduler.start()
        try:
            yield
        finally:
            await jobs.stop()

    return overdue_watch
