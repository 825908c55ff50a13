"""The call registry (R4): every finished call stored exactly once, and read back for R1.

`CallRegistry.write` is idempotent: a call id already stored is skipped by the database
itself (INSERT ... ON CONFLICT DO NOTHING on `calls.call_id`), so a record offered twice —
by a resync, a retry after a failed commit, or a restart — still gives one row.
`RegistryWriter` sits between the synchronous tracker and the database: the tracker's sink
only appends to memory, and one task writes in batches, holding on to every record while
the database is away.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import selectinload

from callcenter.calls import rows, sla
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.changes import CallEnded, Change
from callcenter.calls.models import CallAgentLegRow, CallQueueVisitRow, CallRow
from callcenter.settings import SlaSettings
from callcenter.storage.database import Database

log = logging.getLogger(__name__)

_CALLS = CallRow.__table__
_VISITS = CallQueueVisitRow.__table__
_LEGS = CallAgentLegRow.__table__


#: Calls per write. SQLAlchemy prepares a batch's parameters on the event loop in one go (some
#: 25 µs a call), so the batch size bounds how long one write blocks the loop: 250 calls keep
#: it near 7 ms; 500 took 12-19 ms and wrote no faster (`callcenter bench ingest`).
DEFAULT_BATCH_SIZE = 250

#: One table row as (column, value) pairs.
Row = tuple[tuple[str, Any], ...]
#: A finished call as the rows it is stored as: (call id, call row, visit rows, leg rows).
CallRows = tuple[str, Row, tuple[Row, ...], tuple[Row, ...]]


def call_rows(call: FinishedCall) -> CallRows:
    """The rows of a finished call, in the form the writer can keep by the thousand.

    Why plain nested tuples of plain values (str, numbers, datetimes) and not the record, a
    named tuple or dicts: the cyclic garbage collector stops tracking those after a
    collection or two, while every record, visit, leg, dict and tuple subclass stays in its
    sight. A backlog of 50,000 calls (a database outage, or a burst the database cannot
    follow) kept as records made every full collection walk some 300,000 objects, stalling
    the event loop for 100-250 ms, more than Asterisk waits on the AMI socket; kept like this
    it costs the collector next to nothing.
    """
    call_id = call.call_id
    return (
        call_id,
        _row(rows.call_values(call)),
        tuple([_row(rows.visit_values(call_id, visit)) for visit in call.visits]),
        tuple([_row(rows.leg_values(call_id, leg)) for leg in call.legs]),
    )


def _row(values: dict[str, Any]) -> Row:
    return tuple(values.items())


class CallRegistry:
    """Reads and writes the `calls`, `call_queue_visits` and `call_agent_legs` tables."""

    def __init__(
        self,
        db: Database,
        *,
        sla_settings: SlaSettings | None = None,
        rule_for: sla.RuleFor | None = None,
    ) -> None:
        """`rule_for` gives each queue's R1 rule (the directory's); without it every queue
        has the rule of `sla_settings`, whose short-abandon time holds for all queues."""
        self._db = db
        self._sla = sla_settings or SlaSettings()
        self._rule_for = rule_for or sla.everywhere(sla.RingRule.of(self._sla))
        self._dialect: Any = sqlite if db.backend == "sqlite" else postgresql

    async def write(self, calls: Sequence[FinishedCall]) -> int:
        """Store the calls not stored yet, children included, in one transaction.

        Returns how many calls were new. Children are only written for those, so a repeated
        call cannot gain visits or legs either.
        """
        return await self.write_rows([call_rows(call) for call in calls])

    async def write_rows(self, calls: Sequence[CallRows]) -> int:
        """`write` for calls already turned into rows (what `RegistryWriter` keeps)."""
        unique = list({call[0]: call for call in reversed(calls)}.values())
        if not unique:
            return 0
        insert = self._dialect.insert
        async with self._db.transaction() as session:
            conn = await session.connection()
            result = await conn.execute(
                insert(_CALLS)
                .on_conflict_do_nothing(index_elements=["call_id"])
                .returning(_CALLS.c.call_id),
                [dict(row) for _, row, _, _ in unique],
            )
            new = set(result.scalars())
            stored = [call for call in unique if call[0] in new]
            visits = [dict(row) for _, _, rows_, _ in stored for row in rows_]
            legs = [dict(row) for _, _, _, rows_ in stored for row in rows_]
            if visits:
                await conn.execute(insert(_VISITS).on_conflict_do_nothing(), visits)
            if legs:
                await conn.execute(insert(_LEGS).on_conflict_do_nothing(), legs)
        return len(new)

    async def fetch_calls(
        self,
        since: datetime,
        until: datetime,
        queue: str | None = None,
        *,
        with_children: bool = True,
    ) -> list[FinishedCall]:
        """Calls that entered the hotline in [since, until), optionally of one (first) queue."""
        stmt = (
            select(CallRow)
            .where(CallRow.entered_at >= since, CallRow.entered_at < until)
            .order_by(CallRow.entered_at, CallRow.id)
        )
        if queue is not None:
            stmt = stmt.where(CallRow.queue == queue)
        if with_children:
            stmt = stmt.options(selectinload(CallRow.visits), selectinload(CallRow.legs))
        async with self._db.sessions() as session:
            found = (await session.execute(stmt)).scalars().all()
            if not with_children:
                return [rows.finished_call(row) for row in found]
            return [rows.finished_call(row, row.visits, row.legs) for row in found]

    async def service_level(
        self, since: datetime, until: datetime, queue: str | None = None
    ) -> sla.ServiceLevel:
        """R1 figures for the calls that entered in [since, until), as judged when each call
        ended by the rule of its queue then, the rule stored with it (`sla.service_level`)."""
        calls = await self.fetch_calls(since, until, queue, with_children=False)
        # One queue's figures name its rule even on a day no call came in; the calls that
        # did come in name the rules they were judged by.
        rule_for = self._rule_for if queue is None else sla.everywhere(self._rule_for(queue))
        return sla.service_level(
            calls, rule_for=rule_for, short_abandon_s=self._sla.short_abandon_s
        )

    async def breaches(
        self, since: datetime, until: datetime, queue: str | None = None
    ) -> list[sla.Breach]:
        """R1 breaches in [since, until), each with the agents who let the call ring; every
        call by the rule stored with it, whatever its queue's rule is now."""
        calls = await self.fetch_calls(since, until, queue)
        return sla.breaches(calls)


# A record the database refuses on its own merits will be refused forever: set it aside
# (kept and logged) instead of blocking every call behind it. Anything else is taken for an
# outage and retried.
_REFUSED = (IntegrityError, DataError, ValueError, TypeError)


class RegistryWriter:
    """Writes finished calls in the background, in batches, never dropping one.

    `submit` is the tracker's sink: synchronous and O(1). The buffer has no hard limit on
    purpose — a dropped call would be an unregistered call (R4) — but passing `high_water`
    is logged as an error so that a long outage is noticed before memory is. On `stop` the
    buffer is flushed; what cannot be written by the deadline is logged call by call.
    """

    def __init__(
        self,
        registry: CallRegistry,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        high_water: int = 50_000,
        retry_min_s: float = 0.5,
        retry_max_s: float = 30.0,
    ) -> None:
        self._registry = registry
        self._batch_size = batch_size
        self._high_water = high_water
        self._retry_min_s = retry_min_s
        self._retry_max_s = retry_max_s
        self._pending: deque[CallRows] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()  # one writer of the buffer's head at a time
        self._stopping = False
        self._over_high_water = False
        self._down_since: float | None = None
        self.written = 0
        #: Calls the database refused on their own merits (logged; kept for inspection).
        self.rejected: list[CallRows] = []

    @property
    def backlog(self) -> int:
        return len(self._pending)

    @property
    def database_down(self) -> bool:
        """The last write failed for want of a database (health checks report it)."""
        return self._down_since is not None

    def on_change(self, change: Change) -> None:
        """The owner's listener: each ended call's one record is written (R4)."""
        if isinstance(change, CallEnded):
            self.submit(change.record)

    def submit(self, call: FinishedCall) -> None:
        self._pending.append(call_rows(call))
        if len(self._pending) > self._high_water and not self._over_high_water:
            self._over_high_water = True
            log.error(
                "call registry backlog above %d calls: the database is not keeping up "
                "(nothing is dropped; memory grows until it does)",
                self._high_water,
            )
        self._wake.set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name="call-registry-writer"
            )

    async def stop(self, timeout_s: float = 10.0) -> None:
        """Write what is left, waiting at most `timeout_s` for the database."""
        self._stopping = True
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(task, timeout_s)
        except TimeoutError:
            lost = [call[0] for call in self._pending]
            log.error(
                "call registry: %d calls could not be written before shutdown: %s",
                len(lost),
                ", ".join(lost),
            )

    async def flush(self) -> bool:
        """Write everything buffered now; False if the database failed (records are kept)."""
        async with self._lock:
            while self._pending:
                size = min(self._batch_size, len(self._pending))
                batch = [self._pending[i] for i in range(size)]
                if not await self._attempt(batch):
                    return False
                for _ in batch:
                    self._pending.popleft()
        if self._over_high_water and len(self._pending) <= self._high_water // 2:
            self._over_high_water = False
        return True

    async def _run(self) -> None:
        delay = self._retry_min_s
        while True:
            if not self._pending:
                if self._stopping:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if await self.flush():
                delay = self._retry_min_s
                continue
            await asyncio.sleep(delay)
            delay = min(delay * 2, self._retry_max_s)

    async def _attempt(self, batch: list[CallRows]) -> bool:
        """One write; True once every call of the batch is stored or set aside."""
        try:
            self.written += await self._registry.write_rows(batch)
        except _REFUSED as exc:
            if len(batch) > 1:  # find the culprit; the others are written one by one
                for call in batch:
                    if not await self._attempt([call]):
                        return False
                return True
            log.error(
                "call registry refused call %s: %s; kept aside: %r", batch[0][0], exc, batch[0]
            )
            self.rejected.append(batch[0])
        except Exception as exc:  # an outage: keep everything and retry later
            self._note_down(exc)
            return False
        self._note_up()
        return True

    def _note_down(self, exc: Exception) -> None:
        first = self._down_since is None
        if first:
            self._down_since = time.monotonic()
        log.log(
            logging.ERROR if first else logging.WARNING,
            "call registry: database unavailable (%s: %s); %d calls kept in memory, retrying",
            type(exc).__name__,
            str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "",
            len(self._pending),
        )

    def _note_up(self) -> None:
        if self._down_since is not None:
            log.warning(
                "call registry: database back after %.1f s; writing %d kept calls",
                time.monotonic() - self._down_since,
                len(self._pending),
            )
            self._down_since = None


__all__ = ["DEFAULT_BATCH_SIZE", "CallRegistry", "CallRows", "RegistryWriter", "call_rows"]
