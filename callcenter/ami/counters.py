"""Counters for what the AMI adapter received, dropped or could not understand.

One mutable object is shared by the frame parser, the translator and the link, so that the
health endpoint can say "the PBX sent 12 garbled frames and 40 events we do not know" instead of
the adapter failing silently. Plain attribute increments keep the hot path cheap.
"""

from __future__ import annotations


class Counters:
    """Running totals since the adapter was created (not reset on reconnect)."""

    __slots__ = (
        "consumer_errors",
        "events_in",
        "malformed_events",
        "malformed_frames",
        "malformed_lines",
        "oversize_frames",
        "unknown_events",
        "unwanted_events",
    )

    def __init__(self) -> None:
        #: Event frames received (including resync list items and events nobody wants).
        self.events_in = 0
        #: Frames with at least one garbled line (no ": ", undecodable bytes) or dropped whole.
        self.malformed_frames = 0
        #: Garbled lines skipped inside those frames.
        self.malformed_lines = 0
        #: Frames dropped because they grew past the size limit (also counted as malformed).
        self.oversize_frames = 0
        #: Known events with a missing or garbled field, per AMI event name.
        self.malformed_events: dict[str, int] = {}
        #: Events no builder knows, per AMI event name (UserEvents as "UserEvent:<name>").
        self.unknown_events: dict[str, int] = {}
        #: Known events that no consumer asked for, per AMI event name.
        self.unwanted_events: dict[str, int] = {}
        #: Exceptions raised by consumers (logged, then the next consumer runs).
        self.consumer_errors = 0

    @property
    def unknown_total(self) -> int:
        return sum(self.unknown_events.values())

    @property
    def malformed_event_total(self) -> int:
        return sum(self.malformed_events.values())

    def as_dict(self) -> dict[str, object]:
        """A copy for logs and the health endpoint."""
        return {
            "events_in": self.events_in,
            "malformed_frames": self.malformed_frames,
            "malformed_lines": self.malformed_lines,
            "oversize_frames": self.oversize_frames,
            "malformed_events": dict(self.malformed_events),
            "unknown_events": dict(self.unknown_events),
            "unwanted_events": dict(self.unwanted_events),
            "consumer_errors": self.consumer_errors,
        }


#: Distinct names kept per counter; garbled names beyond it are lumped under OTHER, so a
#: stream of garbage cannot grow the counters without bound.
MAX_NAMES = 500
OTHER = "<other>"


def bump(counts: dict[str, int], name: str) -> None:
    """Add one to a per-name counter."""
    count = counts.get(name)
    if count is None and len(counts) >= MAX_NAMES:
        name = OTHER
        count = counts.get(OTHER)
    counts[name] = (count or 0) + 1


__all__ = ["MAX_NAMES", "OTHER", "Counters", "bump"]
