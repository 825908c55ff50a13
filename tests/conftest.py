"""Fixtures shared by every tier: throwaway databases on both back-ends, Redis, settings."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import asyncpg
import pytest

from callcenter.schema import migrate
from callcenter.settings import Settings, load_settings
from callcenter.storage.database import Database, open_database

PG_ADMIN_DSN = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("CALLCENTER_TEST_REDIS", "redis://127.0.0.1:6379/15")


@pytest.hookimpl(wrapper=True)
def pytest_timeout_set_timer(item: pytest.Item, settings: Any) -> Generator[None, Any, Any]:
    """A test that overruns pytest-timeout's limit fails with the stack of every asyncio task
    still pending, not only the event loop's select: that is where a hang is found."""
    result = yield
    fail = signal.getsignal(signal.SIGALRM)
    if callable(fail):
        def dump_tasks_then_fail(signum: int, frame: FrameType | None) -> None:
            loop = asyncio._get_running_loop()
            for task in asyncio.all_tasks(loop) if loop is not None else ():
                task.print_stack(file=sys.stderr)
            fail(signum, frame)

        signal.signal(signal.SIGALRM, dump_tasks_then_fail)
    return result


def _asyncpg_url(dsn: str, database: str) -> str:
    base = dsn.rsplit("/", 1)[0].split("://", 1)[1]
    return f"postgresql+asyncpg://{base}/{database}"


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'callcenter.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """One database migrated once per test run: each test's database is copied from it,
    which takes a fraction of the time of running every migration again."""
    name = f"callcenter_template_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        migrate.upgrade(_asyncpg_url(PG_ADMIN_DSN, name))
        yield name
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for one test, dropped afterwards."""
    name = f"callcenter_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    try:
        yield _asyncpg_url(PG_ADMIN_DSN, name)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once per back-end: the embedded default and production PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "pg_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = open_database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'app.db'}"})


def service_settings(database_url: str, **extra: str) -> Settings:
    """Settings for an app under integration test: its own database, an AMI address where no
    PBX listens, so the REST tests never depend on (or change) the bench PBX, and the dialer's
    loop and FastAGI listener off (one fixed port could not serve tests side by side)."""
    return load_settings({"DATABASE_URL": database_url, "CALLCENTER_AMI_PORT": "9",
                          "CALLCENTER_DIALER_ENABLED": "false", **extra})
