"""The login, account and token API's requests and replies, each declared once: from these
come the validation, the JSON and `/api/openapi.json` (R28).

Usernames are compared case-insensitively, so they are lowered here, at the edge, and the
services only ever see the stored form. No text may hold a NUL: PostgreSQL cannot store it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from callcenter.auth.passwords import MAX_LENGTH, MIN_LENGTH
from callcenter.auth.principal import Role
from callcenter.web.api import Body, Line, Patch, Reply, Time

_NAME_PATTERN = r"[A-Za-z0-9_.@-]{1,80}"
_NAME = re.compile(_NAME_PATTERN)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _username(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError("use 1-80 letters, digits, '_', '-', '.' or '@'")
    return value.lower()


def _agent_id(value: str) -> str:
    if not _NAME.fullmatch(value):
        raise ValueError("must be a directory agent id or null")
    return value


def _login_name(value: str) -> str:
    return value.strip().lower()


Username = Annotated[str, AfterValidator(_username),
                     Field(json_schema_extra={"pattern": f"^{_NAME_PATTERN}$"})]
"""An account's name as stored: checked, then lowered (`Li.Na` is `li.na`)."""

AgentId = Annotated[str, AfterValidator(_agent_id),
                    Field(json_schema_extra={"pattern": f"^{_NAME_PATTERN}$"})]
_AGENT = "the directory agent this person answers calls as; null for none"
DisplayName = Annotated[Line, AfterValidator(_no_nul)]
Password = Annotated[str, StringConstraints(min_length=MIN_LENGTH, max_length=MAX_LENGTH),
                     AfterValidator(_no_nul)]
TokenName = Annotated[str, StringConstraints(max_length=120), AfterValidator(_no_nul)]


# -- what the services take ----------------------------------------------------------------
# Complete values, defaults settled (a display name, the active flag), that the request
# models' `spec()` make and that the benches and tests also build without any request.

@dataclass(frozen=True, slots=True)
class NewAccount:
    username: str
    display_name: str
    role: Role
    password: str
    agent_id: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class NewToken:
    username: str
    name: str


# -- requests ------------------------------------------------------------------------------

class LoginRequest(Body):
    """What a person types to log in; the password is checked by the service."""

    # The name is not held to the account pattern: a mistyped one is a failed login (401),
    # answered like any other, rather than a 400 telling that no such account can exist.
    username: Annotated[str, StringConstraints(max_length=80), AfterValidator(_no_nul),
                        AfterValidator(_login_name)]
    password: Annotated[str, StringConstraints(max_length=MAX_LENGTH), AfterValidator(_no_nul)]


class AccountIn(Body):
    """A new account; without a display name it is shown by its username."""

    username: Username
    display_name: DisplayName | None = None
    role: Role
    password: Password
    agent_id: AgentId | None = Field(None, description=_AGENT)
    active: bool | None = None

    def spec(self) -> NewAccount:
        return NewAccount(self.username, self.display_name or self.username, self.role,
                          self.password, self.agent_id,
                          True if self.active is None else self.active)


class AccountChange(Patch):
    """The account fields to change (PUT changes only those given).

    `agent_id: null` unlinks the agent. A null or empty `display_name` and a null `active`
    change nothing, as they always have, so they count as not given."""

    nullable: ClassVar[frozenset[str]] = frozenset({"display_name", "active", "agent_id"})

    display_name: DisplayName | None = None
    role: Role | None = None
    password: Password | None = None
    agent_id: AgentId | None = Field(None, description=_AGENT)
    active: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _unchanged(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        unchanged = {"display_name": (None, ""), "active": (None,)}
        return {key: value for key, value in data.items()
                if value not in unchanged.get(key, ())}

    @property
    def sets_agent(self) -> bool:
        """Whether the agent link changes: to an agent, or (null) to none."""
        return "agent_id" in self.model_fields_set


class TokenIn(Body):
    """A token for an integration, acting as the named account."""

    username: Username
    name: TokenName | None = None

    def spec(self) -> NewToken:
        return NewToken(self.username, self.name or "")


# -- replies -------------------------------------------------------------------------------

class Me(Reply):
    """Who a request is authenticated as."""

    account_id: int
    username: str
    role: Role
    agent_id: str | None
    via: Literal["session", "token"]


class LoginResult(Reply):
    account: Me
    csrf_token: str = Field(description="send as X-CSRF-Token")
    expires_at: Time


class Account(Reply):
    id: int
    username: str
    display_name: str
    role: Role
    agent_id: str | None
    active: bool
    created_at: Time
    updated_at: Time


class AccountList(Reply):
    accounts: list[Account]


class ApiToken(Reply):
    """A token as listed: never its secret."""

    id: int
    username: str
    name: str
    hint: str = Field(description="the token's first characters")
    created_at: Time
    revoked_at: Time | None


class ApiTokenList(Reply):
    tokens: list[ApiToken]


class NewApiTokenResult(ApiToken):
    """A token just made, with its secret: shown here and never again."""

    token: str
