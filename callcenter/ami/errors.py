"""The AMI adapter's own errors: what callers see instead of panoramisk or socket exceptions.

They derive from the product's error classes so that the web layer can map them to JSON with a
stable error id (a PBX problem is a dependency problem, HTTP 502/503/504), and so that no code
outside `callcenter.ami` ever has to catch an `OSError` or an `asyncio.TimeoutError` to know
that the PBX did not do what it was asked.
"""

from __future__ import annotations

from collections.abc import Mapping

from callcenter.errors import CallcenterError, DependencyDown


class AmiError(CallcenterError):
    """Base of every AMI failure."""

    status = 502
    error_id = "pbx-error"


class AmiNotConnected(AmiError, DependencyDown):
    """No logged-in AMI session right now (or it was lost while an action was in flight).

    Actions are never queued for later: re-sending an Originate after a reconnect could dial a
    customer twice, so the caller decides whether to retry.
    """

    status = 503
    error_id = "pbx-unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"PBX not connected: {reason}", reason=reason)
        self.reason = reason


class AmiActionTimeout(AmiError):
    """The PBX did not finish answering an action in time (hung PBX, half-answered list)."""

    status = 504
    error_id = "pbx-timeout"

    def __init__(self, action: str, timeout_s: float) -> None:
        super().__init__(
            f"PBX did not answer {action} within {timeout_s:g} s",
            action=action,
            timeout_s=timeout_s,
        )
        self.action = action
        self.timeout_s = timeout_s


class AmiActionFailed(AmiError):
    """The PBX answered an action with `Response: Error` (bad header, permission, no such queue)."""

    error_id = "pbx-action-failed"

    def __init__(
        self, action: str, message: str, response: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"PBX refused {action}: {message}", action=action, pbx_message=message)
        self.action = action
        self.pbx_message = message
        self.response: Mapping[str, str] = dict(response or {})


__all__ = ["AmiActionFailed", "AmiActionTimeout", "AmiError", "AmiNotConnected"]
