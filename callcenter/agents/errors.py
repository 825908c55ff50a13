"""Errors of the agent desk, each with a stable id for the pages."""

from __future__ import annotations

from callcenter.errors import CallcenterError


class NotAnAgent(CallcenterError):
    """The role may use the desk, but this account has no directory agent to act as."""

    status = 409
    error_id = "not-an-agent"


__all__ = ["NotAnAgent"]
