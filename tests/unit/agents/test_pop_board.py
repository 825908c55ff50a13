"""The screen-pop board (R5): one pop per ring, before the answer, withdrawn with the right
reason, never twice for one ring, and only to the rung agent. The board hears the PBX
through the live-state owner, as in the service."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from callcenter.agents.feeds import Client, Feeds
from callcenter.agents.pops import Pop, PopBoard
from callcenter.auth.principal import Principal, Role
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    AgentRingNoAnswer,
    AgentRung,
    CallerAbandoned,
    DialEnded,
    LegHungUp,
    PbxEvent,
    PbxSnapshot,
)

pytestmark = pytest.mark.unit

AGENTS = {"PJSIP/5001": "li.na", "PJSIP/5002": "wang.wei"}
CARD = {"number": "+8613800138000", "match": "unique", "customers": [{"id": 7}]}


class Heard:
    """A PopListener that writes down what it heard."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def answered(self, pop: Pop) -> None:
        self.events.append(("answered", pop.pop_id))

    def completed(self, pop: Pop, ts: float) -> None:
        self.events.append(("completed", pop.pop_id))

    def shown(self, pop: Pop, clients: list[Client]) -> None:
        self.events.append(("shown", pop.pop_id))


def rung(leg: str, interface: str = "PJSIP/5001", call: str = "c1") -> AgentRung:
    return AgentRung(1.0, call, "caller-leg", leg, "hotline", interface, "", "13800138000", "")


def answered(leg: str, interface: str = "PJSIP/5001", call: str = "c1") -> AgentAnswered:
    return AgentAnswered(2.0, call, "caller-leg", leg, "hotline", interface, "", 2.0, 2.0)


class Board:
    def __init__(self, card: dict[str, Any] | None = CARD, fail: bool = False) -> None:
        self.feeds = Feeds(client_queue=16)
        self.lookups = 0
        self.heard = Heard()

        async def load(number: str) -> dict[str, Any]:
            self.lookups += 1
            if fail:
                raise OSError("database down")
            return dict(card or {})

        self.tracker = CallTracker(everywhere(RingRule()), AGENTS.get)
        self.board = PopBoard(self.feeds, lambda q: f"greeting of {q}", load,
                              listener=self.heard)
        self.tracker.subscribe(self.board.on_change)
        self.clients = {agent: self.feeds.attach(
            agent, Principal(1, agent, Role.AGENT, agent), lambda: {}) for agent in
            AGENTS.values()}

    def pbx(self, event: PbxEvent) -> None:
        """The PBX sends an event: the live-state owner applies it, the board hears it."""
        self.tracker.on_event(event)

    def frames(self, agent: str) -> list[dict[str, Any]]:
        queue = self.clients[agent].frames
        out = []
        while not queue.empty():
            out.append(json.loads(queue.get_nowait()))
        return [f for f in out if f["type"] != "snapshot"]


async def settle() -> None:
    for _ in range(3):
        await asyncio.sleep(0)


async def test_a_ring_pops_the_card_and_greeting_to_that_agent_only() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    frames = b.frames("li.na")
    assert [f["type"] for f in frames] == ["pop"]
    pop = frames[0]["pop"]
    assert (pop["pop_id"], pop["card"], pop["greeting"]) == ("c1:a1", CARD, "greeting of hotline")
    assert b.frames("wang.wei") == []
    assert b.heard.events == [("shown", "c1:a1")]


async def test_the_same_ring_seen_again_never_pops_twice() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(rung("a1"))
    await settle()
    assert [f["type"] for f in b.frames("li.na")] == ["pop"]
    assert b.lookups == 1


async def test_ring_all_shares_one_lookup_and_withdraws_from_the_agent_who_did_not_answer(
) -> None:
    b = Board()
    b.pbx(rung("a1"))
    b.pbx(rung("a2", "PJSIP/5002"))
    await settle()
    b.pbx(DialEnded(2.0, "c1", "caller-leg", "a1", "ANSWER"))
    b.pbx(DialEnded(2.0, "c1", "caller-leg", "a2", "CANCEL"))
    b.pbx(answered("a1"))
    assert b.lookups == 1
    assert [f["type"] for f in b.frames("li.na")] == ["pop", "pop_answered"]
    other = b.frames("wang.wei")
    assert [(f["type"], f.get("reason")) for f in other] == [("pop", None),
                                                             ("pop_withdrawn",
                                                              "answered_elsewhere")]


async def test_caller_hanging_up_while_ringing_withdraws_with_caller_left() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(DialEnded(3.0, "c1", "caller-leg", "a1", "CANCEL"))
    b.pbx(CallerAbandoned(3.0, "c1", "caller-leg", "hotline", 1, 1, 3.0))
    frames = b.frames("li.na")
    assert [(f["type"], f.get("reason")) for f in frames] == [("pop", None),
                                                              ("pop_withdrawn", "caller_left")]
    assert b.board.open_pops("li.na") == []


async def test_ring_no_answer_withdraws_as_rang_out() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(AgentRingNoAnswer(16.0, "c1", "caller-leg", "a1", "hotline",
                                       "PJSIP/5001", "", 15000.0))
    assert b.frames("li.na")[-1]["reason"] == "rang_out"


async def test_a_withdrawn_ring_whose_lookup_is_late_is_never_shown() -> None:
    b = Board()
    b.pbx(rung("a1"))
    b.pbx(CallerAbandoned(1.1, "c1", "caller-leg", "hotline", 1, 1, 0.1))
    await settle()
    assert b.frames("li.na") == []


async def test_a_failed_lookup_still_pops_number_and_greeting() -> None:
    b = Board(fail=True)
    b.pbx(rung("a1"))
    await settle()
    pop = b.frames("li.na")[0]["pop"]
    assert (pop["card"], pop["lookup_failed"], pop["caller_number"]) == (
        None, True, "13800138000")


async def test_answered_then_completed_goes_to_wrap_up_and_leaves_the_open_pops() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(answered("a1"))
    assert [p.state for p in b.board.open_pops("li.na")] == ["answered"]
    b.pbx(AgentCallCompleted(9.0, "c1", "caller-leg", "a1", "hotline",
                                        "PJSIP/5001", "", 2.0, 7.0, "caller"))
    assert b.board.open_pops("li.na") == []
    assert b.heard.events == [("shown", "c1:a1"), ("answered", "c1:a1"),
                              ("completed", "c1:a1")]


async def test_resync_withdraws_rings_of_calls_the_pbx_no_longer_has() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.tracker.on_snapshot(PbxSnapshot(5.0, (), ()))
    assert b.frames("li.na")[-1] == {"type": "pop_withdrawn", "pop_id": "c1:a1",
                                     "reason": "call_ended", "seq": 2}


async def test_an_interface_of_nobody_in_the_directory_gets_no_pop() -> None:
    b = Board()
    b.pbx(rung("a1", "Local/1001@bench-agents/n"))
    await settle()
    assert b.lookups == 0


async def test_a_transfer_ends_the_first_pop_and_pops_to_the_next_agent_with_the_card(
) -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(answered("a1"))
    b.board.expect_transfer("c1", {"from_agent": "li.na", "note": "speaks Cantonese"})
    # Asterisk 22 after the caller's Redirect: the first agent's leg just hangs up; its
    # AgentComplete comes only when the caller hangs up, without the agent's leg.
    b.pbx(LegHungUp(3.0, "c1", "a1", "PJSIP/5001-0001", 16, "Normal"))
    assert b.board.open_pops("li.na") == []
    assert b.heard.events[-1] == ("completed", "c1:a1")
    b.pbx(rung("a2", "PJSIP/5002"))
    pop = b.frames("wang.wei")[0]["pop"]
    assert pop["transfer"] == {"from_agent": "li.na", "note": "speaks Cantonese"}
    assert pop["card"] == CARD
    assert b.lookups == 1
    b.pbx(answered("a2", "PJSIP/5002"))
    b.pbx(AgentCallCompleted(9.0, "c1", "caller-leg", "", "hotline",
                                        "PJSIP/5001", "", 2.0, 7.0, "caller"))
    assert [p.state for p in b.board.open_pops("wang.wei")] == ["answered"]
    assert b.heard.events.count(("completed", "c1:a1")) == 1


async def test_an_agent_hanging_up_after_the_answer_ends_the_pop_once() -> None:
    b = Board()
    b.pbx(rung("a1"))
    await settle()
    b.pbx(answered("a1"))
    b.pbx(AgentCallCompleted(9.0, "c1", "caller-leg", "a1", "hotline",
                                        "PJSIP/5001", "", 2.0, 7.0, "agent"))
    b.pbx(LegHungUp(9.1, "c1", "a1", "PJSIP/5001-0001", 16, "Normal"))
    b.pbx(LegHungUp(9.2, "c1", "caller-leg", "PJSIP/trunk-0001", 16, "Normal"))
    assert b.heard.events == [("shown", "c1:a1"), ("answered", "c1:a1"),
                              ("completed", "c1:a1")]
