"""The flows' Channel on an AGI session: lead-ins, keys, missing prompts, hang-ups."""

from __future__ import annotations

import pytest

from callcenter.ami.fastagi import AgiCommandFailed, AgiHangup
from dialer.agi import AgiChannel
from dialer.numbers import dial_string, dialable
from ivr_flows.channel import CallerHungUp

pytestmark = pytest.mark.unit


class FakeSession:
    """Answers STREAM FILE / GET DATA from a script; records what was played."""

    def __init__(self, *replies: object) -> None:
        self.replies = list(replies)
        self.commands: list[str] = []

    def _next(self) -> str | None:
        reply = self.replies.pop(0) if self.replies else None
        if isinstance(reply, Exception):
            raise reply
        return reply  # type: ignore[return-value]

    async def stream_file(self, name: str, escape_digits: str = "") -> str | None:
        self.commands.append(f"STREAM FILE {name} {escape_digits!r}")
        return self._next()

    async def get_data(self, files: str, timeout_s: float, max_digits: int = 1) -> str | None:
        self.commands.append(f"GET DATA {files} {timeout_s:g}")
        return self._next()


async def test_the_lead_in_is_interruptible_and_the_question_waits_for_a_key() -> None:
    session = FakeSession(None, "4")
    assert await AgiChannel(session).ask(["hello", "vm-press"], 3.0) == "4"  # type: ignore[arg-type]
    assert session.commands == ["STREAM FILE hello '0123456789*#'", "GET DATA vm-press 3"]


async def test_a_key_during_the_lead_in_answers_the_question() -> None:
    session = FakeSession("9")
    assert await AgiChannel(session).ask(["hello", "vm-press"], 3.0) == "9"  # type: ignore[arg-type]
    assert len(session.commands) == 1


async def test_a_prompt_that_does_not_play_counts_as_silence() -> None:
    session = FakeSession(AgiCommandFailed("STREAM FILE failed"), None)
    assert await AgiChannel(session).ask(["missing", "vm-press"], 3.0) is None  # type: ignore[arg-type]


async def test_an_agi_hang_up_is_the_callers_hang_up() -> None:
    session = FakeSession(AgiHangup("gone"))
    with pytest.raises(CallerHungUp):
        await AgiChannel(session).ask(["vm-press"], 3.0)  # type: ignore[arg-type]


def test_numbers_are_dialled_as_from_the_site() -> None:
    assert dialable("+8613900001001", "CN") == "13900001001"
    assert dialable("+861062345678", "CN") == "01062345678"
    assert dialable("+442071234567", "CN") == "00442071234567"
    assert dialable("+8613900001001", "CN", prefix="9") == "913900001001"
    assert dialable("not a number", "CN") is None
    assert dial_string("Local/{number}@bench-customers", "139") == "Local/139@bench-customers"
