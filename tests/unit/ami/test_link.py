"""AmiLink against the FAKE AMI peer: faults the real PBX cannot be made to show on demand.

Login, filters, resync, kill/restart and SIGSTOP on the real PBX: tests/e2e/ami.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from callcenter.ami.errors import AmiActionFailed, AmiNotConnected
from callcenter.ami.link import AmiLink
from callcenter.ami.translate import ALWAYS_WANTED
from callcenter.events import (
    CallerJoinedQueue,
    LegHungUp,
    OriginateResult,
    PbxBooted,
    PbxEvent,
    PbxShuttingDown,
)
from callcenter.settings import AmiSettings
from tests.unit.ami.fake_ami_peer import FakeAmiPeer, FakeSession
from tests.unit.ami.recording_consumer import RecordingConsumer

pytestmark = pytest.mark.unit

JOIN = {"Event": "QueueCallerJoin", "Timestamp": "1700000000.5", "Queue": "hotline",
        "Position": "1", "Uniqueid": "1.2", "Linkedid": "1.1", "CallerIDNum": "13800138000",
        "CallerIDName": "Zhang San"}
HANGUP = {"Event": "Hangup", "Timestamp": "1700000001.0", "Uniqueid": "1.2", "Linkedid": "1.1",
          "Channel": "Local/hotline@inbound-00000001;2", "Cause": "16",
          "Cause-txt": "Normal Clearing"}


@asynccontextmanager
async def running(link: AmiLink) -> AsyncIterator[AmiLink]:
    await link.start()
    try:
        yield link
    finally:
        await link.stop()


async def eventually(check: Callable[[], bool], timeout_s: float = 3.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def filter_names(session: FakeSession) -> set[str]:
    names = set()
    for action in session.actions:
        if action.get("Action") == "Filter":
            criteria = action.get("MatchCriteria") or action.get("Filter", "")
            names.add(criteria.split("name(")[-1].rstrip(")").removeprefix("^Event: ")
                      .removesuffix("[[:space:]]"))
    return names


async def test_login_filters_and_resync_reach_every_consumer(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    peer.queue_items = [
        {"Event": "QueueParams", "Queue": "hotline", "Strategy": "rrmemory"},
        {"Event": "QueueMember", "Queue": "hotline", "Name": "agent1001",
         "Location": "Local/1001@agents/n", "StateInterface": "Local/1001@agents",
         "Status": "1", "Paused": "0", "PausedReason": "", "InCall": "0"},
        {"Event": "QueueEntry", "Queue": "hotline", "Position": "1", "Uniqueid": "1.2",
         "CallerIDNum": "13800138000", "Wait": "7"},
    ]
    peer.channel_items = [
        {"Event": "CoreShowChannel", "Channel": "Local/hotline@inbound-00000001;2",
         "Uniqueid": "1.2", "Linkedid": "1.1", "ChannelStateDesc": "Up"},
    ]
    queues = RecordingConsumer(frozenset({CallerJoinedQueue}))
    dialer = RecordingConsumer(frozenset({OriginateResult}))
    link = AmiLink(ami_settings, consumers=[queues, dialer])
    async with running(link):
        await link.wait_connected(2)
        session = peer.last
        assert session.names()[:1] == ["Login"]
        assert filter_names(session) == {"QueueCallerJoin", "OriginateResponse"} | ALWAYS_WANTED
        for consumer in (queues, dialer):
            (snapshot,) = consumer.snapshots
            (queue,) = snapshot.queues
            assert queue.members[0].member_name == "agent1001"
            assert queue.members[0].interface == "Local/1001@agents/n"
            assert queue.entries[0].call_id == "1.1"  # from the channel list, by Uniqueid
            assert queue.entries[0].wait_s == 7.0
            assert snapshot.live_call_ids() == {"1.1"}
        state = link.state
        assert state.connected
        assert state.asterisk_version == "Asterisk 22.0.0-fake"
        assert state.filter_mode == "name"
        assert state.reconnects == 0


async def test_events_reach_only_the_consumers_that_want_them(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    queues = RecordingConsumer(frozenset({CallerJoinedQueue}))
    everything = RecordingConsumer(frozenset({PbxEvent}))
    link = AmiLink(ami_settings, consumers=[queues, everything])
    async with running(link):
        await link.wait_connected(2)
        peer.last.send(JOIN)
        peer.last.send(HANGUP)
        await everything.wait_until(lambda: len(everything.of_type(LegHungUp)) == 1)
        assert [type(e) for e in queues.events] == [CallerJoinedQueue]
        assert [type(e) for e in everything.events] == [PbxBooted, CallerJoinedQueue, LegHungUp]


async def test_events_during_resync_are_delivered_after_the_snapshot(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    def slow_channels(session: FakeSession, action: dict[str, str]) -> None:
        session.send(JOIN)  # a call joins while the PBX is answering the resync
        session.send_list(action, [], "CoreShowChannelsComplete")

    peer.handlers["CoreShowChannels"] = slow_channels
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        await consumer.wait_until(lambda: len(consumer.events) == 2)
        assert consumer.log == ["snapshot", "event:PbxBooted", "event:CallerJoinedQueue"]


async def test_pbx_closing_the_socket_means_link_lost_then_reconnect_and_resync(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        peer.last.close()
        await peer.wait_sessions(2)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2)
        assert consumer.log[:3] == ["snapshot", "event:PbxBooted", "lost"]
        assert consumer.log[3] == "snapshot"
        await link.wait_connected(2)
        assert link.state.reconnects == 1
        assert filter_names(peer.last)  # filters are per session: added again


async def test_refused_connections_are_retried_with_backoff_until_the_pbx_is_back(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        port = peer.port
        await peer.stop()
        await consumer.wait_until(lambda: consumer.losses != [])
        await asyncio.sleep(0.3)
        assert not link.state.connected
        assert "cannot connect" in (link.state.last_error or "")
        await peer.start(port)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2, timeout_s=3)
        assert link.state.connected


async def test_backoff_doubles_up_to_the_maximum(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    peer.login_ok = False
    times: list[float] = []
    original = peer._on_login

    def timed_login(session: FakeSession, action: dict[str, str]) -> None:
        times.append(asyncio.get_running_loop().time())
        original(session, action)

    peer.handlers["Login"] = timed_login
    link = AmiLink(ami_settings, consumers=[])
    async with running(link):
        await eventually(lambda: len(times) >= 5, timeout_s=3)
        assert "Authentication failed" in (link.state.last_error or "")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[0] == pytest.approx(0.05, abs=0.04)
    assert gaps[1] == pytest.approx(0.10, abs=0.05)
    assert gaps[3] == pytest.approx(0.20, abs=0.06)  # capped at reconnect_max_s


async def test_watchdog_drops_a_session_whose_ping_is_never_answered(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    """panoramisk 1.4 sends Ping but never checks the reply: a frozen PBX goes unnoticed."""
    peer.answer_ping = False
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        await consumer.wait_until(lambda: consumer.losses != [], timeout_s=2)
        assert "no Ping reply" in (link.state.last_error or "")
        await peer.wait_sessions(2)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2)


async def test_answered_pings_keep_the_session(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        await asyncio.sleep(0.6)
        assert peer.last.names().count("Ping") >= 3
        assert consumer.losses == []
        assert len(peer.sessions) == 1


async def test_shutdown_event_is_delivered_then_the_link_reconnects(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        peer.last.send({"Event": "Shutdown", "Shutdown": "Cleanly", "Restart": "True"})
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2)
        assert consumer.log[2:5] == ["event:PbxShuttingDown", "lost", "snapshot"]
        (shutdown,) = consumer.of_type(PbxShuttingDown)
        assert shutdown.restart


async def test_reload_triggers_a_fresh_snapshot(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        peer.last.send({"Event": "Reload", "Module": "app_queue", "Status": "Success"})
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2)
        assert peer.last.names().count("QueueStatus") == 2
        assert consumer.losses == []


async def test_a_failing_consumer_is_logged_and_counted_and_others_continue(
    peer: FakeAmiPeer, ami_settings: AmiSettings, caplog: pytest.LogCaptureFixture
) -> None:
    broken = RecordingConsumer(fail_on=CallerJoinedQueue)
    healthy = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[broken, healthy])
    async with running(link):
        await link.wait_connected(2)
        with caplog.at_level(logging.ERROR, logger="callcenter.ami.link"):
            peer.last.send(JOIN)
            peer.last.send(HANGUP)
            await healthy.wait_until(lambda: len(healthy.of_type(LegHungUp)) == 1)
        assert len(broken.of_type(LegHungUp)) == 1  # the next event still reached it
        assert link.state.consumer_errors == 1
        assert link.state.connected
        assert "RecordingConsumer failed on CallerJoinedQueue (call 1.1)" in caplog.text


async def test_garbled_frames_on_the_wire_are_counted_and_the_link_stays_up(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        peer.last.send_raw(b"\xff\xfe garbage\r\nno separator here\r\n\r\n")
        peer.last.send_raw(b"Event: QueueCallerJoin\r\nQueue: hotline\r\nPosition: x\r\n\r\n")
        peer.last.send_raw(b"Event: Hangup\r\nUniqueid: 1.2\r\nLinke")
        peer.last.send_raw(b"did: 1.1\r\nChannel: Local/x;2\r\nCause: 16\r\n\r\n")
        await consumer.wait_until(lambda: len(consumer.of_type(LegHungUp)) == 1)
        state = link.state
        assert state.malformed_frames == 1
        assert state.malformed_events == 1
        assert state.connected
        assert consumer.losses == []


async def test_actions_while_disconnected_fail_at_once(ami_settings: AmiSettings) -> None:
    link = AmiLink(ami_settings, consumers=[])
    with pytest.raises(AmiNotConnected):
        await link.action("Ping")
    with pytest.raises(AmiNotConnected):
        link.send_originate({"Channel": "Local/1@x", "Application": "Wait", "Data": "1"})


async def test_queue_add_through_the_link_resolves(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    link = AmiLink(ami_settings, consumers=[])
    async with running(link):
        await link.wait_connected(2)
        result = await link.action("QueueAdd", {"Queue": "q", "Interface": "Local/1@a/n"})
        assert result.message == "Added interface to queue"
        with pytest.raises(AmiActionFailed):
            await link.action("QueueRemoveEverything")


async def test_send_originate_returns_the_channel_id_and_the_result_is_dispatched(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    dialer = RecordingConsumer(frozenset({OriginateResult}))
    link = AmiLink(ami_settings, consumers=[dialer])
    async with running(link):
        await link.wait_connected(2)
        leg = link.send_originate({"Channel": "Local/404@nowhere", "Context": "c",
                                   "Exten": "s", "Priority": "1"})
        await dialer.wait_until(lambda: dialer.events != [])
        (result,) = dialer.of_type(OriginateResult)
        assert (result.leg_id, result.success, result.reason) == (leg, False, 0)
        sent = peer.last.actions[-1]
        assert (sent["Async"], sent["ChannelId"]) == ("true", leg)


async def test_refused_originate_still_yields_a_failed_result(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    peer.handlers["Originate"] = lambda s, a: s.error(a, "Permission denied")
    dialer = RecordingConsumer(frozenset({OriginateResult}))
    link = AmiLink(ami_settings, consumers=[dialer])
    async with running(link):
        await link.wait_connected(2)
        leg = link.send_originate({"Channel": "Local/1@x", "ChannelId": "job-7"})
        await dialer.wait_until(lambda: dialer.events != [])
        assert leg == "job-7"
        (result,) = dialer.of_type(OriginateResult)
        assert (result.leg_id, result.success, result.reason) == ("job-7", False, 0)


async def test_name_filters_refused_fall_back_to_regex_filters(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    peer.refuse_filter_modes = {"name"}
    link = AmiLink(ami_settings, consumers=[RecordingConsumer(frozenset({LegHungUp}))])
    async with running(link):
        await link.wait_connected(2)
        assert link.state.filter_mode == "regex"
        regexes = {a["Filter"] for a in peer.last.actions if "Filter" in a}
        assert "^Event: Hangup[[:space:]]" in regexes


async def test_no_filter_permission_means_no_filter_and_local_skipping(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    peer.refuse_filter_modes = {"name", "regex"}
    consumer = RecordingConsumer(frozenset({LegHungUp}))
    link = AmiLink(ami_settings, consumers=[consumer])
    async with running(link):
        await link.wait_connected(2)
        assert link.state.filter_mode == "off"
        peer.last.send({"Event": "Newexten", "Uniqueid": "1.2"})
        peer.last.send(JOIN)
        peer.last.send(HANGUP)
        await consumer.wait_until(lambda: consumer.events != [])
        assert [type(e) for e in consumer.events] == [LegHungUp]
        assert link.counters.unknown_events == {"Newexten": 1}
        assert link.counters.unwanted_events == {"QueueCallerJoin": 1}


async def test_partly_accepted_filters_reconnect_with_the_next_kind(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    """A partial include filter would silently lose events: start a clean session instead."""
    peer.refuse_filter_after = 2
    link = AmiLink(ami_settings, consumers=[RecordingConsumer()])
    async with running(link):
        await link.wait_connected(3)
        assert len(peer.sessions) >= 2
        assert link.state.filter_mode == "off"


async def test_stop_logs_off_without_reporting_a_link_loss(
    peer: FakeAmiPeer, ami_settings: AmiSettings
) -> None:
    consumer = RecordingConsumer()
    link = AmiLink(ami_settings, consumers=[consumer])
    await link.start()
    await link.wait_connected(2)
    await link.stop()
    assert "Logoff" in peer.last.names()
    assert consumer.losses == []
    assert not link.state.connected
