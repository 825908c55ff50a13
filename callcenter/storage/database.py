"""Engine and session factory, plus the health probe the service reports."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")


class DatabaseUnavailable(RuntimeError):
    """The database did not answer; callers keep their data and retry later."""


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    autocommit_engine: AsyncEngine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One session in one transaction, committed on success, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection whose statements each commit on their own: no ORM session, no
        BEGIN and COMMIT round trips. For hot paths whose every write is a single statement
        (the caller lookup and its audit rows, R5/R27). Its pool does not ping connections
        at checkout (a round trip each time): use `on_autocommit` to survive a connection
        the server has closed meanwhile."""
        async with self.autocommit_engine.connect() as conn:
            yield conn

    async def on_autocommit(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """`work` on an autocommit connection, and once more on a fresh one if the first
        turned out dead (a restarted or failed-over server): the pool then drops every
        connection it had, so one retry is enough. `work` must be safe to repeat."""
        try:
            async with self.autocommit() as conn:
                return await work(conn)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        async with self.autocommit() as conn:
            return await work(conn)

    async def ping(self, timeout_s: float = 2.0) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (SQLAlchemyError, OSError) as exc:
            return {"ok": False, "backend": self.backend, "error": _one_line(exc)}
        return {
            "ok": True,
            "backend": self.backend,
            "latency_ms": round((time.perf_counter() - started) * 1000, 2),
        }

    async def dispose(self) -> None:
        await self.autocommit_engine.dispose()
        await self.engine.dispose()


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets readers run while the registry writes; foreign keys are off by default."""
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def prepare_sqlite(url: str) -> None:
    """Make the folder of an SQLite file (the data directory on a first run)."""
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite") and parts.path not in ("", "/", "/:memory:"):
        Path(parts.path[1:]).parent.mkdir(parents=True, exist_ok=True)


def open_database(url: str, *, echo: bool = False) -> Database:
    if url.startswith("sqlite"):
        prepare_sqlite(url)
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    else:
        engine = _postgres_engine(url, echo, pool_size=10, pool_pre_ping=True)
        # Its own small pool, for the hot paths (`Database.on_autocommit`): no ping at
        # checkout, a dead connection is found by the statement and the work retried.
        autocommit = _postgres_engine(url, echo, pool_size=4, pool_pre_ping=False,
                                      isolation_level="AUTOCOMMIT")
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False), autocommit)


def _postgres_engine(url: str, echo: bool, *, pool_size: int, pool_pre_ping: bool,
                     **options: Any) -> AsyncEngine:
    return create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pool_pre_ping,
        pool_timeout=5,
        connect_args={"timeout": 5, "server_settings": {"timezone": "UTC"}},
        **options,
    )
