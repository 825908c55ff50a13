"""Validation of account, login and token payloads, with errors that name the field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from callcenter.auth.passwords import MAX_LENGTH, MIN_LENGTH
from callcenter.auth.principal import Role
from callcenter.errors import InvalidInput

USERNAME_PATTERN = r"^[A-Za-z0-9_.@-]{1,80}$"
_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,80}")
_AGENT_ID = re.compile(r"[A-Za-z0-9_.@-]{1,80}")
ROLE_NAMES = [str(r) for r in Role]


@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    display_name: str
    role: Role
    password: str
    agent_id: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class AccountChange:
    """Only the fields present in the request; `set_agent` tells "unlink" from "unchanged"."""

    display_name: str | None = None
    role: Role | None = None
    password: str | None = None
    active: bool | None = None
    set_agent: bool = False
    agent_id: str | None = None


@dataclass(frozen=True, slots=True)
class NewToken:
    username: str
    name: str


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise InvalidInput("body", "must be a JSON object")
    return payload


def _text(data: dict[str, Any], key: str, *, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(key, "must be a string")
    if len(value) > limit:
        raise InvalidInput(key, f"must be at most {limit} characters")
    if "\x00" in value:
        raise InvalidInput(key, "must not contain NUL characters")
    return value


def _required(data: dict[str, Any], key: str, *, limit: int) -> str:
    value = _text(data, key, limit=limit)
    if value is None:
        raise InvalidInput(key, "is required")
    return value


def username(value: Any, key: str = "username") -> str:
    """Usernames are compared case-insensitively: stored and looked up in lower case."""
    if not isinstance(value, str) or not _USERNAME.fullmatch(value):
        raise InvalidInput(key, "use 1-80 letters, digits, '_', '-', '.' or '@'")
    return value.lower()


def role(value: Any) -> Role:
    if value not in ROLE_NAMES:
        raise InvalidInput("role", f"must be one of {', '.join(ROLE_NAMES)}")
    return Role(value)


def password(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidInput("password", "must be a string")
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH:
        raise InvalidInput("password", f"must be {MIN_LENGTH} to {MAX_LENGTH} characters")
    if "\x00" in value:
        raise InvalidInput("password", "must not contain NUL characters")
    return value


def agent_id(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _AGENT_ID.fullmatch(value):
        raise InvalidInput("agent_id", "must be a directory agent id or null")
    return value


def _flag(data: dict[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise InvalidInput(key, "must be true or false")
    return value


def parse_new_account(payload: Any) -> NewAccount:
    data = _object(payload)
    name = username(data.get("username"))
    active = _flag(data, "active")
    return NewAccount(
        username=name,
        display_name=_text(data, "display_name", limit=200) or name,
        role=role(data.get("role")),
        password=password(data.get("password")),
        agent_id=agent_id(data.get("agent_id")),
        active=True if active is None else active,
    )


def parse_account_change(payload: Any) -> AccountChange:
    data = _object(payload)
    return AccountChange(
        display_name=_text(data, "display_name", limit=200) or None,
        role=role(data["role"]) if "role" in data else None,
        password=password(data["password"]) if "password" in data else None,
        active=_flag(data, "active"),
        set_agent="agent_id" in data,
        agent_id=agent_id(data.get("agent_id")),
    )


def parse_login(payload: Any) -> tuple[str, str]:
    """The submitted username and password; shape errors only, the check is the service's."""
    data = _object(payload)
    name = _required(data, "username", limit=80)
    return name.strip().lower(), _required(data, "password", limit=MAX_LENGTH)


def parse_new_token(payload: Any) -> NewToken:
    data = _object(payload)
    return NewToken(
        username=username(data.get("username")),
        name=_text(data, "name", limit=120) or "",
    )
