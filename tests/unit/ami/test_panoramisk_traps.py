"""panoramisk 1.4's known traps, pinned: each test shows the trap is still there, and names the
test of callcenter.ami that covers its workaround. If a panoramisk upgrade makes one of these
fail, the workaround may be dropped.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
from pathlib import Path
from typing import ClassVar

import pytest
from panoramisk.actions import Action
from panoramisk.ami_protocol import AMIProtocol
from panoramisk.call_manager import CallManager
from panoramisk.manager import Manager
from panoramisk.message import Message

pytestmark = pytest.mark.unit

AMI_PACKAGE = Path(__file__).resolve().parents[3] / "callcenter" / "ami"


async def test_queue_add_future_never_resolves_in_panoramisk() -> None:
    """Workaround: test_protocol.py::test_queue_add_resolves_on_its_response."""
    action = Action({"Action": "QueueAdd", "Queue": "q", "Interface": "Local/1@a/n"})
    action.add_message(Message({"Response": "Success", "ActionID": action.id,
                                "Message": "Added interface to queue"}))
    assert not action.future.done()


async def test_awaited_async_originate_swallows_originate_response_in_panoramisk() -> None:
    """Workaround: test_link.py::test_send_originate_returns_the_channel_id_and_the_result_is_
    dispatched and test_protocol.py::test_async_originate_answer_leaves_originate_response_..."""
    dispatched: list[Message] = []

    class Factory:
        forgetable_actions = ("ping", "login")
        awaiting_actions: ClassVar[list[Action]] = []

        def dispatch(self, message: Message) -> None:
            dispatched.append(message)

    protocol = AMIProtocol()

    class Transport:
        def write(self, data: bytes) -> None:
            pass

    protocol.connection_made(Transport())
    protocol.factory = Factory()
    # as_list=None is what Manager.send_action passes
    future = protocol.send(
        {"Action": "Originate", "Async": "true", "Channel": "Local/1@x"}, as_list=None
    )
    action_id = next(iter(protocol.responses))
    protocol.data_received(
        f"Response: Success\r\nActionID: {action_id}\r\n"
        "Message: Originate successfully queued\r\n\r\n"
        f"Event: OriginateResponse\r\nActionID: {action_id}\r\nResponse: Failure\r\n"
        "Reason: 0\r\nUniqueid: leg-1\r\n\r\n".encode()
    )
    assert future.done()
    assert dispatched == []  # the OriginateResponse never reached an event handler


def test_getdict_fails_on_a_single_chanvariable_in_panoramisk() -> None:
    """Workaround: test_frames.py::test_single_chanvariable_is_read_like_several."""
    message = Message.from_line("Event: Hangup\r\nChanVariable: JOB_ID=42")
    assert message is not None
    with pytest.raises(TypeError):
        message.getdict("chanvariable")


def test_call_manager_merges_calls_that_started_in_the_same_second() -> None:
    """Workaround: callcenter.ami keys by the full Linkedid/Uniqueid (no CallManager); see
    test_translate.py::test_legs_with_the_same_seconds_part_stay_distinct."""
    manager = CallManager()
    for uniqueid in ("1700000000.1", "1700000000.2"):
        manager.handle_calls(manager, Message({"Event": "Newchannel", "Uniqueid": uniqueid}))
    assert list(manager.calls_queues) == ["1700000000"]


async def test_half_answered_action_is_neither_failed_nor_requeued_in_panoramisk() -> None:
    """Workaround: test_protocol.py::test_half_answered_list_times_out_... and
    test_protocol.py::test_lost_connection_fails_pending_actions_at_once."""

    class Factory:
        forgetable_actions = ("ping", "login")
        awaiting_actions: ClassVar[list[Action]] = []

        def connection_lost(self, exc: object) -> None:
            pass

    class Transport:
        def write(self, data: bytes) -> None:
            pass

        def close(self) -> None:
            pass

    protocol = AMIProtocol()
    protocol.connection_made(Transport())
    protocol.factory = Factory()
    future = protocol.send({"Action": "QueueStatus"}, as_list=None)
    action_id = next(iter(protocol.responses))
    protocol.data_received(
        f"Response: Success\r\nActionID: {action_id}\r\nEventList: start\r\n"
        "Message: Queue status will follow\r\n\r\n".encode()
    )
    protocol.connection_lost(None)
    await asyncio.sleep(0)
    assert not future.done()
    assert Factory.awaiting_actions == []


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def test_the_adapter_passes_no_loop_argument_and_uses_no_call_manager() -> None:
    """`loop=` is gone from asyncio in 3.10+; CallManager collides calls (see above)."""
    for path in sorted(AMI_PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in _calls(tree):
            assert "loop" not in [k.arg for k in call.keywords], f"{path.name}:{call.lineno}"
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert "call_manager" not in node.module, path.name
                assert "CallManager" not in [a.name for a in node.names], path.name


def test_ping_replies_are_not_checked_by_panoramisk() -> None:
    """Workaround: test_link.py::test_watchdog_drops_a_session_whose_ping_is_never_answered.

    Manager.ping() sends a Ping and re-arms its timer; nothing ever looks at the reply."""
    source = inspect.getsource(Manager.ping)
    assert "send" in source
    assert "timeout" not in source
    assert "result" not in source
