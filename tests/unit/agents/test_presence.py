"""R6 transfers: the queue a transfer to a colleague goes through."""

from __future__ import annotations

import pytest

from callcenter.agents.presence import transfer_queue
from callcenter.calls.agent_state import AgentState, Presence

pytestmark = pytest.mark.unit


def _desk(interface: str, state: AgentState, *queues: str) -> Presence:
    return Presence(interface=interface, state=state, since=0.0, queues=tuple(sorted(queues)),
                    paused_reason="", call_ids=())


def test_a_transfer_goes_through_the_colleagues_queue_where_nobody_else_is_free() -> None:
    """R6: a queue rings whoever is free, so the one where only the colleague is free."""
    colleague = _desk("PJSIP/1002", AgentState.AVAILABLE, "hotline", "cantonese")
    everyone = [colleague,
                _desk("PJSIP/1003", AgentState.AVAILABLE, "hotline"),
                _desk("PJSIP/1004", AgentState.ON_CALL, "cantonese"),
                _desk("PJSIP/1005", AgentState.PAUSED, "cantonese")]
    assert transfer_queue(colleague, everyone) == ("cantonese", 0)


def test_with_someone_else_free_everywhere_the_fewest_is_chosen_and_counted() -> None:
    colleague = _desk("PJSIP/1002", AgentState.AVAILABLE, "a-queue", "b-queue")
    everyone = [colleague,
                _desk("PJSIP/1003", AgentState.AVAILABLE, "a-queue", "b-queue"),
                _desk("PJSIP/1004", AgentState.AVAILABLE, "a-queue")]
    assert transfer_queue(colleague, everyone) == ("b-queue", 1)
    alone = [colleague, _desk("PJSIP/1003", AgentState.AVAILABLE, "a-queue", "b-queue")]
    assert transfer_queue(colleague, alone) == ("a-queue", 1)  # a tie: the first, stably


def test_a_colleague_in_no_queue_cannot_be_transferred_to() -> None:
    with pytest.raises(ValueError, match="in no queue"):
        transfer_queue(_desk("PJSIP/1002", AgentState.LOGGED_OUT), [])
