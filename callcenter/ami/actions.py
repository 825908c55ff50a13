"""Every AMI action the product sends, as a named helper: AMI words stay in this package.

The rest of the service asks for `queue_pause(interface, reason)` or `originate(...)`, and
gets an `Action` (or, for an Originate, the headers `AmiLink.send_originate` takes) without
knowing header names, their spelling or the PBX's conventions ("true"/"false", milliseconds,
one `Variable` header per variable).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callcenter.ami.protocol import HeaderValue


@dataclass(frozen=True, slots=True)
class Action:
    """One AMI action: its name and headers, for `AmiLink.action(name, headers)`."""

    name: str
    headers: Mapping[str, HeaderValue]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def state_interface(interface: str) -> str:
    """The device whose state the PBX watches: a Local channel without its `/n` option."""
    return interface[:-2] if interface.startswith("Local/") and interface.endswith("/n") \
        else interface


def queue_add(queue: str, interface: str, member_name: str, *, paused: bool = False) -> Action:
    """Log a member into a queue (dynamic membership), its device state watched."""
    return Action("QueueAdd", {"Queue": queue, "Interface": interface,
                               "MemberName": member_name,
                               "StateInterface": state_interface(interface),
                               "Paused": _flag(paused)})


def queue_remove(queue: str, interface: str) -> Action:
    return Action("QueueRemove", {"Queue": queue, "Interface": interface})


def queue_pause(interface: str, paused: bool, reason: str = "",
                queue: str | None = None) -> Action:
    """Pause (with a reason code) or unpause a member, in one queue or in all of its queues."""
    headers: dict[str, HeaderValue] = {"Interface": interface, "Paused": _flag(paused)}
    if queue is not None:
        headers["Queue"] = queue
    if paused and reason:
        headers["Reason"] = reason
    return Action("QueuePause", headers)


def set_variable(variable: str, value: str, channel: str | None = None) -> Action:
    """A channel variable, or a global one when no channel is named."""
    headers: dict[str, HeaderValue] = {"Variable": variable, "Value": value}
    if channel is not None:
        headers["Channel"] = channel
    return Action("Setvar", headers)


def redirect(channel: str, context: str, exten: str, priority: int = 1) -> Action:
    return Action("Redirect", {"Channel": channel, "Context": context, "Exten": exten,
                               "Priority": str(priority)})


def core_show_channels() -> Action:
    return Action("CoreShowChannels", {})


def originate(channel: str, context: str, exten: str, *, channel_id: str, timeout_s: float,
              caller_id: str | None = None, other_channel_id: str | None = None,
              variables: Mapping[str, str] | None = None,
              priority: int = 1) -> dict[str, HeaderValue]:
    """The headers of an `Async` Originate for `AmiLink.send_originate`.

    `channel_id` becomes the first leg's Uniqueid (the OriginateResponse is correlated by
    it); each variable goes in a `Variable` header of its own.
    """
    headers: dict[str, HeaderValue] = {
        "Channel": channel, "Context": context, "Exten": exten, "Priority": str(priority),
        "Timeout": str(int(timeout_s * 1000)), "ChannelId": channel_id,
    }
    if other_channel_id is not None:
        headers["OtherChannelId"] = other_channel_id
    if caller_id:
        headers["CallerID"] = caller_id
    if variables:
        headers["Variable"] = [f"{name}={value}" for name, value in variables.items()]
    return headers


__all__ = ["Action", "core_show_channels", "originate", "queue_add", "queue_pause",
           "queue_remove", "redirect", "set_variable", "state_interface"]
