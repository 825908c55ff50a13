"""What a pop shows and who saw it: the caller lookup, queue greetings (R3), the audit (R27).

The lookup is the back office's own one-statement lookup (`customers.lookup`), called
directly rather than over HTTP. Queue greetings and wrap-up times are kept in memory,
refreshed from the directory, because a pop must not wait for them.

Every customer card shown is an audited read (R27). The audit rows are written by
`AuditTrail`, in batches, right after the pop is on the screen rather than before: on
SQLite every write takes the database's one write lock, and making each pop wait for it
would put the registry's writes in front of every screen-pop. A record that cannot be
written yet is kept and retried, and what is left at shutdown is flushed.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, create_engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.pool import NullPool

from callcenter import phones
from callcenter.audit.log import entry, write
from callcenter.auth.principal import Principal
from callcenter.customers.lookup import lookup, shape, statement
from callcenter.directory.service import DirectoryService
from callcenter.storage.database import Database

log = logging.getLogger(__name__)

DEFAULT_WRAPUP_S = 30


@dataclass(frozen=True, slots=True)
class QueueInfo:
    name: str
    display_name: str
    greeting: str
    wrapup_s: int


class QueueInfos:
    """The directory's queues in memory: greeting (R3) and wrap-up time per queue."""

    def __init__(self, directory: DirectoryService) -> None:
        self._directory = directory
        self._queues: dict[str, QueueInfo] = {}

    async def refresh(self) -> None:
        rows = await self._directory.list_queues()
        self._queues = {r.name: QueueInfo(r.name, r.display_name, r.greeting, r.wrapup_s)
                        for r in rows}

    def greeting(self, queue: str) -> str:
        info = self._queues.get(queue)
        return info.greeting if info else ""

    def wrapup_s(self, queue: str) -> int:
        info = self._queues.get(queue)
        return info.wrapup_s if info else DEFAULT_WRAPUP_S

    def all(self) -> list[QueueInfo]:
        return sorted(self._queues.values(), key=lambda q: q.name)


class CardLoader:
    """The caller lookup for a pop; an unknown or unusable number gives the new-customer form.

    Lookups run one after another in a single task, a batch per database session: measured
    on SQLite, 120 lookups at once through the connection pool took 150 ms (threads and
    connections fighting over the GIL), the same lookups in one session 0.25 ms each. A ring
    burst is exactly when pops must not wait, so they queue here instead of in the pool. Each
    batch is a fresh session, so a customer saved a moment ago is seen by the next ring.
    """

    def __init__(self, db: Database, region: str, area_code: str, *, batch: int = 16,
                 workers: int = 1, sqlite_url: str | None = None) -> None:
        self._db = db
        self._sqlite = _SqliteReader(sqlite_url) if sqlite_url else None
        self._region = region
        self._area_code = area_code
        self._batch = batch
        self._waiting: deque[tuple[str, asyncio.Future[dict[str, Any]]]] = deque()
        self._wake = asyncio.Event()
        self._workers = workers
        self._tasks: list[asyncio.Task[None]] = []
        #: (lookups, seconds) of the last batches, for `callcenter bench pop`.
        self.batches: deque[tuple[int, float]] = deque(maxlen=1000)

    async def __call__(self, raw_number: str) -> dict[str, Any]:
        number = phones.normalise(raw_number, self._region, self._area_code)
        if number is None:
            return {"number": None, "match": "none", "customers": [], "number_calls": [],
                    "new_customer": {"phone": raw_number}}
        if not self._tasks:  # not started (tests, scripts): look up directly
            return await self._one(number)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting.append((number, future))
        self._wake.set()
        return await future

    async def _one(self, number: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        return _with_form(await self._db.on_autocommit(lambda conn: lookup(conn, number, now)))

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._run(), name=f"pop-lookups-{i}")
                       for i in range(self._workers)]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._sqlite is not None:
            self._sqlite.close()
        while self._waiting:
            _, future = self._waiting.popleft()
            future.cancel()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if len(self._waiting) <= self._batch:
                self._wake.clear()
            while self._waiting:
                count = min(self._batch, len(self._waiting))
                batch = [self._waiting.popleft() for _ in range(count)]
                await self._serve(batch)

    async def _serve(self, batch: list[tuple[str, asyncio.Future[dict[str, Any]]]]) -> None:
        now = datetime.now(UTC)
        started = time.perf_counter()
        try:
            if self._sqlite is not None:
                rows = await asyncio.to_thread(self._sqlite.read, [n for n, _ in batch])
                for (number, future), row in zip(batch, rows, strict=True):
                    if not future.done():
                        future.set_result(_with_form(
                            shape(number, row.customers, row.number_calls, now)))
            else:
                async def serve(conn: AsyncConnection) -> None:
                    for number, future in batch:
                        if not future.done():
                            future.set_result(_with_form(await lookup(conn, number, now)))

                await self._db.on_autocommit(serve)
        except (SQLAlchemyError, OSError) as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
        self.batches.append((len(batch), time.perf_counter() - started))


class _SqliteReader:
    """The lookup statement for a whole batch in one trip to a worker thread (SQLite only).

    Through aiosqlite every statement is several hand-offs between the event loop and the
    connection's thread, each waiting for a busy loop: in `callcenter bench pop` that made a
    0.6 ms lookup cost 3-4 ms. A plain sqlite3 connection read in a thread does the batch in
    one hand-off. PostgreSQL (asyncpg) has no such hand-offs and keeps the async path.
    """

    def __init__(self, url: str) -> None:
        self._engine = create_engine(url.replace("sqlite+aiosqlite://", "sqlite://", 1),
                                     poolclass=NullPool)
        self._conn: Connection | None = None
        self._lock = threading.Lock()  # one connection, used by one thread at a time

    def read(self, numbers: list[str]) -> list[Row[Any]]:
        with self._lock:
            return self._read(numbers)

    def _read(self, numbers: list[str]) -> list[Row[Any]]:
        if self._conn is None:
            self._conn = self._engine.connect()
            self._conn.exec_driver_sql("PRAGMA query_only=ON")
            self._conn.commit()
        conn = self._conn
        try:
            with conn.begin():  # one snapshot per batch: the next batch sees new customers
                return [conn.execute(statement("sqlite"), {"number": n}).one() for n in numbers]
        except SQLAlchemyError:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._engine.dispose()


def _with_form(card: dict[str, Any]) -> dict[str, Any]:
    if card["match"] == "none":
        card["new_customer"] = {"phone": card["number"]}
    return card


class AuditTrail:
    """Writes "read customer via screen-pop" audit rows in batches, never dropping one."""

    def __init__(self, db: Database, *, batch: int = 200) -> None:
        self._db = db
        self._batch = batch
        self._pending: deque[dict[str, Any]] = deque()  # audit rows, stamped when shown
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.written = 0

    def shown(self, who: Principal, card: dict[str, Any] | None, call_id: str) -> None:
        """One card on one agent's screen: a read of each customer it showed (R27)."""
        customers = (card or {}).get("customers") or []
        for customer in customers:
            self._pending.append(entry(who, "read", "customer", int(customer["id"]),
                                       {"via": "screen-pop", "call_id": call_id}))
        if not customers:
            self._pending.append(entry(who, "read", "lookup", (card or {}).get("number") or "",
                                       {"via": "screen-pop", "call_id": call_id, "matched": 0}))
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="pop-audit")

    async def flush(self) -> bool:
        while self._pending:
            batch = [self._pending[i] for i in range(min(self._batch, len(self._pending)))]
            try:
                async with self._db.autocommit() as conn:  # one statement: all or none
                    await write(conn, batch)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("screen-pop audit: %d rows kept for later: %s",
                            len(self._pending), exc)
                return False
            for _ in batch:
                self._pending.popleft()
            self.written += len(batch)
        return True

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not await self.flush():
                await asyncio.sleep(1.0)
                self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if not await self.flush():
            log.error("screen-pop audit: %d rows could not be written at shutdown: %r",
                      len(self._pending), list(self._pending))


__all__ = ["AuditTrail", "CardLoader", "QueueInfo", "QueueInfos"]
