"""The call registry (R4) on real SQLite and PostgreSQL: each call written exactly once,
times back as aware UTC, and no call lost while the database is away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcenter.calls.call_records import ExitReason, FinishedCall
from callcenter.calls.models import CallAgentLegRow, CallQueueVisitRow, CallRow
from callcenter.calls.registry import CallRegistry, RegistryWriter
from callcenter.calls.sla import RingRule
from callcenter.schema import migrate
from callcenter.storage.database import Database, open_database
from tests.unit.calls.script import T0, Call, Dial, Harness
from tests.unit.calls.test_call_adoption import (
    TALKING,
    WAITING,
    Service,
    hangup,
    recorded_snapshot,
)

pytestmark = pytest.mark.integration

A, B = "PJSIP/5001", "PJSIP/5002"
SINCE = datetime.fromtimestamp(T0 - 3600, UTC)
UNTIL = datetime.fromtimestamp(T0 + 86400, UTC)


def sample_calls(prefix: str = "1790000000", count: int = 3) -> list[FinishedCall]:
    """Real tracker output: answered in time, answered late after a miss, abandoned."""
    h = Harness()
    for n in range(count):
        c = Call(f"{prefix}.{n}", number="62345678" if n % 2 else "13800138000")
        kind = n % 3
        if kind == 0:
            h.feed(c.answered_by(A, join=2.0, rung=2.5, answer=17.0, end=80.0))
        elif kind == 1:
            h.feed(
                c.hotline(0), c.join(1), c.rung(1.5, A), c.ring_no_answer(16.5, A, 15000),
                c.rung(17, B), c.dial_end(18, B, "ANSWER"), c.leave(18.001),
                c.connect(18.002, B), c.complete(50, B), c.hangup(50.01),
            )
        else:
            h.feed(c.hotline(0), c.join(1), c.abandon(4.0), c.hangup(4.001))
    return h.finished


async def count(db: Database, table: type[CallRow | CallQueueVisitRow | CallAgentLegRow]) -> int:
    async with db.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def test_writing_the_same_calls_twice_stores_each_once(db: Database) -> None:
    registry = CallRegistry(db)
    calls = sample_calls()
    assert await registry.write(calls) == 3
    assert await registry.write(calls) == 0
    assert await registry.write([calls[0], calls[0]]) == 0
    assert await count(db, CallRow) == 3
    assert await count(db, CallQueueVisitRow) == 3
    assert await count(db, CallAgentLegRow) == 3


async def test_a_batch_with_new_and_known_calls_writes_only_the_new(db: Database) -> None:
    registry = CallRegistry(db)
    first = sample_calls("1790000000", 2)
    assert await registry.write(first) == 2
    more = sample_calls("1790000100", 3)
    assert await registry.write([*first, *more, more[0]]) == 3
    assert await count(db, CallRow) == 5


async def test_records_come_back_identical_with_aware_utc_times(db: Database) -> None:
    registry = CallRegistry(db)
    calls = sample_calls()
    await registry.write(calls)
    back = sorted(await registry.fetch_calls(SINCE, UNTIL), key=lambda c: c.call_id)
    assert back == sorted(calls, key=lambda c: c.call_id)
    for call in back:
        assert call.entered_at.utcoffset() == timedelta(0)
        assert all(leg.rang_at.tzinfo is not None for leg in call.legs)
    assert back[0].ended_at == datetime.fromtimestamp(T0 + 80.01, UTC)
    assert back[1].caller_num_e164 == "+861062345678"


async def test_outbound_calls_come_back_outbound_with_their_customer(db: Database) -> None:
    registry = CallRegistry(db)
    busy = Dial("dial-0002", customer_id=None)
    calls = Harness().feed(
        Dial().talked(answer=4, end=30),
        busy.agent_answered(1), busy.desk_dial(1.001), busy.customer_dial_end(3, "BUSY"),
        busy.hangup(3.5),
    ).finished
    assert await registry.write(calls) == 2
    assert await registry.write(calls) == 0
    back = sorted(await registry.fetch_calls(SINCE, UNTIL), key=lambda c: c.call_id)
    assert back == sorted(calls, key=lambda c: c.call_id)
    async with db.sessions() as session:
        stored = (await session.execute(select(
            CallRow.call_id, CallRow.direction, CallRow.customer_id, CallRow.exit_reason)
            .order_by(CallRow.call_id))).all()
    assert [tuple(r) for r in stored] == [("dial-0001", "outbound", 7, "answered"),
                                          ("dial-0002", "outbound", None, "busy")]


async def test_fetch_filters_by_entry_time_and_first_queue(db: Database) -> None:
    registry = CallRegistry(db)
    await registry.write(sample_calls())
    entered = datetime.fromtimestamp(T0, UTC)
    assert await registry.fetch_calls(entered + timedelta(seconds=1), UNTIL) == []
    assert len(await registry.fetch_calls(entered, entered + timedelta(seconds=1))) == 3
    assert await registry.fetch_calls(SINCE, UNTIL, queue="sales") == []
    assert len(await registry.fetch_calls(SINCE, UNTIL, queue="hotline")) == 3


async def test_service_level_and_breaches_come_from_the_stored_calls(db: Database) -> None:
    registry = CallRegistry(db)
    await registry.write(sample_calls())
    level = await registry.service_level(SINCE, UNTIL, "hotline")
    # answered at 15.0 s (within), answered at 17.0 s (late), abandoned at 3 s (short)
    assert (level.offered, level.answered_within, level.short_abandons) == (3, 1, 1)
    assert (level.standard.numerator, level.standard.denominator) == (1, 3)
    assert level.excluding_short_abandons.denominator == 2
    (breach,) = await registry.breaches(SINCE, UNTIL, "hotline")
    assert breach.rings == 4
    assert [leg.agent_id for leg in breach.let_ring] == ["zhang.wei"]
    assert breach.call.exit_reason is ExitReason.ANSWERED


async def test_figures_judge_each_call_by_the_rule_of_its_queue(db: Database) -> None:
    rules = {"sales": RingRule(3, 5.0), "repairs": RingRule(2, 5.0)}

    def rule_for(queue: str | None) -> RingRule:
        return rules.get(queue or "", RingRule())

    h = Harness(rule_for=rule_for)
    for n, queue in enumerate(("sales", "repairs")):  # both answered 12 s after joining
        h.feed(Call(f"1790000000.{n}", queue=queue).answered_by(
            A, join=1.0, rung=1.5, answer=13.0, end=60.0))
    registry = CallRegistry(db, rule_for=rule_for)
    await registry.write(h.finished)
    (breach,) = await registry.breaches(SINCE, UNTIL)
    assert (breach.call.queue, breach.rings) == ("repairs", 3)
    level = await registry.service_level(SINCE, UNTIL)
    assert (level.offered, level.answered_within) == (2, 1)
    sales = await registry.service_level(SINCE, UNTIL, "sales")
    assert sales.standard.formula == "answered within 3 rings (≤ 15 s) ÷ offered"


async def wait_until(check: Callable[[], bool], timeout_s: float = 15.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_writer_keeps_sqlite_rows_until_the_database_is_there(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    url = f"sqlite+aiosqlite:///{folder / 'callcenter.db'}"
    db = open_database(url)
    writer = RegistryWriter(CallRegistry(db), retry_min_s=0.02, retry_max_s=0.1)
    writer.start()
    try:
        for call in sample_calls():
            writer.submit(call)
        await wait_until(lambda: writer.database_down)
        assert writer.backlog == 3
        folder.mkdir(exist_ok=True)  # opening the database makes its folder, not its tables
        await asyncio.to_thread(migrate.upgrade, url)
        await wait_until(lambda: writer.backlog == 0)
        assert writer.written == 3
        assert not writer.database_down
        assert await count(db, CallRow) == 3
    finally:
        await writer.stop()
        await db.dispose()


class TcpProxy:
    """Stands between the service and PostgreSQL so a test can cut the database off."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def serving(self) -> bool:
        return self._server is not None and self._server.is_serving()

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._serve, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        for writer in list(self._writers):
            writer.close()
        self._writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
            self._writers.discard(writer)


@pytest.fixture
async def proxy() -> AsyncIterator[TcpProxy]:
    p = TcpProxy(5432)
    await p.start()
    yield p
    if p.serving:
        await p.stop()


async def test_writer_keeps_postgresql_rows_through_an_outage(
    pg_url: str, proxy: TcpProxy
) -> None:
    via_proxy = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
    assert via_proxy != pg_url
    db, direct = open_database(via_proxy), open_database(pg_url)
    writer = RegistryWriter(CallRegistry(db), retry_min_s=0.05, retry_max_s=0.2)
    writer.start()
    try:
        before, during = sample_calls("1790000000", 2), sample_calls("1790000200", 3)
        for call in before:
            writer.submit(call)
        await wait_until(lambda: writer.written == 2)
        await proxy.stop()  # the database goes away, connections in the pool die
        for call in during:
            writer.submit(call)
        await wait_until(lambda: writer.database_down)
        assert writer.backlog == 3
        assert await count(direct, CallRow) == 2
        await proxy.start()  # and comes back on the same address
        await wait_until(lambda: writer.backlog == 0)
        assert writer.written == 5
        assert await count(direct, CallRow) == 5
    finally:
        await writer.stop()
        await db.dispose()
        await direct.dispose()


async def test_stop_flushes_what_is_buffered(db: Database) -> None:
    writer = RegistryWriter(CallRegistry(db))
    writer.start()
    for call in sample_calls("1790000300", 6):
        writer.submit(call)
    await writer.stop()
    assert writer.backlog == 0
    assert await count(db, CallRow) == 6


async def test_adopted_calls_come_back_adopted_with_their_precision_and_counted_apart(
    db: Database,
) -> None:
    service = Service()
    snapshot = recorded_snapshot()
    service.tracker.on_snapshot(snapshot)
    service.tracker.on_event(hangup(snapshot, WAITING, after_s=2))
    service.tracker.on_event(hangup(snapshot, TALKING, after_s=9))
    registry = CallRegistry(db)
    assert await registry.write(service.finished) == 2
    since = datetime.fromtimestamp(snapshot.ts - 60, UTC)
    back = sorted(await registry.fetch_calls(since, since + timedelta(hours=1)),
                  key=lambda c: c.call_id)
    assert back == sorted(service.finished, key=lambda c: c.call_id)
    assert [call.adopted for call in back] == [True, True]
    level = await registry.service_level(since, since + timedelta(hours=1))
    assert (level.listed, level.adopted, level.offered) == (2, 2, 0)
