"""AmiLink against the REAL bench PBX (Asterisk 22 in the sid chroot): login, manager event
filters, resync, actions, Originate results, and recovery from a killed, stopped or frozen PBX.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from callcenter.ami.link import AmiLink
from callcenter.ami.recorder import read_transcript, record, replay
from callcenter.devtools.pbx import bench
from callcenter.events import (
    AgentAnswered,
    AgentCallCompleted,
    CallerJoinedQueue,
    MemberAdded,
    MemberPaused,
    MemberRemoved,
    OriginateResult,
    PbxBooted,
    PbxEvent,
    PbxShuttingDown,
    QueueExited,
)
from callcenter.settings import AmiSettings
from tests.unit.ami.recording_consumer import RecordingConsumer

pytestmark = pytest.mark.e2e

CALLER = {"Context": "bench-caller", "Exten": "s", "Priority": "1",
          "CallerID": '"Li Si" <13900139000>'}


@asynccontextmanager
async def running(link: AmiLink) -> AsyncIterator[AmiLink]:
    await link.start()
    try:
        await link.wait_connected(10)
        yield link
    finally:
        await link.stop()


async def test_login_filters_and_resync(ami_settings: AmiSettings, pbx: str) -> None:
    consumer = RecordingConsumer(frozenset({PbxEvent}))
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        state = link.state
        assert state.connected
        assert state.filter_mode == "name"  # Asterisk 22 takes MatchCriteria name() filters
        assert (state.asterisk_version or "").startswith("Asterisk 22.")
        (snapshot,) = consumer.snapshots
        queues = {q.name: q for q in snapshot.queues}
        assert {m.member_name for m in queues["bench-q1"].members} == {"agent1011", "agent1012"}
        assert queues["bench-ringall"].strategy == "ringall"
        assert {m.interface for m in queues["bench-q7"].members} == {"Local/1071@bench-agents/n"}
        await asyncio.sleep(0.2)
        assert isinstance(consumer.events[0], PbxBooted)  # held during the resync, then delivered


async def test_pbx_sends_only_the_filtered_events_of_a_real_call(
    ami_settings: AmiSettings,
) -> None:
    consumer = RecordingConsumer(frozenset({PbxEvent}))
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        leg = link.send_originate({"Channel": "Local/bench-q7@bench-inbound/n", **CALLER})
        await consumer.wait_until(
            lambda: any(isinstance(e, QueueExited) and e.call_id == leg for e in consumer.events),
            timeout_s=20,
        )
        mine = [e for e in consumer.events if getattr(e, "call_id", None) == leg]
        kinds = [type(e) for e in mine]
        assert kinds.index(CallerJoinedQueue) < kinds.index(AgentAnswered)
        assert kinds.index(AgentAnswered) < kinds.index(AgentCallCompleted)
        (answered,) = [e for e in mine if isinstance(e, AgentAnswered)]
        assert answered.member_name == "agent1071"
        assert (answered.hold_s, answered.ring_s) == (1.0, 1.0)
        # Newchannel, Newexten, VarSet, Bridge*... never left the PBX:
        assert link.counters.unknown_events == {}
        assert link.counters.unwanted_events == {}


async def test_unfiltered_link_skips_the_same_events_itself(ami_settings: AmiSettings) -> None:
    consumer = RecordingConsumer(frozenset({OriginateResult}))
    link = AmiLink(ami_settings, consumers=[consumer], use_filters=False)
    async with running(link):
        assert link.state.filter_mode == "off"
        leg = link.send_originate({"Channel": "Local/bench-q6@bench-inbound/n", **CALLER})
        await consumer.wait_until(lambda: consumer.events != [], timeout_s=10)
        await asyncio.sleep(2)
        assert [(type(e), e.leg_id) for e in consumer.of_type(OriginateResult)] == [
            (OriginateResult, leg)
        ]
        assert link.counters.unknown_events.get("Newchannel", 0) >= 1
        await link.action("Hangup", {"Channel": "/^Local/bench-q6@bench-inbound-.*$/"})


async def test_queue_member_actions_resolve_and_their_events_arrive(
    ami_settings: AmiSettings,
) -> None:
    """panoramisk 1.4's QueueAdd future never resolves; these must, within the timeout."""
    consumer = RecordingConsumer(frozenset({MemberAdded, MemberPaused, MemberRemoved}))
    member = {"Queue": "bench-dynamic", "Interface": "Local/1202@bench-agents/n"}
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        try:
            added = await link.action("QueueAdd", {**member, "MemberName": "agent1202",
                                                   "StateInterface": "Local/1202@bench-agents"})
            assert added.message == "Added interface to queue"
            await link.action("QueuePause", {**member, "Paused": "true", "Reason": "training"})
        finally:
            await link.action("QueueRemove", member)
        await consumer.wait_until(lambda: len(consumer.events) == 3)
        assert [type(e) for e in consumer.events] == [MemberAdded, MemberPaused, MemberRemoved]
        paused = consumer.events[1]
        assert isinstance(paused, MemberPaused)
        assert (paused.paused, paused.reason) == (True, "training")


async def test_setvar_and_command_actions(ami_settings: AmiSettings) -> None:
    async with running(AmiLink(ami_settings, consumers=[])) as link:
        await link.action("Setvar", {"Variable": "AMI_E2E_PROBE", "Value": "42"})
        result = await link.action("Command", {"Command": "dialplan show globals"})
        assert any("AMI_E2E_PROBE=42" in line for line in result.output)


async def test_originate_results_reach_consumers_with_the_channel_id(
    ami_settings: AmiSettings,
) -> None:
    """panoramisk 1.4 swallows OriginateResponse when the Async Originate is awaited."""
    dialer = RecordingConsumer(frozenset({OriginateResult}))
    async with running(AmiLink(ami_settings, consumers=[dialer])) as link:
        base = {"Context": "bench-caller", "Exten": "s", "Priority": "1"}
        nowhere = link.send_originate({"Channel": "Local/404@nowhere", **base})
        busy = link.send_originate({"Channel": "Local/13800000004@bench-customers", **base})
        await dialer.wait_until(lambda: len(dialer.events) == 2, timeout_s=10)
        results = {e.leg_id: (e.success, e.reason) for e in dialer.of_type(OriginateResult)}
        assert results == {nowhere: (False, 0), busy: (False, 5)}


async def test_queue_reload_on_the_pbx_triggers_a_fresh_snapshot(
    ami_settings: AmiSettings,
) -> None:
    consumer = RecordingConsumer(frozenset({PbxEvent}))
    async with running(AmiLink(ami_settings, consumers=[consumer])):
        await asyncio.to_thread(bench.cli, "module reload app_queue.so")
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2, timeout_s=10)
        assert consumer.losses == []


async def test_killed_pbx_means_link_lost_then_reconnect_and_fresh_resync(
    ami_settings: AmiSettings,
) -> None:
    consumer = RecordingConsumer(frozenset({PbxEvent}))
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        link.send_originate({"Channel": "Local/bench-empty@bench-inbound/n", **CALLER})
        await consumer.wait_until(
            lambda: any(isinstance(e, CallerJoinedQueue) for e in consumer.events), timeout_s=10
        )
        bench.kill(signal.SIGKILL)
        await consumer.wait_until(lambda: consumer.losses != [], timeout_s=5)
        assert not link.state.connected
        await asyncio.to_thread(bench.up)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2, timeout_s=20)
        assert link.state.connected
        assert link.state.reconnects >= 1
        assert consumer.snapshots[-1].live_call_ids() == frozenset()  # the call died with it
        assert consumer.log.index("lost") < len(consumer.log) - 1


async def test_graceful_stop_sends_shutdown_then_the_link_comes_back(
    ami_settings: AmiSettings,
) -> None:
    consumer = RecordingConsumer(frozenset({PbxShuttingDown}))
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        await asyncio.to_thread(bench.down)
        await consumer.wait_until(lambda: consumer.losses != [], timeout_s=10)
        assert len(consumer.of_type(PbxShuttingDown)) == 1
        assert consumer.log[1:3] == ["event:PbxShuttingDown", "lost"]
        await asyncio.to_thread(bench.up)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2, timeout_s=20)
        assert link.state.connected


async def test_watchdog_notices_a_frozen_pbx_and_reconnects_after_it_thaws(
    ami_settings: AmiSettings,
) -> None:
    """SIGSTOP keeps the socket open and silent: only an unanswered Ping tells."""
    consumer = RecordingConsumer(frozenset({PbxEvent}))
    async with running(AmiLink(ami_settings, consumers=[consumer])) as link:
        frozen_at = time.monotonic()
        bench.kill(signal.SIGSTOP)
        try:
            await consumer.wait_until(lambda: consumer.losses != [], timeout_s=5)
            noticed = time.monotonic() - frozen_at
            # at most one ping interval plus the ping timeout (and some slack)
            assert noticed < ami_settings.ping_interval_s + ami_settings.ping_timeout_s + 1.0
            assert "no Ping reply" in (link.state.last_error or "")
            await asyncio.sleep(1.5)
            assert not link.state.connected  # logins to a frozen PBX time out too
        finally:
            bench.kill(signal.SIGCONT)
        await consumer.wait_until(lambda: len(consumer.snapshots) == 2, timeout_s=20)
        assert link.state.connected


async def test_recorder_writes_a_transcript_that_replays(
    ami_settings: AmiSettings, tmp_path: Path, pbx: str
) -> None:
    path = await record(ami_settings, tmp_path / "live.transcript", duration_s=0.5)
    transcript = read_transcript(path)
    assert transcript.version.startswith("Asterisk 22.")
    assert transcript.data.startswith(b"Asterisk Call Manager/")
    assert [type(e) for e in replay(path)] == [PbxBooted]
