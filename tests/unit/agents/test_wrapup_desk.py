"""Wrap-up run by the service: paused with reason "wrap-up" at answer for agents whose desk is
open, resumed when the agent is done or when the queue's wrap-up time runs out; agents
without the desk (the bench's scripted ones) are left alone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import pytest

from callcenter.agents.cards import QueueInfos
from callcenter.agents.desk import ActionRunner, Desk
from callcenter.agents.feeds import Feeds
from callcenter.agents.pops import Pop
from callcenter.agents.wrapup import WrapupDesk
from callcenter.ami.protocol import HeaderValue
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import MemberAdded, MemberPaused

pytestmark = pytest.mark.unit

IFACE = "PJSIP/5001"


class FakePbx:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, HeaderValue]]] = []

    async def action(self, name: str, headers: Mapping[str, HeaderValue] | None = None, *,
                     timeout: float | None = None) -> Any:  # noqa: ASYNC109
        self.sent.append((name, dict(headers or {})))

    def send_originate(self, headers: Mapping[str, HeaderValue]) -> str:
        return "x"


class Queues(QueueInfos):
    def __init__(self, wrapup_s: int) -> None:
        self._w = wrapup_s

    def wrapup_s(self, queue: str) -> int:
        return self._w


class Audit:
    def shown(self, *args: Any) -> None: ...


def make(wrapup_s: int = 30, unclassified: Any = None
         ) -> tuple[WrapupDesk, FakePbx, CallTracker, Feeds]:
    pbx = FakePbx()
    presence = CallTracker(everywhere(RingRule()), lambda interface: None)
    presence.on_event(MemberAdded(1.0, "hotline", IFACE, "Li", False, ""))
    feeds = Feeds()
    desk = WrapupDesk(feeds, Desk(pbx), ActionRunner(), presence.agents, Queues(wrapup_s),
                      Audit(), unclassified)  # type: ignore[arg-type]
    return desk, pbx, presence, feeds


def pop(call: str = "c1") -> Pop:
    return Pop(f"{call}:a1", call, "caller", "a1", "li.na", IFACE, "hotline", "138", "",
               time.time(), "greeting", state="answered")


def paused_for_wrap_up(presence: CallTracker) -> None:
    presence.on_event(MemberPaused(5.0, "hotline", IFACE, "Li", True, "wrap-up"))


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_an_agent_with_the_desk_open_is_paused_for_wrap_up_at_answer() -> None:
    desk, pbx, _, _ = make()
    desk.manage("li.na")
    desk.answered(pop())
    await settle()
    assert pbx.sent == [("QueuePause", {"Interface": IFACE, "Paused": "true",
                                        "Reason": "wrap-up"})]


async def test_an_agent_without_the_desk_is_left_alone() -> None:
    desk, pbx, _, _ = make()
    desk.answered(pop())
    desk.completed(pop(), time.time())
    await settle()
    assert pbx.sent == []
    assert desk.pending("li.na") == []
    assert desk.handled_call("li.na", "c1") is not None  # may still file a wrap-up


async def test_wrap_up_ends_when_the_agent_is_done() -> None:
    desk, pbx, presence, _ = make()
    desk.manage("li.na")
    desk.completed(pop(), time.time())
    paused_for_wrap_up(presence)
    desk.submitted("li.na", "c1")
    await settle()
    assert pbx.sent[-1] == ("QueuePause", {"Interface": IFACE, "Paused": "false"})
    assert desk.pending("li.na") == []


async def test_wrap_up_ends_on_its_own_when_the_queues_time_runs_out() -> None:
    desk, pbx, presence, _ = make(wrapup_s=0)
    desk.manage("li.na")
    desk.completed(pop(), time.time())
    paused_for_wrap_up(presence)
    await asyncio.sleep(0.05)
    await settle()
    assert pbx.sent[-1] == ("QueuePause", {"Interface": IFACE, "Paused": "false"})


async def test_a_wrap_up_whose_time_runs_out_is_stored_as_not_classified_but_one_done_is_not(
) -> None:
    stored: list[tuple[str, str]] = []

    async def unclassified(agent_id: str, item: Pop) -> None:
        stored.append((agent_id, item.call_id))

    desk, _, presence, _ = make(wrapup_s=0, unclassified=unclassified)
    desk.manage("li.na")
    desk.completed(pop("late"), time.time())
    desk.completed(pop("done"), time.time() + 60)
    desk.submitted("li.na", "done")
    paused_for_wrap_up(presence)
    await asyncio.sleep(0.05)
    await settle()
    assert stored == [("li.na", "late")]


async def test_a_pause_the_agent_chose_meanwhile_is_not_lifted_by_the_wrap_up_clock() -> None:
    desk, pbx, presence, _ = make(wrapup_s=0)
    desk.manage("li.na")
    desk.completed(pop(), time.time())
    presence.on_event(MemberPaused(5.0, "hotline", IFACE, "Li", True, "lunch"))
    await asyncio.sleep(0.05)
    await settle()
    assert pbx.sent == []
