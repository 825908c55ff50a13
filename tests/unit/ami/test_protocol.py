"""One AMI session against the FAKE AMI peer: how actions are correlated and bounded."""

from __future__ import annotations

import asyncio
import time

import pytest

from callcenter.ami.errors import AmiActionFailed, AmiActionTimeout, AmiNotConnected
from callcenter.ami.frames import Frame
from callcenter.ami.protocol import AmiConnection, format_action, login, open_connection
from tests.unit.ami.fake_ami_peer import FakeAmiPeer, FakeSession

pytestmark = pytest.mark.unit


async def connect(peer: FakeAmiPeer, events: list[Frame]) -> AmiConnection:
    conn = await open_connection("127.0.0.1", peer.port, timeout_s=1, on_event=events.append)
    await login(conn, "callcenter", "callcenter", timeout_s=1)
    return conn


async def test_queue_add_resolves_on_its_response(peer: FakeAmiPeer) -> None:
    """panoramisk 1.4 takes "Added interface to queue" for the start of a list: never resolves."""
    conn = await connect(peer, [])
    result = await conn.action(
        "QueueAdd", {"Queue": "q", "Interface": "Local/1@agents/n"}, timeout_s=1
    )
    assert result.message == "Added interface to queue"
    conn.close()


async def test_async_originate_answer_leaves_originate_response_to_the_event_handler(
    peer: FakeAmiPeer,
) -> None:
    """panoramisk 1.4 resolves an awaited Async Originate with OriginateResponse and eats it."""
    events: list[Frame] = []
    conn = await connect(peer, events)
    result = await conn.action(
        "Originate", {"Channel": "Local/404@nowhere", "Async": "true", "ChannelId": "leg-1"},
        timeout_s=1,
    )
    assert result.message == "Originate successfully queued"
    await asyncio.sleep(0.05)
    (response,) = [e for e in events if e.get("Event") == "OriginateResponse"]
    assert response["Uniqueid"] == "leg-1"
    conn.close()


async def test_list_action_returns_items_and_the_complete_event(peer: FakeAmiPeer) -> None:
    peer.channel_items = [
        {"Event": "CoreShowChannel", "Channel": "Local/a;1", "Uniqueid": "1.1", "Linkedid": "1.1"},
        {"Event": "CoreShowChannel", "Channel": "Local/a;2", "Uniqueid": "1.2", "Linkedid": "1.1"},
    ]
    events: list[Frame] = []
    conn = await connect(peer, events)
    result = await conn.action("CoreShowChannels", timeout_s=1)
    assert [item["Uniqueid"] for item in result.events] == ["1.1", "1.2"]
    assert result.complete is not None
    assert result.complete["Event"] == "CoreShowChannelsComplete"
    assert not [e for e in events if e.get("Event") == "CoreShowChannel"]
    conn.close()


async def test_error_response_raises_action_failed_with_the_pbx_message(peer: FakeAmiPeer) -> None:
    conn = await connect(peer, [])
    with pytest.raises(AmiActionFailed, match="Invalid/unknown command") as failed:
        await conn.action("NoSuchAction", timeout_s=1)
    assert failed.value.pbx_message == "Invalid/unknown command"
    conn.close()


async def test_half_answered_list_times_out_and_its_late_items_are_dropped(
    peer: FakeAmiPeer,
) -> None:
    """panoramisk 1.4: an action with part of its answer never resolves. Here: a deadline."""

    def half(session: FakeSession, action: dict[str, str]) -> None:
        session.send({"Response": "Success", "ActionID": action["ActionID"],
                      "EventList": "start", "Message": "Queue status will follow"})
        session.send({"Event": "QueueParams", "Queue": "q", "ActionID": action["ActionID"]})

    peer.handlers["QueueStatus"] = half
    events: list[Frame] = []
    conn = await connect(peer, events)
    started = time.monotonic()
    with pytest.raises(AmiActionTimeout):
        await conn.action("QueueStatus", timeout_s=0.2)
    assert 0.15 < time.monotonic() - started < 1.0
    action_id = peer.last.actions[-1]["ActionID"]
    peer.last.send({"Event": "QueueMember", "Queue": "q", "ActionID": action_id})
    peer.last.send({"Event": "QueueStatusComplete", "ActionID": action_id})
    peer.last.send({"Event": "Reload", "Module": "app_queue"})
    await asyncio.sleep(0.05)
    assert [e["Event"] for e in events] == ["FullyBooted", "Reload"]
    conn.close()


async def test_lost_connection_fails_pending_actions_at_once(peer: FakeAmiPeer) -> None:
    peer.answer_ping = False
    conn = await connect(peer, [])
    pending = asyncio.ensure_future(conn.action("Ping", timeout_s=10))
    await peer.wait_action(peer.last, "Ping")
    started = time.monotonic()
    peer.last.close()
    with pytest.raises(AmiNotConnected, match="Ping"):
        await pending
    assert time.monotonic() - started < 1.0
    await asyncio.wait_for(conn.closed, 1)


async def test_actions_on_a_closed_session_fail_instead_of_queueing(peer: FakeAmiPeer) -> None:
    """panoramisk 1.4 queues them until the next FullyBooted; an Originate could dial twice."""
    conn = await connect(peer, [])
    conn.close()
    await asyncio.wait_for(conn.closed, 1)
    with pytest.raises(AmiNotConnected):
        await conn.action("Ping", timeout_s=1)


async def test_refused_connection_raises_not_connected() -> None:
    free = FakeAmiPeer()
    port = await free.start()
    await free.stop()
    with pytest.raises(AmiNotConnected, match="cannot connect"):
        await open_connection("127.0.0.1", port, timeout_s=1, on_event=lambda f: None)


async def test_command_output_lines_are_returned(peer: FakeAmiPeer) -> None:
    def command(session: FakeSession, action: dict[str, str]) -> None:
        session.send([("Response", "Success"), ("ActionID", action["ActionID"]),
                      ("Message", "Command output follows"),
                      ("Output", "Asterisk 22.0.0 built by x"), ("Output", "second: line")])

    peer.handlers["Command"] = command
    conn = await connect(peer, [])
    result = await conn.action("Command", {"Command": "core show version"}, timeout_s=1)
    assert result.output == ["Asterisk 22.0.0 built by x", "second: line"]
    conn.close()


def test_actions_serialise_repeated_headers_and_refuse_line_breaks() -> None:
    data = format_action("Originate", "id-1", {"Channel": "Local/1@x", "Variable": ["A=1", "B=2"]})
    assert data == (
        b"Action: Originate\r\nActionID: id-1\r\nChannel: Local/1@x\r\n"
        b"Variable: A=1\r\nVariable: B=2\r\n\r\n"
    )
    with pytest.raises(ValueError, match="line break"):
        format_action("Originate", "id-2", {"CallerID": "x\r\nAction: Hangup"})
    with pytest.raises(ValueError, match="set by the AMI adapter"):
        format_action("Ping", "id-3", {"ActionID": "mine"})
