"""The follow-up flows against a scripted customer: keys, silence, wrong keys, 9, hang-up."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from ivr_flows.channel import CallerHungUp
from ivr_flows.flows import FLOWS, FlowContext, check_prompts, run_flow
from ivr_flows.prompts import PromptError, load_prompts
from ivr_flows.result import FlowOutcome, FlowResult

pytestmark = pytest.mark.unit

PROMPTS = load_prompts()
HANG_UP = "hang-up"


class ScriptedCustomer:
    """Answers each question with the next entry: a key, None (silence) or HANG_UP."""

    def __init__(self, replies: Sequence[str | None], machine: bool = False) -> None:
        self.replies = list(replies)
        self.heard: list[list[str]] = []
        self.played: list[list[str]] = []
        self.machine = machine

    async def ask(self, files: Sequence[str], timeout_s: float) -> str | None:
        self.heard.append(list(files))
        reply = self.replies.pop(0) if self.replies else None
        if reply == HANG_UP:
            raise CallerHungUp
        return reply

    async def play(self, files: Sequence[str]) -> None:
        self.played.append(list(files))

    async def machine_detected(self) -> bool:
        return self.machine


async def run(kind: str, replies: Sequence[str | None], *, machine_detection: bool = False,
              machine: bool = False) -> tuple[ScriptedCustomer, list[tuple[str, int]], FlowResult]:
    customer = ScriptedCustomer(replies, machine)
    saved: list[tuple[str, int]] = []

    async def sink(name: str, value: int) -> None:
        saved.append((name, value))

    ctx = FlowContext(customer, PROMPTS, 3.0, sink, machine_detection)
    return customer, saved, await run_flow(FLOWS[kind], ctx)


async def test_survey_keys_4_3_4_2_then_1_is_complete() -> None:
    customer, saved, result = await run("technician_survey", ["4", "3", "4", "2", "1"])
    assert result.answers == {"attitude": 4, "skill": 3, "arrival_time": 4,
                              "promises_kept": 2, "product_works": 1}
    assert result.outcome is FlowOutcome.COMPLETE
    assert saved == [("attitude", 4), ("skill", 3), ("arrival_time", 4), ("promises_kept", 2),
                     ("product_works", 1)]
    assert customer.heard[0] == PROMPTS.files("survey_intro", "attitude")
    assert customer.played == [PROMPTS.files("goodbye")]


def test_every_rating_prompt_says_which_key_means_what() -> None:
    """R18: 4 very satisfied ... 1 very dissatisfied, said for each item."""
    for item in ("attitude", "skill", "arrival_time", "promises_kept",
                 "complaint_satisfaction"):
        text = PROMPTS[item].text
        assert all(f"按{key}" in text for key in "4321"), item
        assert text.index("按4") < text.index("按1")
    assert "按1" in PROMPTS["product_works"].text
    assert "按2" in PROMPTS["product_works"].text
    assert "按9" in PROMPTS["survey_intro"].text


async def test_wrong_key_and_silence_repeat_the_question_at_most_twice() -> None:
    customer, _, result = await run("technician_survey", ["7", None, "4", "3", "3", "3", "1"])
    assert result.answers["attitude"] == 4
    assert len(customer.heard) == 7
    assert customer.heard[1] == PROMPTS.files("invalid", "attitude")
    assert customer.heard[2] == PROMPTS.files("invalid", "attitude")


async def test_three_silences_end_the_flow_and_nothing_is_refused_as_a_survey() -> None:
    customer, saved, result = await run("technician_survey", [None, None, None])
    assert len(customer.heard) == 3
    assert saved == []
    assert result.outcome is FlowOutcome.REFUSED


async def test_nine_at_any_question_is_do_not_call() -> None:
    customer, saved, result = await run("technician_survey", ["4", "9"])
    assert result.do_not_call
    assert result.outcome is FlowOutcome.REFUSED
    assert saved == [("attitude", 4), ("do_not_call", 1)]
    assert customer.played == [PROMPTS.files("do_not_call")]


async def test_hang_up_after_two_answers_keeps_them_as_partial() -> None:
    _, saved, result = await run("technician_survey", ["4", "3", HANG_UP])
    assert result.hung_up
    assert result.answers == {"attitude": 4, "skill": 3}
    assert result.outcome is FlowOutcome.PARTIAL
    assert saved == [("attitude", 4), ("skill", 3)]


async def test_complaint_callback_not_solved_promises_an_agent() -> None:
    customer, _, result = await run("complaint_callback", ["2", "2"])
    assert result.answers == {"solved": 2, "satisfaction": 2}
    assert customer.played == [PROMPTS.files("agent_will_call", "goodbye")]


async def test_delivery_check_asks_whether_it_works_and_offers_an_agent() -> None:
    customer, _, result = await run("warranty_check", ["2", "1"])
    assert result.answers == {"product_works": 2, "wants_agent": 1}
    assert customer.heard[0] == PROMPTS.files("delivery_intro", "delivery_works")
    assert result.outcome is FlowOutcome.COMPLETE


async def test_renewal_notice_plays_the_notice_and_offers_a_call() -> None:
    customer, _, result = await run("renewal_notice", ["1"])
    assert customer.heard[0] == PROMPTS.files("renewal_notice", "renewal_interest")
    assert result.answers == {"renewal_interest": 1}


async def test_machine_detection_ends_before_any_question() -> None:
    customer, _, result = await run("renewal_notice", ["1"], machine_detection=True,
                                    machine=True)
    assert result.machine
    assert customer.heard == []


def test_shipped_catalogue_has_every_prompt_the_flows_play() -> None:
    check_prompts(PROMPTS)


def test_a_catalogue_missing_a_prompt_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "prompts.toml"
    path.write_text('[prompts.goodbye]\nfile = "vm-goodbye"\ntext = "再见"\n', encoding="utf-8")
    with pytest.raises(PromptError, match="attitude"):
        check_prompts(load_prompts(path))


def test_a_prompt_file_that_is_not_a_sound_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "prompts.toml"
    path.write_text('[prompts.goodbye]\nfile = "a&b"\ntext = "再见"\n', encoding="utf-8")
    with pytest.raises(PromptError, match="goodbye"):
        load_prompts(path)
