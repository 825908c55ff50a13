"""Validation of directory payloads from the API (and from the PBX on reconcile)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from callcenter.errors import InvalidInput

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{1,80}$")
_INTERFACE = re.compile(r"^[A-Za-z]+/[^\s,|]{1,190}$")


@dataclass(frozen=True, slots=True)
class QueueSpec:
    """A queue as an editor or the PBX gives it; a ring field left as None takes the site's
    R1 rule (`DirectoryService.default_rule`) when the queue is stored."""

    name: str
    display_name: str
    greeting: str = ""
    ring_threshold: int | None = None
    ring_cycle_s: float | None = None
    wrapup_s: int = 30


@dataclass(frozen=True, slots=True)
class AgentSpec:
    id: str
    display_name: str
    team: str = ""
    languages: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = ()


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput("body", "must be a JSON object")
    return payload


def _string(data: dict[str, Any], key: str, *, default: str | None = None, limit: int = 200) -> str:
    value = data.get(key, default)
    if value is None:
        raise InvalidInput(key, "is required")
    if not isinstance(value, str):
        raise InvalidInput(key, "must be a string")
    if len(value) > limit:
        raise InvalidInput(key, f"must be at most {limit} characters")
    return value


def _number(data: dict[str, Any], key: str, default: float, *, low: float, high: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(key, "must be a number")
    if not low <= value <= high:
        raise InvalidInput(key, f"must be between {low:g} and {high:g}")
    return float(value)


def _optional_number(data: dict[str, Any], key: str, *, low: float, high: float
                     ) -> float | None:
    """A number, or None where the payload leaves it out (or sends null)."""
    if data.get(key) is None:
        return None
    return _number(data, key, 0.0, low=low, high=high)


def _strings(data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidInput(key, "must be a list of non-empty strings")
    return tuple(dict.fromkeys(value))


def pbx_name(key: str, value: str) -> str:
    if not _NAME.match(value):
        raise InvalidInput(key, "use 1-80 letters, digits, '_', '-', '.' or '@'")
    return value


def parse_queue(payload: Any, *, name: str | None = None) -> QueueSpec:
    data = _object(payload)
    queue_name = pbx_name("name", name if name is not None else _string(data, "name"))
    threshold = _optional_number(data, "ring_threshold", low=1, high=20)
    return QueueSpec(
        name=queue_name,
        display_name=_string(data, "display_name", default=queue_name) or queue_name,
        greeting=_string(data, "greeting", default="", limit=2000),
        ring_threshold=None if threshold is None else int(threshold),
        ring_cycle_s=_optional_number(data, "ring_cycle_s", low=0.5, high=30),
        wrapup_s=int(_number(data, "wrapup_s", 30, low=0, high=3600)),
    )


def parse_agent(payload: Any, *, agent_id: str | None = None) -> AgentSpec:
    data = _object(payload)
    key = pbx_name("id", agent_id if agent_id is not None else _string(data, "id"))
    interfaces = _strings(data, "interfaces")
    for interface in interfaces:
        if not _INTERFACE.match(interface):
            raise InvalidInput("interfaces", f"{interface!r} is not a PBX interface (PJSIP/5001)")
    return AgentSpec(
        id=key,
        display_name=_string(data, "display_name", default=key) or key,
        team=_string(data, "team", default="", limit=80),
        languages=_strings(data, "languages"),
        interfaces=interfaces,
    )
