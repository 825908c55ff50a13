"""The directory API's requests and replies, each declared once (R1, R3, R6), and the specs
the directory service stores, whether an editor or the PBX (on reconcile) gives them.

An editor's queue or agent is named as the PBX names it (`PbxName`); one the PBX reported
is stored under the name it had there, so reads and deletes take any stored name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, Field

from callcenter.directory.models import AgentInterfaceRow
from callcenter.web.api import Body, Line, Query, Reply, Time

Source = Literal["directory", "pbx"]
"""Who added a queue or agent: an editor, or the reconcile from what the PBX reported."""


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A queue as an editor or the PBX gives it; a ring field left as None takes the site's
    R1 rule (`DirectoryService.default_rule`) when the queue is stored."""

    name: str
    display_name: str
    greeting: str = ""
    ring_threshold: int | None = None
    ring_cycle_s: float | None = None
    wrapup_s: int = 30


@dataclass(frozen=True, slots=True)
class AgentSpec:
    id: str
    display_name: str
    team: str = ""
    languages: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()


# -- requests ------------------------------------------------------------------------------

_PBX_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,80}$")
_INTERFACE = re.compile(r"^[A-Za-z]+/[^\s,|]{1,190}$")


def _pbx_name(value: str) -> str:
    if not _PBX_NAME.match(value):
        raise ValueError("use 1-80 letters, digits, '_', '-', '.' or '@'")
    return value


PbxName = Annotated[str, AfterValidator(_pbx_name), Field(
    json_schema_extra={"pattern": _PBX_NAME.pattern},
    description="a PBX name: letters, digits, '_', '-', '.' or '@'")]


def _interface(value: str) -> str:
    if not _INTERFACE.match(value):
        raise ValueError(f"{value!r} is not a PBX interface (PJSIP/5001)")
    return value


Interface = Annotated[str, AfterValidator(_interface), Field(
    json_schema_extra={"pattern": _INTERFACE.pattern}, examples=["PJSIP/5001"])]


def _once_each(values: list[str]) -> list[str]:
    """A language or interface given twice is stored once, where it first appears."""
    return list(dict.fromkeys(values))


Languages = Annotated[list[Annotated[str, Field(min_length=1)]], AfterValidator(_once_each),
                      Field(description="languages and dialects spoken (R6)")]
Interfaces = Annotated[list[Interface], AfterValidator(_once_each)]


class QueueFields(Body):
    """A queue's settings, as `PUT /api/queues/{name}` replaces them."""

    display_name: Line = Field("", description="left out or empty: the queue's name")
    greeting: str = Field("", max_length=2000,
                          description="what the agent says on answering (R3)")
    ring_threshold: int | None = Field(
        None, ge=1, le=20, description="R1: the rings within which this queue's calls are "
        "answered; left out, the site's CALLCENTER_SLA_MAX_RINGS (3)")
    ring_cycle_s: float | None = Field(
        None, ge=0.5, le=30, description="R1: seconds a ring lasts in this queue; left out, "
        "the site's CALLCENTER_RING_CYCLE_SECONDS (5)")
    wrapup_s: int = Field(30, ge=0, le=3600)

    def spec(self, name: str) -> QueueSpec:
        return QueueSpec(name=name, display_name=self.display_name or name,
                         greeting=self.greeting, ring_threshold=self.ring_threshold,
                         ring_cycle_s=self.ring_cycle_s, wrapup_s=self.wrapup_s)


class NewQueue(QueueFields):
    """A queue created (or replaced) by `POST /api/queues`, named in the body."""

    name: PbxName


class AgentFields(Body):
    """An agent's settings, as `PUT /api/agents/{id}` replaces them."""

    display_name: Line = Field("", description="left out or empty: the agent's id")
    team: str = Field("", max_length=80)
    languages: Languages = Field(default_factory=list)
    interfaces: Interfaces = Field(default_factory=list)

    def spec(self, agent_id: str) -> AgentSpec:
        return AgentSpec(id=agent_id, display_name=self.display_name or agent_id,
                         team=self.team, languages=tuple(self.languages),
                         interfaces=tuple(self.interfaces))


class NewAgent(AgentFields):
    """An agent created (or replaced) by `POST /api/agents`, named in the body."""

    id: PbxName


class QueuePath(Query):
    """A stored queue, whatever its name (the PBX may have named it)."""

    name: str


class QueueNamePath(Query):
    """The queue `PUT` stores: an editor names it as the PBX would."""

    name: PbxName


class AgentPath(Query):
    """A stored agent, whatever its id (the PBX may have named it)."""

    id: str


class AgentIdPath(Query):
    """The agent `PUT` stores: an editor names it as the PBX would."""

    id: PbxName


# -- replies -------------------------------------------------------------------------------

class Queue(Reply):
    name: str
    display_name: str
    greeting: str
    ring_threshold: int
    ring_cycle_s: float
    wrapup_s: int
    source: Source
    updated_at: Time


def _interface_name(value: object) -> object:
    """An agent row holds its interfaces as rows; the reply lists their names."""
    return value.interface if isinstance(value, AgentInterfaceRow) else value


class Agent(Reply):
    id: str
    display_name: str
    team: str
    languages: list[str]
    interfaces: list[Annotated[str, BeforeValidator(_interface_name)]]
    source: Source
    updated_at: Time


class QueueList(Reply):
    queues: list[Queue]


class AgentList(Reply):
    agents: list[Agent]


class MissingMember(Reply):
    """A queue member the PBX reported on an interface no agent of the directory has."""

    queue: str
    interface: str
    member_name: str


class ReconcileSummary(Reply):
    """One comparison of the directories with the PBX (`reconcile.ReconcileReport`)."""

    at: Time
    pbx_queues: list[str]
    queues_missing_from_directory: list[str]
    members_missing_from_directory: list[MissingMember]
    directory_queues_missing_on_pbx: list[str]
    added_queues: list[str]
    added_agents: list[str]


class LastReconcile(Reply):
    report: ReconcileSummary | None = Field(description="null until the PBX was first seen")

