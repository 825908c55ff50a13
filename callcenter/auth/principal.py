"""Who is asking, as plain data (R28: each operator has their own login; what they may do
depends on their role).

No web framework here: domain services take a `Principal` and raise these errors without
importing aiohttp; `callcenter.auth.roles` holds the request-side check.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from callcenter.errors import CallcenterError


class Role(StrEnum):
    AGENT = "agent"
    TECHNICIAN = "technician"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    ADMIN = "admin"


ALL_ROLES: tuple[Role, ...] = tuple(Role)
"""For endpoints every logged-in person may use; anonymous requests are still refused."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated account behind a request; `agent_id` links an agent to the directory."""

    account_id: int
    username: str
    role: Role
    agent_id: str | None = None
    via: str = "session"  # "session" (cookie, pages) or "token" (integrations)


class Unauthenticated(CallcenterError):
    status = 401
    error_id = "unauthenticated"


class Forbidden(CallcenterError):
    status = 403
    error_id = "forbidden"


__all__ = ["ALL_ROLES", "Forbidden", "Principal", "Role", "Unauthenticated"]
