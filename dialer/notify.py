"""Dialer events on the hub for the supervisors' wallboard.

Published only after the change they describe has committed, on one channel; a hub that
is down loses the announcement, never the change (the job list is the record).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from callcenter.hub.base import Hub, HubUnavailable

log = logging.getLogger(__name__)

CHANNEL = "dialer"
"""Message types: dialer.job (a job changed state), dialer.at_risk (deadline at risk),
dialer.control (paused / resumed), dialer.satisfaction (R19 figures of a technician)."""


async def publish(hub: Hub | None, messages: Iterable[dict[str, Any]]) -> None:
    if hub is None:
        return
    for message in messages:
        try:
            await hub.publish(CHANNEL, message)
        except HubUnavailable as exc:
            log.warning("dialer event %s not published: %s", message.get("type"), exc)


__all__ = ["CHANNEL", "publish"]
