"""Every endpoint, every role: who is let in and who is refused (R28).

The matrix is written out here on purpose, not imported from the code, so that a role check
changed by mistake shows up as a failing row. A new endpoint without a row fails the test:
add its row when you add the endpoint (PUBLIC, or the set of roles allowed).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from aiohttp import web

from callcenter.app import create_app
from callcenter.auth.principal import Role
from tests.conftest import service_settings
from tests.integration.auth.support import Client, bearer, issue_token

pytestmark = pytest.mark.integration

AiohttpClient = Any

AGENT, TECH, SUPERVISOR, MANAGER, ADMIN = (
    "agent", "technician", "supervisor", "manager", "admin")
EVERYONE = frozenset({AGENT, TECH, SUPERVISOR, MANAGER, ADMIN})
EDITORS = frozenset({SUPERVISOR, MANAGER, ADMIN})
PUBLIC = "public"

MATRIX: dict[tuple[str, str], str | frozenset[str]] = {
    ("GET", "/health"): PUBLIC,
    ("GET", "/api/openapi.json"): PUBLIC,
    # auth
    ("POST", "/api/auth/login"): PUBLIC,
    ("POST", "/api/auth/logout"): EVERYONE,
    ("GET", "/api/auth/me"): EVERYONE,
    # accounts and tokens
    ("GET", "/api/accounts"): frozenset({ADMIN}),
    ("POST", "/api/accounts"): frozenset({ADMIN}),
    ("GET", "/api/accounts/{id}"): frozenset({ADMIN}),
    ("PUT", "/api/accounts/{id}"): frozenset({ADMIN}),
    ("GET", "/api/tokens"): frozenset({ADMIN}),
    ("POST", "/api/tokens"): frozenset({ADMIN}),
    ("DELETE", "/api/tokens/{id}"): frozenset({ADMIN}),
    # audit
    ("GET", "/api/audit"): frozenset({MANAGER, ADMIN}),
    # directory
    ("GET", "/api/queues"): EVERYONE,
    ("GET", "/api/queues/{name}"): EVERYONE,
    ("POST", "/api/queues"): EDITORS,
    ("PUT", "/api/queues/{name}"): EDITORS,
    ("DELETE", "/api/queues/{name}"): EDITORS,
    ("GET", "/api/agents"): EVERYONE,
    ("GET", "/api/agents/{id}"): EVERYONE,
    ("POST", "/api/agents"): EDITORS,
    ("PUT", "/api/agents/{id}"): EDITORS,
    ("DELETE", "/api/agents/{id}"): EDITORS,
    ("GET", "/api/directory/reconcile"): EDITORS,
    # call registry and R1 figures (R27: caller numbers and names, so no admin)
    ("GET", "/api/calls"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/api/calls/live"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/api/sla"): frozenset({SUPERVISOR, MANAGER}),
    # customer records (R27: no admin, who manages accounts, not customers)
    ("GET", "/api/customers"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("POST", "/api/customers"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("GET", "/api/customers/{id}"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("PATCH", "/api/customers/{id}"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("DELETE", "/api/customers/{id}"): frozenset({MANAGER}),
    ("POST", "/api/customers/{id}/products"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("PATCH", "/api/products/{id}"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("POST", "/api/customers/{id}/contracts"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("PATCH", "/api/contracts/{id}"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("GET", "/api/lookup"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    # service orders
    ("GET", "/api/orders"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("POST", "/api/orders"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("GET", "/api/orders/{id}"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("PATCH", "/api/orders/{id}"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("POST", "/api/orders/{id}/status"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    # complaint ledger
    ("GET", "/api/complaints"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("POST", "/api/complaints"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("GET", "/api/complaints/{id}"): frozenset({AGENT, SUPERVISOR, MANAGER}),
    ("PATCH", "/api/complaints/{id}"): frozenset({SUPERVISOR, MANAGER}),
    ("POST", "/api/complaints/{id}/status"): frozenset({SUPERVISOR, MANAGER}),
    # overdue watch
    ("GET", "/api/overdue"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/api/reminders"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    ("POST", "/api/reminders/{id}/acknowledge"): frozenset({AGENT, TECH, SUPERVISOR, MANAGER}),
    # agent desk (callcenter.agents) and its page (agent_ui)
    ("GET", "/"): PUBLIC,
    ("GET", "/agent/"): PUBLIC,
    ("GET", "/agent"): PUBLIC,
    ("GET", "/agent/static/{name}"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/vendor/{package}/{name}"): PUBLIC,
    ("GET", "/ws/agent"): frozenset({AGENT}),
    ("GET", "/api/agent/desk"): frozenset({AGENT}),
    ("POST", "/api/agent/login"): frozenset({AGENT}),
    ("POST", "/api/agent/pause"): frozenset({AGENT}),
    ("POST", "/api/agent/resume"): frozenset({AGENT}),
    ("POST", "/api/agent/logout"): frozenset({AGENT}),
    ("POST", "/api/agent/wrapup"): frozenset({AGENT}),
    ("POST", "/api/agent/transfer"): frozenset({AGENT}),
    ("POST", "/api/agent/dial"): frozenset({AGENT}),
    ("GET", "/api/agent/figures"): frozenset({AGENT}),
    ("GET", "/api/agent/callbacks"): frozenset({AGENT}),
    ("POST", "/api/agent/callbacks/{callback_id}/done"): frozenset({AGENT}),
    # follow-up dialer (dialer.http): supervisors control, managers read, agents preview
    ("GET", "/api/dialer/status"): frozenset({SUPERVISOR, MANAGER}),
    ("POST", "/api/dialer/pause"): frozenset({SUPERVISOR}),
    ("POST", "/api/dialer/resume"): frozenset({SUPERVISOR}),
    ("GET", "/api/dialer/jobs"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/api/dialer/jobs/{id}"): frozenset({SUPERVISOR, MANAGER}),
    ("POST", "/api/dialer/jobs/{id}/reschedule"): frozenset({SUPERVISOR}),
    ("POST", "/api/dialer/jobs/{id}/cancel"): frozenset({SUPERVISOR}),
    ("GET", "/api/dialer/satisfaction"): frozenset({SUPERVISOR, MANAGER}),
    ("GET", "/api/dialer/preview"): frozenset({AGENT, SUPERVISOR}),
    ("POST", "/api/dialer/preview/{id}/take"): frozenset({AGENT}),
    ("POST", "/api/dialer/preview/{id}/report"): frozenset({AGENT}),
    # site calendar (R2): everyone reads, the administrator keeps it
    ("GET", "/api/calendar/{year}"): EVERYONE,
    ("PUT", "/api/calendar/years/{year}"): frozenset({ADMIN}),
    ("DELETE", "/api/calendar/years/{year}"): frozenset({ADMIN}),
    ("PUT", "/api/calendar/days/{date}"): frozenset({ADMIN}),
    ("DELETE", "/api/calendar/days/{date}"): frozenset({ADMIN}),
}

# A path parameter that names nothing, so allowed requests fail harmlessly (404 / 400).
NOBODY = "999999"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _endpoints(app: web.Application) -> list[tuple[str, str]]:
    """(method, path template) of every route; HEAD is checked under its GET row."""
    found = set()
    for route in app.router.routes():
        method = "GET" if route.method == "HEAD" else route.method
        canonical = route.resource.canonical if route.resource is not None else ""
        found.add((method, canonical))
    return sorted(found)


def _url(template: str) -> str:
    return re.sub(r"\{[^}]+\}", NOBODY, template)


def _refused(status: int, who: str) -> bool:
    """Anonymous must get 401 and a role not allowed 403; anything else means let in."""
    return status == (401 if who == "anonymous" else 403)


async def test_every_endpoint_lets_in_exactly_the_roles_of_its_row(
    database_url: str, aiohttp_client: AiohttpClient
) -> None:
    tokens = {str(role): await issue_token(database_url, role) for role in Role}
    app = create_app(service_settings(database_url))
    client: Client = await aiohttp_client(app)
    endpoints = _endpoints(app)

    missing = [e for e in endpoints if e not in MATRIX]
    assert missing == [], f"endpoints without a row in MATRIX: {missing}"
    stale = [row for row in MATRIX if row not in endpoints]
    assert stale == [], f"MATRIX rows for endpoints that no longer exist: {stale}"

    wrong = []
    for method, template in endpoints:
        allowed = MATRIX[(method, template)]
        for who in ["anonymous", *tokens]:
            headers = bearer(tokens[who]) if who in tokens else {}
            body: dict[str, Any] | None = {} if method in UNSAFE else None
            for verb in (method, "HEAD") if method == "GET" else (method,):
                response = await client.request(verb, _url(template), json=body,
                                                headers=headers)
                expected_in = allowed == PUBLIC or who in allowed
                if _refused(response.status, who) == expected_in:
                    wrong.append(f"{verb} {template} as {who}: {response.status}, expected "
                                 f"{'allowed' if expected_in else 'refused'}")
    assert wrong == [], "\n".join(wrong)
