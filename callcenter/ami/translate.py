"""AMI event frames → the typed events of `callcenter.events`, and the filter names they need.

The builder table (`builders.py`) answers both directions: `Translator` finds the builder for a
frame, and `ami_event_names()` tells which AMI names a set of typed classes needs, so the
manager event filter is the union of what consumers declare and a new consumer adds its own
events without editing a central list.

Translation never raises into the pipeline: an unknown event is counted per name and yields
None; a known event with a missing or garbled field (say a non-numeric HoldTime) is counted as
malformed, logged, and yields None.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from callcenter.ami.builders import BUILDERS, UnknownUserEvent
from callcenter.ami.counters import Counters, bump
from callcenter.ami.frames import Frame
from callcenter.events import PbxEvent

log = logging.getLogger(__name__)

#: Events the link itself needs whatever the consumers want: boot (login confirmed), shutdown
#: (reconnect) and reload (queues may have changed: resync). Keep them in any filter.
ALWAYS_WANTED: frozenset[str] = frozenset({"FullyBooted", "Shutdown", "Reload"})
_KNOWN = frozenset(BUILDERS)


def known_event_names() -> frozenset[str]:
    """Every AMI event name the adapter understands."""
    return _KNOWN


def ami_event_names(wanted: Iterable[type[PbxEvent]]) -> frozenset[str]:
    """AMI event names needed to produce `wanted` (subclasses count), plus ALWAYS_WANTED."""
    classes = tuple(wanted)
    names = {
        name
        for name, (produces, _) in BUILDERS.items()
        if any(issubclass(made, want) for made in produces for want in classes)
    }
    return frozenset(names) | ALWAYS_WANTED


class Translator:
    """Turns frames into typed events; counts what it cannot translate.

    `wanted` limits translation to the builders that produce those classes (None: all); other
    known events are counted as unwanted and skipped without being built.
    """

    __slots__ = ("_builders", "_logged", "counters")

    def __init__(
        self, counters: Counters | None = None, wanted: Iterable[type[PbxEvent]] | None = None
    ) -> None:
        self.counters = counters if counters is not None else Counters()
        names = _KNOWN if wanted is None else ami_event_names(wanted)
        self._builders = {n: build for n, (_, build) in BUILDERS.items() if n in names}
        self._logged: dict[str, int] = {}

    def translate(self, frame: Frame) -> PbxEvent | None:
        name = frame.get("Event")
        if name is None:
            return None
        build = self._builders.get(name)
        if build is None:
            bump(
                self.counters.unwanted_events if name in _KNOWN else self.counters.unknown_events,
                name,
            )
            return None
        try:
            return build(frame)
        except UnknownUserEvent as exc:
            bump(self.counters.unknown_events, f"UserEvent:{exc.args[0]}")
        except (KeyError, ValueError, TypeError, IndexError) as exc:
            bump(self.counters.malformed_events, name)
            self._log_malformed(name, frame, exc)
        return None

    def _log_malformed(self, name: str, frame: Frame, exc: Exception) -> None:
        """Log the first few of each name in full, then only every thousandth (no log flood)."""
        seen = self._logged[name] = self._logged.get(name, 0) + 1
        if seen <= 5 or seen % 1000 == 0:
            log.warning(
                "malformed AMI %s event (%s: %s), #%d; linkedid=%s uniqueid=%s",
                name, type(exc).__name__, exc, seen,
                frame.get("Linkedid"), frame.get("Uniqueid"),
            )


__all__ = ["ALWAYS_WANTED", "Translator", "ami_event_names", "known_event_names"]
