"""Settings of the agent desk: pause reasons, the click-to-dial context, websocket limits.

Read once when the desk starts, from the environment only, declared and validated as the
service's own `Settings` are (which they can join when the desk settles). An empty variable
leaves its default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_settings import SettingsConfigDict

from callcenter.calls.agent_state import WRAP_UP_REASON
from callcenter.settings import Env, EnvSettings, read_settings

DEFAULT_PAUSE_REASONS = ("break", "lunch", "training", "meeting", "backoffice")
_REASON = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_CONTEXT = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


def _items(raw: object) -> object:
    """`break, lunch`: a comma-separated list."""
    if isinstance(raw, str):
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw


def _reasons(reasons: tuple[str, ...]) -> tuple[str, ...]:
    reasons = tuple(dict.fromkeys(reasons))
    if not reasons:
        raise ValueError("lists no reason")
    for reason in reasons:
        if reason == WRAP_UP_REASON:
            raise ValueError(f"{WRAP_UP_REASON!r} is reserved for the service's wrap-up")
        if not _REASON.match(reason):
            raise ValueError(f"{reason!r}: lower-case letters, digits, '-' and '_' only")
    return reasons


def _context(raw: str) -> str:
    context = raw.strip()
    if not _CONTEXT.match(context):
        raise ValueError(f"{context!r} is not a context name")
    return context


def _origins(origins: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(origin.rstrip("/") for origin in origins)


class DeskSettings(EnvSettings, frozen=True):  # type: ignore[misc]  # see EnvSettings
    model_config = SettingsConfigDict(env_ignore_empty=True)

    #: Reason codes an agent may pause with (QueuePause Reason); "wrap-up" is the service's.
    pause_reasons: Annotated[
        tuple[str, ...], BeforeValidator(_items), AfterValidator(_reasons),
        Env("CALLCENTER_PAUSE_REASONS"),
    ] = DEFAULT_PAUSE_REASONS
    #: Dialplan context the agent's phone is sent to once it answers a click-to-dial. It must
    #: send UserEvent DeskDial, as `[desk-dial]` does, or the call is not registered (R4).
    dial_context: Annotated[str, AfterValidator(_context), Env("CALLCENTER_DIAL_CONTEXT")] = (
        "desk-dial")
    #: Frames a websocket client may have waiting; a client further behind is dropped.
    client_queue: Annotated[int, Field(ge=8, le=100_000), Env("CALLCENTER_WS_CLIENT_QUEUE")] = 256
    #: Extra page origins allowed to open /ws/agent besides the service's own.
    origins: Annotated[
        tuple[str, ...], BeforeValidator(_items), AfterValidator(_origins),
        Env("CALLCENTER_DESK_ORIGINS"),
    ] = ()
    #: How often due call-backs are looked for and wrap-ups copied to the registry.
    sweep_interval_s: Annotated[float, Field(gt=0)] = 5.0


def load_desk_settings(environ: Mapping[str, str] | None = None) -> DeskSettings:
    """Raise `callcenter.settings.SettingsError` naming the first bad variable."""
    return read_settings(DeskSettings, os.environ if environ is None else environ)


__all__ = ["DEFAULT_PAUSE_REASONS", "DeskSettings", "load_desk_settings"]
