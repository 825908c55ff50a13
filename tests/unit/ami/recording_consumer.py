"""A consumer that records what the link delivers, for link tests (fake peer and real PBX)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from callcenter.events import PbxEvent, PbxSnapshot

E = TypeVar("E", bound=PbxEvent)


class RecordingConsumer:
    """Keeps every event, snapshot and link loss; `fail_on` makes on_event raise for a type."""

    def __init__(
        self,
        wants: frozenset[type[PbxEvent]] = frozenset({PbxEvent}),
        fail_on: type[PbxEvent] | None = None,
    ) -> None:
        self.wants = wants
        self.fail_on = fail_on
        self.events: list[PbxEvent] = []
        self.snapshots: list[PbxSnapshot] = []
        self.losses: list[float] = []
        self.log: list[str] = []
        self._changed = asyncio.Event()

    def on_event(self, event: PbxEvent) -> None:
        self.events.append(event)
        self.log.append(f"event:{type(event).__name__}")
        self._changed.set()
        if self.fail_on is not None and isinstance(event, self.fail_on):
            raise RuntimeError("consumer bug")

    def on_snapshot(self, snapshot: PbxSnapshot) -> None:
        self.snapshots.append(snapshot)
        self.log.append("snapshot")
        self._changed.set()

    def on_link_lost(self, ts: float) -> None:
        self.losses.append(ts)
        self.log.append("lost")
        self._changed.set()

    def of_type(self, cls: type[E]) -> list[E]:
        return [e for e in self.events if isinstance(e, cls)]

    async def wait_until(self, check: Callable[[], bool], timeout_s: float = 5.0) -> None:
        """Wait until `check()` is true, re-checking whenever something arrives."""

        async def _wait() -> None:
            while not check():
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_wait(), timeout_s)
