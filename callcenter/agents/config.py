"""Settings of the agent desk: pause reasons, the click-to-dial context, websocket limits.

Read once when the desk starts, validated with messages that name the variable, like the
service's own `Settings` (which they can join when the desk settles).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from callcenter.calls.agent_state import WRAP_UP_REASON
from callcenter.settings import SettingsError

DEFAULT_PAUSE_REASONS = ("break", "lunch", "training", "meeting", "backoffice")
_REASON = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_CONTEXT = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


@dataclass(frozen=True, slots=True)
class DeskSettings:
    #: Reason codes an agent may pause with (QueuePause Reason); "wrap-up" is the service's.
    pause_reasons: tuple[str, ...] = DEFAULT_PAUSE_REASONS
    #: Dialplan context the agent's phone is sent to once it answers a click-to-dial. It must
    #: send UserEvent DeskDial, as `[desk-dial]` does, or the call is not registered (R4).
    dial_context: str = "desk-dial"
    #: Frames a websocket client may have waiting; a client further behind is dropped.
    client_queue: int = 256
    #: Extra page origins allowed to open /ws/agent besides the service's own.
    origins: tuple[str, ...] = ()
    #: How often due call-backs are looked for and wrap-ups copied to the registry.
    sweep_interval_s: float = 5.0


def _reasons(raw: str) -> tuple[str, ...]:
    reasons = tuple(dict.fromkeys(r.strip() for r in raw.split(",") if r.strip()))
    if not reasons:
        raise SettingsError("CALLCENTER_PAUSE_REASONS", "lists no reason")
    for reason in reasons:
        if reason == WRAP_UP_REASON:
            raise SettingsError("CALLCENTER_PAUSE_REASONS",
                                f"{WRAP_UP_REASON!r} is reserved for the service's wrap-up")
        if not _REASON.match(reason):
            raise SettingsError("CALLCENTER_PAUSE_REASONS",
                                f"{reason!r}: lower-case letters, digits, '-' and '_' only")
    return reasons


def load_desk_settings(environ: Mapping[str, str] | None = None) -> DeskSettings:
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    if env.get("CALLCENTER_PAUSE_REASONS", "").strip():
        values["pause_reasons"] = _reasons(env["CALLCENTER_PAUSE_REASONS"])
    context = env.get("CALLCENTER_DIAL_CONTEXT", "").strip()
    if context:
        if not _CONTEXT.match(context):
            raise SettingsError("CALLCENTER_DIAL_CONTEXT", f"{context!r} is not a context name")
        values["dial_context"] = context
    queue = env.get("CALLCENTER_WS_CLIENT_QUEUE", "").strip()
    if queue:
        if not queue.isdigit() or not 8 <= int(queue) <= 100_000:
            raise SettingsError("CALLCENTER_WS_CLIENT_QUEUE", "must be a number 8..100000")
        values["client_queue"] = int(queue)
    origins = env.get("CALLCENTER_DESK_ORIGINS", "").strip()
    if origins:
        values["origins"] = tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
    return DeskSettings(**values)  # type: ignore[arg-type]


__all__ = ["DEFAULT_PAUSE_REASONS", "DeskSettings", "load_desk_settings"]
