"""The whole PBX pipeline's output per recorded transcript, kept as a golden record.

Each transcript under tests/fixtures/ami is replayed through the service as `create_app`
wires it (`tests/unit/pipeline_replay.py` says how) and what comes out is compared with
tests/fixtures/golden/<transcript>.json:
- `registry`: the rows stored in `calls`, `call_queue_visits` and `call_agent_legs`;
- `pop_frames`, `presence_frames`, `other_desk_frames`: per agent, every frame their open
  page received (pop / pop_answered / pop_withdrawn; presence; snapshot, wrapup and the
  rest), each with its `seq`, so the interleaving is kept;
- `hub`: every message published, topic and payload, in order;
- `pbx_actions`: the actions the service sent the PBX besides the link's own upkeep.

This is the safety net for moving live call and agent state to one owner: the output must
stay the same, except for the differences listed in `EXPECTED_DIFFERENCES`.

`GOLDEN_UPDATE=1` rewrites the records from the pipeline as it is (the test then passes and
says so). A record so rewritten is the new baseline: the differences listed against the old
one are then already in it and come out of `EXPECTED_DIFFERENCES` in the same change.
"""

from __future__ import annotations

import copy
import difflib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.unit.pipeline_replay import Capture, replay_through_service

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GOLDEN = FIXTURES / "golden"
TRANSCRIPTS = sorted([*(FIXTURES / "ami" / "scenarios").glob("*.ami"),
                      FIXTURES / "ami" / "members.transcript",
                      FIXTURES / "ami" / "originate.transcript"])

PathPart = str | int


def _name(path: Path) -> str:
    return path.name.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Difference:
    """One intended change from the recorded output: at `path` (keys and list indexes into
    the golden record, e.g. ("registry", "calls", 0, "exit_reason")) the output now holds
    `value`; `reason` says which change of the issue causes it and why it is right. A path
    whose last key is new adds that key (a new column, a new frame field)."""

    path: tuple[PathPart, ...]
    value: Any
    reason: str


STORED_RULE = "point 3: a stored call carries its rule"

#: Point 3 adds the R1 rule each call was judged by to its row in `calls`, as two columns:
#: (column, value for an inbound call, value for an outbound call). The replay's queues all
#: have the site's default rule, 3 rings of 5 s (`pipeline_replay.seed_directory`); an
#: outbound call is judged by no rule. Nothing else of a row changes: its rings and verdict
#: were already counted by that rule.
STORED_RULE_COLUMNS: tuple[tuple[str, Any, Any], ...] = (
    ("rule_max_rings", 3, None),
    ("rule_ring_cycle_s", 5.0, None),
)


def _stored_rule_differences(name: str) -> list[Difference]:
    """The new columns, one Difference per column of every `calls` row of the recording:
    a column on every row is spelled out from the record rather than listed by hand."""
    recorded = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return [
        Difference(("registry", "calls", index, column),
                   inbound if row["direction"] == "inbound" else outbound, STORED_RULE)
        for index, row in enumerate(recorded["registry"]["calls"])
        for column, inbound, outbound in STORED_RULE_COLUMNS
    ]


ADOPTION_COLUMNS = (
    "Issue 11 point 2 (adoption): every registry row gains `adopted` and `precision`. The "
    "replay's PBX shows no channels at start-up (the service started before the recorded "
    "calls), so no call is adopted: every row is followed from its first event, adopted "
    "false, precision NULL (every figure exact).")


def _adoption_columns(name: str) -> list[Difference]:
    """`adopted` false and `precision` NULL on each call row of the transcript's record."""
    record = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    return [Difference(("registry", "calls", index, column), value, ADOPTION_COLUMNS)
            for index in range(len(record["registry"].get("calls", [])))
            for column, value in (("adopted", False), ("precision", None))]


#: Per transcript name (its file name without extension), each intended difference between
#: the output recorded today and the output of the pipeline as changed later, with its
#: reason. The comparison applies these to the recorded output before comparing, so an
#: unlisted difference fails the test.
EXPECTED_DIFFERENCES: dict[str, list[Difference]] = {
    name: differences
    for name in sorted(_name(t) for t in TRANSCRIPTS)
    if (differences := _stored_rule_differences(name) + _adoption_columns(name))
}


def golden_record(capture: Capture) -> dict[str, Any]:
    """The capture as the JSON document stored (frames split by kind per agent)."""
    kinds: dict[str, dict[str, list[dict[str, Any]]]] = {
        "pop_frames": {}, "presence_frames": {}, "other_desk_frames": {}}
    for agent, frames in sorted(capture.desk_frames.items()):
        for per_agent in kinds.values():
            per_agent[agent] = []
        for frame in frames:
            kind = ("pop_frames" if frame["type"].startswith("pop")
                    else "presence_frames" if frame["type"] == "presence"
                    else "other_desk_frames")
            kinds[kind][agent].append(frame)
    return {
        "registry": capture.registry,
        **kinds,
        "hub": capture.hub.messages if capture.hub is not None else [],
        "pbx_actions": capture.pbx_actions,
    }


def apply_differences(record: dict[str, Any], differences: list[Difference]) -> dict[str, Any]:
    """A copy of `record` with each difference's value put at its path."""
    changed = copy.deepcopy(record)
    for difference in differences:
        *parents, last = difference.path
        node: Any = changed
        for part in parents:
            node = node[part]
        node[last] = difference.value
    return changed


def _text(record: dict[str, Any]) -> str:
    return json.dumps(record, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("transcript", TRANSCRIPTS, ids=_name)
async def test_pipeline_output_matches_golden_record(
    transcript: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    actual = golden_record(await replay_through_service(transcript, sqlite_url))
    golden = GOLDEN / f"{_name(transcript)}.json"
    if os.environ.get("GOLDEN_UPDATE") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(_text(actual), encoding="utf-8")
        with capsys.disabled():
            print(f"\nGOLDEN_UPDATE=1: rewrote {golden.relative_to(FIXTURES.parent.parent)}")
        return
    assert golden.exists(), f"no golden record {golden}: run once with GOLDEN_UPDATE=1"
    recorded = json.loads(golden.read_text(encoding="utf-8"))
    expected = apply_differences(recorded, EXPECTED_DIFFERENCES.get(_name(transcript), []))
    diff = "".join(difflib.unified_diff(
        _text(expected).splitlines(keepends=True), _text(actual).splitlines(keepends=True),
        "expected (golden record + EXPECTED_DIFFERENCES)", "pipeline output now"))
    assert actual == expected, f"pipeline output differs from {golden.name}:\n{diff}"


def test_expected_differences_name_known_transcripts_and_give_reasons() -> None:
    known = {_name(t) for t in TRANSCRIPTS}
    assert set(EXPECTED_DIFFERENCES) <= known
    for name, differences in EXPECTED_DIFFERENCES.items():
        record = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        for difference in differences:
            assert difference.reason.strip(), f"{name} {difference.path}: no reason"
            assert difference.path, f"{name}: a difference needs a path"
            apply_differences(record, [difference])  # the path's parents exist


def test_apply_differences_sets_the_value_at_the_path_and_leaves_the_record_alone() -> None:
    record: dict[str, Any] = {"registry": {"calls": [{"exit_reason": "answered"}]}}
    changed = apply_differences(record, [
        Difference(("registry", "calls", 0, "exit_reason"), "interrupted", "example"),
        Difference(("registry", "calls", 0, "adopted"), True, "example: a new column")])
    assert changed == {"registry": {"calls": [{"exit_reason": "interrupted", "adopted": True}]}}
    assert record == {"registry": {"calls": [{"exit_reason": "answered"}]}}
