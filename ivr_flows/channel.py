"""What a flow needs from a call: play prompts, collect one key. Nothing about AGI.

The FastAGI adapter (`dialer.agi`) implements `Channel` on a live call; tests implement it
with a scripted customer. A hang-up surfaces as `CallerHungUp` from whichever call was
waiting, so a flow can keep what was answered before it (R19: a partial survey).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class CallerHungUp(Exception):
    """The customer (or the network) ended the call while the flow was running."""


class Channel(Protocol):
    async def ask(self, files: Sequence[str], timeout_s: float) -> str | None:
        """Play `files` (interrupted by a key) and wait up to `timeout_s` for one key.

        Returns the key, or None after silence. Raises CallerHungUp.
        """

    async def play(self, files: Sequence[str]) -> None:
        """Play `files` to the end (no key interrupts). Raises CallerHungUp."""

    async def machine_detected(self) -> bool:
        """Answering-machine detection (only called when the setting turns it on)."""


__all__ = ["CallerHungUp", "Channel"]
