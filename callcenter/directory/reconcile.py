"""Reconciling the directories with what the PBX reports after each (re)connect.

A queue or member the PBX has and the directory lacks is listed (and, by default, added with
`source = "pbx"` so that calls to it are attributed); a directory queue the PBX does not have
is listed too. Nothing is deleted: the directory is edited by people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from callcenter.directory.schemas import AgentSpec, QueueSpec
from callcenter.directory.service import DirectoryService
from callcenter.events import QueueSnapshot

_UNSAFE = re.compile(r"[^A-Za-z0-9_.@-]+")


@dataclass(frozen=True, slots=True)
class UnknownMember:
    queue: str
    interface: str
    member_name: str


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    at: datetime
    pbx_queues: tuple[str, ...]
    queues_missing_from_directory: tuple[str, ...]
    members_missing_from_directory: tuple[UnknownMember, ...]
    directory_queues_missing_on_pbx: tuple[str, ...]
    added_queues: tuple[str, ...] = ()
    added_agents: tuple[str, ...] = field(default=())


def agent_id_for_member(member: UnknownMember) -> str:
    """A readable directory id for a member the PBX knows: its member name, else interface."""
    base = member.member_name if member.member_name != member.interface else member.interface
    return _UNSAFE.sub("-", base).strip("-")[:80] or "agent"


async def reconcile(
    directory: DirectoryService, queues: Iterable[QueueSnapshot], *, apply: bool = True
) -> ReconcileReport:
    pbx = {q.name: q for q in queues}
    known_queues = {row.name for row in await directory.list_queues()}
    known_interfaces = {
        i.interface for agent in await directory.list_agents() for i in agent.interfaces
    }
    missing_queues = tuple(sorted(set(pbx) - known_queues))
    seen: dict[str, UnknownMember] = {}
    for queue in pbx.values():
        for snap in queue.members:
            if snap.interface not in known_interfaces and snap.interface not in seen:
                seen[snap.interface] = UnknownMember(queue.name, snap.interface, snap.member_name)
    unknown = tuple(sorted(seen.values(), key=lambda m: m.interface))
    added_queues: list[str] = []
    added_agents: list[str] = []
    if apply:
        for name in missing_queues:
            await directory.put_queue(QueueSpec(name=name, display_name=name), source="pbx")
            added_queues.append(name)
        for member in unknown:
            agent_id = agent_id_for_member(member)
            try:
                existing = await directory.get_agent(agent_id)
                interfaces = (*(i.interface for i in existing.interfaces), member.interface)
                spec = AgentSpec(agent_id, existing.display_name, existing.team,
                                 tuple(existing.languages), interfaces)
            except LookupError:
                spec = AgentSpec(agent_id, member.member_name, interfaces=(member.interface,))
            await directory.put_agent(spec, source="pbx")
            added_agents.append(agent_id)
    return ReconcileReport(
        at=datetime.now(UTC),
        pbx_queues=tuple(sorted(pbx)),
        queues_missing_from_directory=missing_queues,
        members_missing_from_directory=unknown,
        directory_queues_missing_on_pbx=tuple(sorted(known_queues - set(pbx))),
        added_queues=tuple(added_queues),
        added_agents=tuple(dict.fromkeys(added_agents)),
    )
