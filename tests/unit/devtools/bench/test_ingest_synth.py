"""The ingest benchmark's synthesiser: copies of the recorded calls that are new calls.

No timing here (benchmarks are never timed tests): only that every copy is a distinct call
with its own ids and its own, increasing timestamps, and that the tracker finishes exactly as
many calls as were synthesised, so the benchmark's "rows == calls" check means something.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import pytest

from callcenter.ami.frames import Frame, FrameParser, header_values
from callcenter.ami.recorder import read_transcript, replay_bytes
from callcenter.ami.translate import ami_event_names
from callcenter.calls.call_records import FinishedCall
from callcenter.calls.sla import RingRule, everywhere
from callcenter.calls.tracker import CallTracker
from callcenter.devtools.bench.synth import (
    CALL_KEYS,
    RECORDINGS,
    CallTemplate,
    load_templates,
    synthesise,
)
from callcenter.devtools.pbx.scenarios import SCENARIOS

pytestmark = pytest.mark.unit

ID_SUFFIXES = ("Uniqueid", "Linkedid", "Channel")


def call_of(frame: Frame) -> str:
    return next(frame[k] for k in CALL_KEYS if frame.get(k))


def ids_of(frames: list[Frame]) -> set[str]:
    """Every call, leg and channel name a call's frames carry."""
    return {
        value
        for frame in frames
        for key, value in frame.items()
        if key.endswith(ID_SUFFIXES) and value
        for value in header_values(frame, key)
    }


def by_call(data: bytes) -> dict[str, list[Frame]]:
    calls: dict[str, list[Frame]] = defaultdict(list)
    for frame in FrameParser().feed(data):
        calls[call_of(frame)].append(frame)
    return calls


@pytest.fixture(scope="module")
def templates() -> list[CallTemplate]:
    return load_templates()


def test_every_recorded_call_is_a_template(templates: list[CallTemplate]) -> None:
    """One template per recorded scenario call; a fragment of an earlier call is left out."""
    assert {t.source for t in templates} == set(SCENARIOS)
    sources = [t.source for t in templates]
    assert sources.count("two_calls_at_once") == 2
    assert sources.count("answered_within_1_ring") == 1  # also holds another call's tail


def test_every_copy_has_fresh_ids_of_its_own(templates: list[CallTemplate]) -> None:
    stream = synthesise(templates, 3 * sum(len(t.frames) for t in templates))
    calls = by_call(stream.data)
    assert len(calls) == stream.calls == 3 * len(templates)
    assert sum(len(frames) for frames in calls.values()) == stream.events
    recorded = {
        v for path in RECORDINGS.glob("*.ami")
        for v in ids_of(FrameParser().feed(read_transcript(path).data))
    }
    seen: set[str] = set()
    for call_id, frames in calls.items():
        assert call_id.startswith(stream.call_prefix)
        ids = ids_of(frames)
        assert not ids & seen, f"{call_id} shares ids with another copy"
        assert not {i for i in ids if not i.startswith("Local/")} & recorded
        seen |= ids


def test_timestamps_increase_within_each_copy_and_copies_overlap(
    templates: list[CallTemplate],
) -> None:
    stream = synthesise(templates, 2 * sum(len(t.frames) for t in templates), calls_per_s=20)
    spans = []
    for frames in by_call(stream.data).values():
        stamps = [float(f["Timestamp"]) for f in frames]
        assert all(a < b for a, b in pairwise(stamps))
        spans.append((stamps[0], stamps[-1]))
    spans.sort()
    starts = [start for start, _ in spans]
    assert all(b - a == pytest.approx(0.05, abs=1e-6) for a, b in pairwise(starts))
    busiest = max(sum(1 for s, e in spans if s <= t < e) for t in starts)
    assert busiest >= 20  # calls last seconds and start 50 ms apart: many at once


def test_durations_stay_as_recorded(templates: list[CallTemplate]) -> None:
    stream = synthesise(templates, sum(len(t.frames) for t in templates))
    copies = sorted(by_call(stream.data).values(), key=lambda fs: float(fs[0]["Timestamp"]))
    for template, frames in zip(templates, copies, strict=True):
        first = float(frames[0]["Timestamp"])
        offsets = [round((float(f["Timestamp"]) - first) * 1e6) for f in frames]
        assert offsets == list(template.offsets)


@pytest.mark.parametrize("filtered", [False, True])
def test_the_tracker_finishes_exactly_the_synthesised_calls(filtered: bool) -> None:
    names = ami_event_names(CallTracker.wants) if filtered else None
    stream = synthesise(load_templates(names=names), 2_000)
    finished: list[FinishedCall] = []
    tracker = CallTracker(everywhere(RingRule()), stream.agents.get, finished.append)
    for event in replay_bytes(stream.data, wanted=tracker.wants):
        tracker.on_event(event)
    assert len(tracker) == 0
    assert len(finished) == len({c.call_id for c in finished}) == stream.calls
    assert all(c.call_id.startswith(stream.call_prefix) for c in finished)
    assert any(c.answered_by_agent for c in finished)  # the directory knows the agents
    if names is not None:
        assert {f["Event"] for f in FrameParser().feed(stream.data)} <= names
