"""Call scenarios on the bench PBX: simulated agents and callers placed through AMI.

A scenario sets the bench agents' behaviour (dialplan globals `RING_<ext>` / `TALK_<ext>`) and
originates test callers into a bench queue. Each scenario uses its own queue and agents, so
scenarios run side by side and a whole set takes as long as the longest one. The figures a
test expects follow from these numbers (an agent who rings 7 s before answering is 2 rings),
which is why they are kept here as plain data and not derived from the trackers' output.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from callcenter.ami import actions
from callcenter.ami.actions import Action
from callcenter.ami.protocol import HeaderValue


class PbxActions(Protocol):
    """The part of the AMI link a scenario needs."""

    async def action(self, name: str, headers: Mapping[str, HeaderValue] | None = None
                     ) -> Any: ...

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str: ...


@dataclass(frozen=True, slots=True)
class Caller:
    """A test caller: dials into `queue` after `delay_s` and hangs up after `patience_s`."""

    number: str
    queue: str
    delay_s: float = 0.0
    patience_s: float | None = None
    queue_timeout_s: float | None = None
    menu_s: float | None = None
    name: str = "Bench Caller"

    def originate_headers(self, leg_id: str) -> dict[str, HeaderValue]:
        variables = {}
        if self.patience_s is not None:
            variables["PATIENCE"] = f"{self.patience_s:g}"
        if self.queue_timeout_s is not None:
            variables["QUEUE_TIMEOUT"] = f"{self.queue_timeout_s:g}"
        if self.menu_s is not None:
            variables["MENU_SECONDS"] = f"{self.menu_s:g}"
        return actions.originate(
            f"Local/{self.queue}@bench-inbound/n", "bench-caller", "s", channel_id=leg_id,
            timeout_s=30.0, caller_id=f'"{self.name}" <{self.number}>',
            other_channel_id=f"{leg_id}-2", variables=variables)


@dataclass(frozen=True, slots=True)
class MemberStep:
    """An agent logging in, pausing, resuming or logging out at `at_s` into the scenario."""

    at_s: float
    step: str  # log_in | pause | resume | log_out
    queue: str
    ext: str
    reason: str = ""

    def request(self) -> Action:
        interface = f"Local/{self.ext}@bench-agents/n"
        if self.step == "log_in":
            return actions.queue_add(self.queue, interface, f"agent{self.ext}")
        if self.step in ("pause", "resume"):
            return actions.queue_pause(interface, self.step == "pause", self.reason,
                                       queue=self.queue)
        return actions.queue_remove(self.queue, interface)


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    agents: Mapping[str, tuple[str, str]]  # extension -> (ring seconds|never|busy, talk s)
    callers: tuple[Caller, ...]
    duration_s: float
    description: str = ""
    members: tuple[MemberStep, ...] = field(default=())


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "answered_within_1_ring",
            {"1051": ("2", "2")},
            (Caller("13900000001", "bench-q5"),),
            duration_s=7,
            description="the only agent rings 2 s and answers: 1 ring, within R1",
        ),
        Scenario(
            "answered_after_4_rings",
            {"1071": ("1", "15")},
            (Caller("13900000002", "bench-q7"),
             Caller("13900000003", "bench-q7", delay_s=1.0, patience_s=20)),
            duration_s=22,
            description="the only agent talks 15 s with a first caller; the second waits "
                        "about 16.5 s: 4 rings, a breach, and hangs up 20 s after entering",
        ),
        Scenario(
            "first_rings_out_second_answers",
            {"1101": ("never", "2"), "1102": ("2", "2")},
            (Caller("13900000004", "bench-rna"),),
            duration_s=10,
            description="linear queue, 3 s member timeout: 1101 rings out (a miss), "
                        "1102 answers after 2 s",
        ),
        Scenario(
            "ringall_one_of_three_answers",
            {"1091": ("never", "2"), "1092": ("3", "2"), "1093": ("never", "2")},
            (Caller("13900000005", "bench-ringall"),),
            duration_s=8,
            description="three agents ring at once, 1092 answers after 3 s; nobody missed",
        ),
        Scenario(
            "caller_hangs_up_while_agent_rings",
            {"1081": ("never", "2")},
            (Caller("13900000006", "bench-q8", patience_s=6),),
            duration_s=9,
            description="the agent never answers; the caller gives up after 6 s",
        ),
        Scenario(
            "caller_hangs_up_with_no_agent_free",
            {},
            (Caller("13900000007", "bench-empty", patience_s=4),),
            duration_s=7,
            description="a queue with nobody in it; the caller gives up after 4 s",
        ),
        Scenario(
            "queue_timeout",
            {"1111": ("never", "2")},
            (Caller("13900000008", "bench-timeout", queue_timeout_s=5),),
            duration_s=9,
            description="Queue() gives up after 5 s while the agent rings",
        ),
        Scenario(
            "agent_logs_in_pauses_takes_a_call_and_logs_out",
            {"1201": ("2", "2")},
            (Caller("13900000012", "bench-dynamic", delay_s=4.0),),
            duration_s=13,
            description="1201 logs in, pauses for a break, resumes, takes a call "
                        "(rings 2 s, talks 2 s), pauses for wrap-up and logs out",
            members=(
                MemberStep(0.0, "log_in", "bench-dynamic", "1201"),
                MemberStep(1.0, "pause", "bench-dynamic", "1201", "break"),
                MemberStep(2.5, "resume", "bench-dynamic", "1201"),
                MemberStep(10.0, "pause", "bench-dynamic", "1201", "wrap-up"),
                MemberStep(12.0, "log_out", "bench-dynamic", "1201"),
            ),
        ),
        Scenario(
            "two_calls_at_once",
            {"1021": ("2", "3"), "1022": ("4", "3")},
            (Caller("13900000009", "bench-q2"), Caller("13900000010", "bench-q2")),
            duration_s=10,
            description="two callers at once into a two-agent queue; both answered",
        ),
    )
}


async def set_agents(pbx: PbxActions, agents: Mapping[str, tuple[str, str]]) -> None:
    for ext, (ring, talk) in agents.items():
        for variable in (actions.set_variable(f"RING_{ext}", ring),
                         actions.set_variable(f"TALK_{ext}", talk)):
            await pbx.action(variable.name, variable.headers)


async def place_caller(pbx: PbxActions, caller: Caller) -> str:
    """Originate one caller after its delay; returns the caller leg's Uniqueid."""
    if caller.delay_s:
        await asyncio.sleep(caller.delay_s)
    leg_id = f"bench-{uuid.uuid4().hex[:16]}"
    pbx.send_originate(caller.originate_headers(leg_id))
    return leg_id


async def member_step(pbx: PbxActions, step: MemberStep) -> None:
    await asyncio.sleep(step.at_s)
    request = step.request()
    await pbx.action(request.name, request.headers)


async def run(pbx: PbxActions, scenarios: Sequence[Scenario], *, settle_s: float = 1.0) -> None:
    """Run scenarios side by side and return once the longest has had its time."""
    for scenario in scenarios:
        await set_agents(pbx, scenario.agents)
    steps = [member_step(pbx, m) for s in scenarios for m in s.members]
    callers = [place_caller(pbx, c) for s in scenarios for c in s.callers]
    await asyncio.gather(*steps, *callers)
    longest = max((s.duration_s for s in scenarios), default=0.0)
    await asyncio.sleep(longest + settle_s)
