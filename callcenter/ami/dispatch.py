"""Delivering typed events, snapshots and link losses to consumers, in order, in isolation.

- Each event goes to the consumers whose `wants` cover its class (routes are computed once per
  class), synchronously and in arrival order.
- A consumer that raises is logged with the event's call id, counted, and skipped: the next
  consumer and the next event still run. One buggy tracker must not stop the wallboard.
- While a resync is in flight, events are held and delivered right after the snapshot, so a
  call that starts during the resync is not dropped by it; a consumer sees snapshot, then every
  event that happened after the link came back, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from callcenter.ami.consumer import EventConsumer
from callcenter.ami.counters import Counters
from callcenter.events import PbxEvent, PbxSnapshot

log = logging.getLogger(__name__)


class Dispatcher:
    """Routes typed events to consumers; holds them during a resync."""

    def __init__(self, consumers: Sequence[EventConsumer], counters: Counters) -> None:
        self.consumers = tuple(consumers)
        self.counters = counters
        self._routes: dict[type[PbxEvent], tuple[EventConsumer, ...]] = {}
        self._held: list[PbxEvent] | None = None

    @property
    def wanted(self) -> frozenset[type[PbxEvent]]:
        """The union of every consumer's wants (read once: `wants` is a declaration)."""
        wanted: set[type[PbxEvent]] = set()
        for consumer in self.consumers:
            wanted |= consumer.wants
        return frozenset(wanted)

    @property
    def holding(self) -> bool:
        return self._held is not None

    def hold(self) -> None:
        """Start holding events until `release()` (a resync is about to start)."""
        if self._held is None:
            self._held = []

    def drop_held(self) -> None:
        """The session died before its snapshot: the next session resyncs anyway."""
        self._held = None

    def event(self, event: PbxEvent) -> None:
        """Deliver now, or hold if a resync is in flight."""
        held = self._held
        if held is not None:
            held.append(event)
        else:
            self.deliver(event)

    def deliver(self, event: PbxEvent) -> None:
        """Deliver now to every consumer that wants it (bypasses holding)."""
        for consumer in self._route(type(event)):
            try:
                consumer.on_event(event)
            except Exception:
                self.counters.consumer_errors += 1
                log.exception(
                    "AMI consumer %s failed on %s (call %s)",
                    type(consumer).__name__, type(event).__name__, getattr(event, "call_id", "-"),
                )

    def release(self, snapshot: PbxSnapshot | None) -> None:
        """Deliver the snapshot (if any) to every consumer, then the held events."""
        if snapshot is not None:
            for consumer in self.consumers:
                try:
                    consumer.on_snapshot(snapshot)
                except Exception:
                    self.counters.consumer_errors += 1
                    log.exception("AMI consumer %s failed on a snapshot", type(consumer).__name__)
        held, self._held = self._held or [], None
        for event in held:
            self.deliver(event)

    def link_lost(self, ts: float) -> None:
        for consumer in self.consumers:
            try:
                consumer.on_link_lost(ts)
            except Exception:
                self.counters.consumer_errors += 1
                log.exception("AMI consumer %s failed on link loss", type(consumer).__name__)

    def _route(self, cls: type[PbxEvent]) -> tuple[EventConsumer, ...]:
        route = self._routes.get(cls)
        if route is None:
            route = tuple(
                c for c in self.consumers if any(issubclass(cls, want) for want in c.wants)
            )
            self._routes[cls] = route
        return route


__all__ = ["Dispatcher"]
