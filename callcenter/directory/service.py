"""Reads and edits of the queue and agent directories.

The interface → agent index and each queue's R1 rule are kept in memory because the call
tracker resolves agents on every AgentCalled and a queue's rule on every finished call,
without I/O. `refresh_index` loads both from the database; an edit made here updates them
once it is committed, so the database stays the one source of truth.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.calls.sla import RingRule
from callcenter.directory.models import AgentInterfaceRow, AgentRow, QueueRow
from callcenter.directory.schemas import AgentSpec, QueueSpec, Source
from callcenter.errors import Conflict, NotFound
from callcenter.storage.database import Database


def queue_rule(row: QueueRow) -> RingRule:
    return RingRule(row.ring_threshold, row.ring_cycle_s)


class DirectoryService:
    def __init__(self, db: Database, *, default_rule: RingRule | None = None) -> None:
        """`default_rule` is the site's R1 rule (`RingRule.of(settings.sla)`): the rule of
        calls in a queue the directory does not know, and of a queue stored without one."""
        self._db = db
        self.default_rule = default_rule or RingRule()
        self._agent_by_interface: dict[str, str] = {}
        self._rule_by_queue: dict[str, RingRule] = {}

    def agent_for_interface(self, interface: str) -> str | None:
        return self._agent_by_interface.get(interface)

    def rule_for(self, queue: str | None) -> RingRule:
        """R1 for calls in `queue`: its own rule, or the site's for an unknown queue or none."""
        if queue is None:
            return self.default_rule
        return self._rule_by_queue.get(queue, self.default_rule)

    async def refresh_index(self) -> None:
        """Both in-memory indexes, from the tables (at start-up)."""
        await self._refresh_agents()
        async with self._db.sessions() as session:
            queues = (await session.execute(select(QueueRow))).scalars().all()
        self._rule_by_queue = {q.name: queue_rule(q) for q in queues}

    async def _refresh_agents(self) -> None:
        """The interface index after an agent edit (queue edits keep their index in step)."""
        async with self._db.sessions() as session:
            rows = (await session.execute(select(AgentInterfaceRow))).scalars().all()
        self._agent_by_interface = {r.interface: r.agent_id for r in rows}

    async def list_queues(self) -> list[QueueRow]:
        async with self._db.sessions() as session:
            return list((await session.scalars(select(QueueRow).order_by(QueueRow.name))).all())

    async def get_queue(self, name: str) -> QueueRow:
        async with self._db.sessions() as session:
            row = await session.get(QueueRow, name)
        if row is None:
            raise NotFound("queue", name)
        return row

    async def put_queue(self, spec: QueueSpec, *, source: Source = "directory") -> QueueRow:
        async with self._db.transaction() as session:
            row = await session.get(QueueRow, spec.name)
            if row is None:
                row = QueueRow(name=spec.name, source=source)
                session.add(row)
            row.display_name = spec.display_name
            row.greeting = spec.greeting
            row.ring_threshold = (spec.ring_threshold if spec.ring_threshold is not None
                                  else self.default_rule.max_rings)
            row.ring_cycle_s = (spec.ring_cycle_s if spec.ring_cycle_s is not None
                                else self.default_rule.ring_cycle_s)
            row.wrapup_s = spec.wrapup_s
        self._rule_by_queue[row.name] = queue_rule(row)
        return row

    async def delete_queue(self, name: str) -> None:
        async with self._db.transaction() as session:
            result = await session.execute(delete(QueueRow).where(QueueRow.name == name))
        if not getattr(result, "rowcount", 0):
            raise NotFound("queue", name)
        self._rule_by_queue.pop(name, None)

    async def list_agents(self) -> list[AgentRow]:
        async with self._db.sessions() as session:
            return list((await session.scalars(select(AgentRow).order_by(AgentRow.id))).all())

    async def get_agent(self, agent_id: str) -> AgentRow:
        async with self._db.sessions() as session:
            row = await session.get(AgentRow, agent_id)
        if row is None:
            raise NotFound("agent", agent_id)
        return row

    async def put_agent(self, spec: AgentSpec, *, source: Source = "directory") -> AgentRow:
        async with self._db.transaction() as session:
            await self._check_interfaces_free(session, spec)
            row = await session.get(AgentRow, spec.id)
            if row is None:
                row = AgentRow(id=spec.id, source=source, interfaces=[])
                session.add(row)
            row.display_name = spec.display_name
            row.team = spec.team
            row.languages = list(spec.languages)
            row.interfaces = [AgentInterfaceRow(interface=i) for i in spec.interfaces]
        await self._refresh_agents()
        return await self.get_agent(spec.id)

    async def delete_agent(self, agent_id: str) -> None:
        async with self._db.transaction() as session:
            row = await session.get(AgentRow, agent_id)
            if row is None:
                raise NotFound("agent", agent_id)
            await session.delete(row)
        await self._refresh_agents()

    async def _check_interfaces_free(self, session: AsyncSession, spec: AgentSpec) -> None:
        if not spec.interfaces:
            return
        taken = (
            await session.execute(
                select(AgentInterfaceRow).where(
                    AgentInterfaceRow.interface.in_(spec.interfaces),
                    AgentInterfaceRow.agent_id != spec.id,
                )
            )
        ).scalars().all()
        if taken:
            first = taken[0]
            raise Conflict(
                f"interface {first.interface} belongs to agent {first.agent_id}",
                interface=first.interface,
                agent_id=first.agent_id,
            )
