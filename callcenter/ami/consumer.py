"""What the AMI link delivers to: the contract between the adapter and the trackers.

A consumer declares the typed event classes it `wants` (a base class such as `CallEvent` means
all its subclasses); the link subscribes the PBX to the union of every consumer's wants, so a
new consumer brings its own events without editing a central list.

The methods are synchronous on purpose: the link applies each event to every consumer in
arrival order on the event loop, with no await in between, so live state is never observed
half-applied and one slow coroutine cannot reorder events. A consumer that must do I/O
(database, pub/sub) queues the work and does it in its own task.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from callcenter.events import PbxEvent, PbxSnapshot


@runtime_checkable
class EventConsumer(Protocol):
    """Receives typed PBX events, resync snapshots and link losses."""

    #: Typed event classes (or base classes) this consumer wants; read once, when the link is
    #: built (it decides the PBX-side filter).
    wants: frozenset[type[PbxEvent]]

    def on_event(self, event: PbxEvent) -> None:
        """Apply one event. Called in arrival order; must not block."""

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        """Reconcile with what is live on the PBX, after every (re)connect and PBX reload.

        Events that arrived while the snapshot was being taken are delivered right after it.
        """

    def on_link_lost(self, ts: float) -> None:
        """The link went down at `ts` (epoch seconds): the consumer decides what is
        interrupted; a snapshot follows when the link is back."""


__all__ = ["EventConsumer"]
