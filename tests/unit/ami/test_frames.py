from __future__ import annotations

from pathlib import Path

import pytest

from callcenter.ami.counters import MAX_NAMES, OTHER, Counters
from callcenter.ami.frames import (
    FrameParser,
    chan_variables,
    header_values,
    parse_frames,
)
from callcenter.ami.recorder import read_transcript

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ami"

STREAM = (
    b"Asterisk Call Manager/11.0.0\r\n"
    b"Response: Success\r\nActionID: a-1\r\nMessage: Authentication accepted\r\n\r\n"
    b"Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n"
    b"Event: Hangup\r\nUniqueid: 1.1\r\nLinkedid: 1.1\r\nCallerIDName: \xe5\xbc\xa0\xe4\xb8\x89\r\n"
    b"Cause: 16\r\nCause-txt: Normal Clearing\r\n\r\n"
)


def test_parses_banner_responses_and_events_into_dicts() -> None:
    parser = FrameParser()
    frames = parser.feed(STREAM)
    assert parser.banner == "11.0.0"
    assert [f.get("Event", f.get("Response")) for f in frames] == [
        "Success", "FullyBooted", "Hangup",
    ]
    assert frames[2]["CallerIDName"] == "张三"
    assert frames[2]["Cause-txt"] == "Normal Clearing"
    assert parser.counters.events_in == 2


def test_split_at_every_byte_boundary_gives_the_same_frames() -> None:
    whole = FrameParser().feed(STREAM)
    for cut in range(1, len(STREAM)):
        parser = FrameParser()
        frames = parser.feed(STREAM[:cut]) + parser.feed(STREAM[cut:])
        assert frames == whole, f"cut at byte {cut}"
        assert parser.banner == "11.0.0"
        assert parser.counters.malformed_frames == 0


def test_one_byte_at_a_time_gives_the_same_frames() -> None:
    parser = FrameParser()
    frames = [f for i in range(len(STREAM)) for f in parser.feed(STREAM[i : i + 1])]
    assert frames == FrameParser().feed(STREAM)
    assert parser.pending_bytes == 0


def test_recorded_transcript_parses_identically_whatever_the_chunking() -> None:
    data = read_transcript(FIXTURES / "scenarios" / "answered_within_1_ring.ami").data
    whole = FrameParser().feed(data)
    for size in (1, 7, 100, 4096):
        parser = FrameParser()
        frames = [f for i in range(0, len(data), size) for f in parser.feed(data[i : i + size])]
        assert frames == whole
    assert parser.counters.malformed_frames == 0


def test_line_without_separator_is_counted_and_skipped_not_fatal() -> None:
    counters = Counters()
    frames = parse_frames(
        b"Event: Hangup\r\nUniqueid: 1.1\r\ngarbage line\r\nCause: 16\r\n\r\n"
        b"Event: Newstate\r\nUniqueid: 1.2\r\n\r\n",
        counters,
    )
    assert frames == [
        {"Event": "Hangup", "Uniqueid": "1.1", "Cause": "16"},
        {"Event": "Newstate", "Uniqueid": "1.2"},
    ]
    assert counters.malformed_lines == 1
    assert counters.malformed_frames == 1


def test_undecodable_bytes_cost_one_line_not_the_chunk() -> None:
    counters = Counters()
    frames = parse_frames(
        b"Event: Hangup\r\nCallerIDName: \xff\xfe\xfd\r\nUniqueid: 1.1\r\n\r\n"
        b"Event: Newstate\r\nUniqueid: 1.2\r\n\r\n",
        counters,
    )
    assert frames == [
        {"Event": "Hangup", "Uniqueid": "1.1"},
        {"Event": "Newstate", "Uniqueid": "1.2"},
    ]
    assert counters.malformed_lines == 1


def test_frame_of_pure_garbage_is_dropped_and_counted() -> None:
    counters = Counters()
    frames = parse_frames(b"\x00\x01 noise\r\nmore noise\r\n\r\nEvent: Reload\r\n\r\n", counters)
    assert frames == [{"Event": "Reload"}]
    assert counters.malformed_frames == 1
    assert counters.malformed_lines == 2


def test_two_frames_spliced_together_are_dropped_not_merged() -> None:
    counters = Counters()
    frames = parse_frames(
        b"Event: AgentCalled\r\nQueue: q1\r\nEvent: Hangup\r\nUniqueid: 2\r\n\r\n", counters
    )
    assert frames == []
    assert counters.malformed_frames == 1


def test_oversize_frame_in_one_chunk_is_dropped_and_the_next_frame_survives() -> None:
    counters = Counters()
    parser = FrameParser(counters, max_frame_bytes=1000)
    big = b"Event: Huge\r\n" + b"X-Pad: " + b"y" * 5000 + b"\r\n\r\n"
    frames = parser.feed(big + b"Event: Reload\r\n\r\n")
    assert frames == [{"Event": "Reload"}]
    assert counters.oversize_frames == 1


def test_frame_that_never_ends_is_dropped_once_past_the_limit() -> None:
    counters = Counters()
    parser = FrameParser(counters, max_frame_bytes=1000, expect_banner=False)
    assert parser.feed(b"Event: Huge\r\nX-Pad: ") == []
    for _ in range(20):
        assert parser.feed(b"y" * 200) == []
    assert parser.pending_bytes < 1000
    assert counters.oversize_frames == 1
    frames = parser.feed(b"\r\n\r\nEvent: Reload\r\n\r\n")
    assert frames == [{"Event": "Reload"}]


def test_single_chanvariable_is_read_like_several() -> None:
    """panoramisk 1.4: one ChanVariable is a str and Message.getdict() raises on it."""
    single = parse_frames(b"Event: Hangup\r\nChanVariable: JOB_ID=42\r\n\r\n")[0]
    several = parse_frames(
        b"Event: Hangup\r\nChanVariable: JOB_ID=42\r\nChanVariable: SURVEY=\r\n"
        b"DestChanVariable: JOB_ID=7\r\n\r\n"
    )[0]
    assert chan_variables(single) == {"JOB_ID": "42"}
    assert chan_variables(several) == {"JOB_ID": "42", "SURVEY": ""}
    assert chan_variables(several, prefix="Dest") == {"JOB_ID": "7"}
    assert chan_variables({"Event": "Hangup"}) == {}


def test_repeated_headers_fold_and_split_back() -> None:
    frame = parse_frames(
        b"Response: Success\r\nActionID: 9\r\nMessage: Command output follows\r\n"
        b"Output: line one\r\nOutput: Name: with colon\r\n\r\n"
    )[0]
    assert header_values(frame, "Output") == ["line one", "Name: with colon"]
    assert header_values(frame, "Missing") == []


def test_header_with_empty_value_and_no_trailing_space_is_kept() -> None:
    counters = Counters()
    frame = parse_frames(b"Event: Hangup\r\nAccountCode:\r\nUniqueid: 1\r\n\r\n", counters)[0]
    assert frame == {"Event": "Hangup", "AccountCode": "", "Uniqueid": "1"}
    assert counters.malformed_lines == 0


def test_extra_blank_lines_between_frames_are_not_garbage() -> None:
    counters = Counters()
    frames = parse_frames(b"Event: A\r\n\r\n\r\n\r\nEvent: B\r\n\r\n\r\n", counters)
    assert frames == [{"Event": "A"}, {"Event": "B"}]
    assert counters.malformed_frames == 0


def test_unwanted_events_are_counted_by_name_and_skipped_before_parsing() -> None:
    counters = Counters()
    parser = FrameParser(
        counters, keep=frozenset({"Hangup"}), known=frozenset({"Hangup", "DialBegin"})
    )
    frames = parser.feed(
        b"Event: Newexten\r\nUniqueid: 1\r\n\r\n"
        b"Event: DialBegin\r\nUniqueid: 1\r\n\r\n"
        b"Event: Hangup\r\nUniqueid: 1\r\n\r\n"
        b"Event: QueueMember\r\nActionID: a-5\r\n\r\n"
        b"Response: Success\r\nActionID: a-6\r\n\r\n"
    )
    assert [f.get("Event", "response") for f in frames] == ["Hangup", "QueueMember", "response"]
    assert counters.unknown_events == {"Newexten": 1}
    assert counters.unwanted_events == {"DialBegin": 1}
    assert counters.events_in == 4


def test_stream_without_banner_is_parsed_from_the_first_byte() -> None:
    parser = FrameParser()
    assert parser.feed(b"Event: Reload\r\n\r\n") == [{"Event": "Reload"}]
    assert parser.banner is None


def test_garbage_event_names_cannot_grow_the_counters_without_bound() -> None:
    counters = Counters()
    parser = FrameParser(counters, keep=frozenset(), expect_banner=False)
    parser.feed(b"".join(b"Event: junk%d\r\n\r\n" % i for i in range(MAX_NAMES + 100)))
    assert len(counters.unknown_events) == MAX_NAMES + 1
    assert counters.unknown_events[OTHER] == 100
