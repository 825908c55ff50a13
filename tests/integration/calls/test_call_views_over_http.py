"""The registry's views over HTTP: an interval that cannot be read names its parameter, calls
come back with their times as this API has always written them, and an empty queue filter
is every queue (R1, R4)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.auth.principal import Role
from tests.integration.auth.support import Client, bearer, issue_token
from tests.integration.calls.test_calls_api import INTERVAL, client
from tests.unit.calls.script import T0

pytestmark = pytest.mark.integration

__all__ = ["client"]


async def test_an_interval_that_cannot_be_read_names_its_parameter(
        client: Client, database_url: str) -> None:
    headers = bearer(await issue_token(database_url, Role.SUPERVISOR))
    for path in ("/api/calls", "/api/sla"):
        for params, field in [({"since": "yesterday"}, "since"),
                              ({"since": "2026-03-02", "until": "2026-03-01"}, "until")]:
            response = await client.get(path, params=params, headers=headers)
            assert response.status == 400, (path, params)
            assert (await response.json())["error"]["details"]["field"] == field


async def test_listed_calls_keep_their_offsets_and_an_empty_queue_is_every_queue(
        client: Client, database_url: str) -> None:
    headers = bearer(await issue_token(database_url, Role.SUPERVISOR))
    body = await (await client.get("/api/calls", params=INTERVAL, headers=headers)).json()
    assert (body["since"], body["until"]) == (INTERVAL["since"], INTERVAL["until"])
    first = body["calls"][0]
    assert datetime.fromisoformat(first["entered_at"]) >= datetime.fromtimestamp(T0, UTC)
    assert first["entered_at"].endswith("+00:00")
    assert {"rule", "visits", "legs", "precision"} <= set(first)
    every = await (await client.get("/api/sla", params={**INTERVAL, "queue": ""},
                                    headers=headers)).json()
    hotline = await (await client.get("/api/sla", params={**INTERVAL, "queue": "hotline"},
                                      headers=headers)).json()
    assert (every["queue"], hotline["queue"]) == (None, "hotline")
    assert every["service_level"]["offered"] == len(body["calls"])
