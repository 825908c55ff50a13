from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from callcenter.ami.counters import Counters
from callcenter.ami.recorder import (
    MAGIC,
    Recorder,
    Transcript,
    read_transcript,
    record,
    replay,
    write_transcript,
)
from callcenter.events import AgentAnswered, CallerJoinedQueue, LegHungUp, PbxBooted
from callcenter.settings import AmiSettings
from tests.unit.ami.fake_ami_peer import BANNER, FakeAmiPeer

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ami"
#: A whole answered queue call, recorded by `callcenter scenario --record`.
ANSWERED = FIXTURES / "scenarios" / "answered_within_1_ring.ami"


def test_fixture_transcripts_name_the_asterisk_they_came_from() -> None:
    for path in sorted([*FIXTURES.glob("*.transcript"), *FIXTURES.glob("scenarios/*.ami")]):
        transcript = read_transcript(path)
        assert transcript.version.startswith("Asterisk 22."), path.name
        assert transcript.recorded.endswith("+00:00")
        assert transcript.data.startswith(b"Asterisk Call Manager/")


def test_transcript_round_trips(tmp_path: Path) -> None:
    original = Transcript("Asterisk 22.1.0", "2025-01-01T00:00:00+00:00", b"Event: Reload\r\n\r\n")
    write_transcript(tmp_path / "t.transcript", original)
    raw = (tmp_path / "t.transcript").read_bytes()
    assert raw.startswith(MAGIC + b"\n# asterisk: Asterisk 22.1.0\n# recorded: ")
    assert read_transcript(tmp_path / "t.transcript") == original


def test_a_file_that_is_not_a_transcript_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x").write_bytes(b"Event: Reload\r\n\r\n")
    with pytest.raises(ValueError, match="not a callcenter AMI transcript"):
        read_transcript(tmp_path / "x")
    (tmp_path / "y").write_bytes(b"# something else\nEvent: Reload\r\n\r\n")
    with pytest.raises(ValueError, match="not a callcenter AMI transcript"):
        read_transcript(tmp_path / "y")


def test_spliced_garbage_costs_only_the_damaged_frames(tmp_path: Path) -> None:
    real = read_transcript(ANSWERED)
    clean = list(replay(ANSWERED))
    cut = real.data.index(b"Event: AgentConnect")
    spliced = Transcript(
        real.version,
        real.recorded,
        real.data[:cut] + b"\xff\xfe\x00 line noise\r\n\r\n" + b"Event: Bogus" + b"y" * 100
        + b"\r\nno separator\r\n\r\n" + real.data[cut:],
    )
    write_transcript(tmp_path / "spliced.transcript", spliced)
    counters = Counters()
    events = list(replay(tmp_path / "spliced.transcript", counters=counters))
    assert events[1:] == clean[1:]  # [0] is FullyBooted, stamped at replay time
    assert counters.malformed_frames == 2
    assert counters.unknown_events["Bogus" + "y" * 100] == 1  # kept, minus its garbled line


def test_truncated_transcript_replays_up_to_the_cut(tmp_path: Path) -> None:
    real = read_transcript(ANSWERED)
    cut = real.data.index(b"Event: AgentConnect") + 40
    write_transcript(tmp_path / "cut.transcript", Transcript(real.version, "", real.data[:cut]))
    events = list(replay(tmp_path / "cut.transcript"))
    assert any(isinstance(e, CallerJoinedQueue) for e in events)
    assert not any(isinstance(e, AgentAnswered) for e in events)


def test_replay_can_limit_itself_to_wanted_events() -> None:
    counters = Counters()
    events = list(replay(ANSWERED, wanted=[LegHungUp], counters=counters))
    assert {type(e) for e in events} == {LegHungUp, PbxBooted}
    assert counters.unwanted_events["AgentConnect"] == 1


async def test_recorder_writes_header_then_the_raw_stream(
    peer: FakeAmiPeer, ami_settings: AmiSettings, tmp_path: Path
) -> None:
    path = tmp_path / "rec.transcript"
    async with Recorder(ami_settings, path) as rec:
        session = await peer.wait_sessions(1)
        session.send({"Event": "Hangup", "Timestamp": "1700000001.0", "Uniqueid": "1.2",
                      "Linkedid": "1.1", "Channel": "Local/x;2", "Cause": "16"})
        frame = await rec.wait_for(lambda f: f.get("Event") == "Hangup", 2)
        assert frame["Uniqueid"] == "1.2"
    transcript = read_transcript(path)
    assert transcript.version == "Asterisk 22.0.0-fake"
    assert transcript.data.startswith(BANNER)
    assert [type(e) for e in replay(path)] == [PbxBooted, LegHungUp]
    assert "Logoff" in peer.last.names()
    assert b"Secret" not in path.read_bytes()


async def test_record_until_an_event(
    peer: FakeAmiPeer, ami_settings: AmiSettings, tmp_path: Path
) -> None:
    async def later() -> None:
        session = await peer.wait_sessions(1)
        await peer.wait_action(session, "CoreSettings")
        await asyncio.sleep(0.05)
        session.send({"Event": "UserEvent", "UserEvent": "Done"})

    task = asyncio.create_task(later())
    path = await record(ami_settings, tmp_path / "until.transcript", duration_s=2,
                        until=lambda f: f.get("UserEvent") == "Done")
    await task
    assert b"UserEvent: Done" in read_transcript(path).data


async def test_record_for_a_duration(
    peer: FakeAmiPeer, ami_settings: AmiSettings, tmp_path: Path
) -> None:
    path = await record(ami_settings, tmp_path / "d.transcript", duration_s=0.1)
    assert read_transcript(path).data.startswith(BANNER)
