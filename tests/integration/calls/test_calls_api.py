"""The call registry's REST views: who reads caller numbers and names, and the audit of every
call shown (R27, R28). Supervisors and managers read calls, live calls and SLA breaches, each
call shown audited; an administrator manages accounts, agents and queues and reads none of
them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from callcenter.app import create_app
from callcenter.auth.principal import Role
from callcenter.calls.http import CALL_REGISTRY, CALL_TRACKER
from tests.conftest import service_settings
from tests.integration.auth.conftest import audit_rows
from tests.integration.auth.support import Client, bearer, cheap_passwords, issue_token
from tests.integration.calls.test_call_registry import sample_calls
from tests.unit.calls.script import T0, Call

pytestmark = pytest.mark.integration

AiohttpClient = Any
VIEWS = ("/api/calls", "/api/calls/live", "/api/sla")
INTERVAL = {"since": datetime.fromtimestamp(T0 - 3600, UTC).isoformat(),
            "until": datetime.fromtimestamp(T0 + 3600, UTC).isoformat()}


@pytest.fixture
async def client(database_url: str, aiohttp_client: AiohttpClient,
                 monkeypatch: pytest.MonkeyPatch) -> Client:
    """The service with three registered calls and one caller waiting in a queue now."""
    cheap_passwords(monkeypatch)
    app = create_app(service_settings(database_url))
    test_client: Client = await aiohttp_client(app)
    await app[CALL_REGISTRY].write(sample_calls())
    waiting = Call("live.1", number="13800138000")
    for event in (waiting.hotline(0), waiting.join(1)):
        app[CALL_TRACKER].on_event(event)
    return test_client


async def _reads(database_url: str) -> list[tuple[str, str, str]]:
    rows = await audit_rows(database_url, action="read", entity="call")
    return sorted((r.role, r.entity_id, r.detail["via"]) for r in rows)


async def test_every_call_a_supervisor_lists_sees_live_or_in_breach_is_audited(
    client: Client, database_url: str
) -> None:
    headers = bearer(await issue_token(database_url, Role.SUPERVISOR))
    calls = await (await client.get("/api/calls", params=INTERVAL, headers=headers)).json()
    live = await (await client.get("/api/calls/live", headers=headers)).json()
    sla = await (await client.get("/api/sla", params=INTERVAL, headers=headers)).json()
    listed = [c["call_id"] for c in calls["calls"]]
    assert len(listed) == 3
    assert [c["call_id"] for c in live["calls"]] == ["live.1"]
    breached = [b["call_id"] for b in sla["breaches"]]
    assert breached  # the call answered late
    assert await _reads(database_url) == sorted([
        *(("supervisor", call_id, "list") for call_id in listed),
        ("supervisor", "live.1", "live"),
        *(("supervisor", call_id, "sla") for call_id in breached),
    ])


async def test_an_admin_reads_no_caller_number_or_name_from_the_call_registry(
    client: Client, database_url: str
) -> None:
    headers = bearer(await issue_token(database_url, Role.ADMIN))
    for path in VIEWS:
        response = await client.get(path, params=INTERVAL, headers=headers)
        body = await response.json()
        assert (response.status, body["error"]["id"]) == (403, "forbidden"), path
        assert set(body) == {"error"}
        assert "13800138000" not in await response.text()
    assert await _reads(database_url) == []
