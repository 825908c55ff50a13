from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from callcenter.app import create_app
from callcenter.auth.principal import Role
from callcenter.calls.sla import RingRule
from callcenter.directory.context import DIRECTORY
from tests.conftest import service_settings
from tests.integration.auth.support import bearer, issue_token

pytestmark = pytest.mark.integration

AiohttpClient = Any
Client = TestClient[web.Request, web.Application]


@pytest.fixture
async def client(database_url: str, aiohttp_client: AiohttpClient) -> Client:
    token = await issue_token(database_url, Role.SUPERVISOR)
    app = create_app(service_settings(database_url))
    test_client: Client = await aiohttp_client(app, headers=bearer(token))
    return test_client


async def test_queue_is_created_read_edited_and_deleted(client: Client) -> None:
    created = await client.post("/api/queues", json={
        "name": "hotline", "display_name": "售后热线", "greeting": "您好,我能帮您什么?",
        "ring_threshold": 3, "wrapup_s": 20})
    assert created.status == 201
    edited = await client.put("/api/queues/hotline", json={"display_name": "Hotline",
                                                          "wrapup_s": 45})
    assert (await edited.json())["wrapup_s"] == 45
    listed = await (await client.get("/api/queues")).json()
    assert [q["name"] for q in listed["queues"]] == ["hotline"]
    assert (await client.delete("/api/queues/hotline")).status == 204
    missing = await client.get("/api/queues/hotline")
    assert missing.status == 404
    assert (await missing.json())["error"]["id"] == "not-found"


async def test_a_queue_left_without_a_ring_rule_has_the_sites_and_its_edits_take_effect(
    database_url: str, aiohttp_client: AiohttpClient
) -> None:
    token = await issue_token(database_url, Role.SUPERVISOR)
    app = create_app(service_settings(database_url, CALLCENTER_SLA_MAX_RINGS="4",
                                      CALLCENTER_RING_CYCLE_SECONDS="6"))
    client: Client = await aiohttp_client(app, headers=bearer(token))
    created = await (await client.post("/api/queues", json={"name": "sales"})).json()
    assert (created["ring_threshold"], created["ring_cycle_s"]) == (4, 6.0)
    edited = await client.put("/api/queues/sales", json={"ring_threshold": 2, "ring_cycle_s": 5})
    assert edited.status == 200
    assert app[DIRECTORY].rule_for("sales") == RingRule(2, 5.0)  # the tracker's next call
    assert app[DIRECTORY].rule_for("walk-in") == RingRule(4, 6.0)


async def test_agent_interfaces_are_unique_across_agents(client: Client) -> None:
    first = await client.post("/api/agents", json={
        "id": "li.na", "display_name": "李娜", "team": "A", "languages": ["zh", "yue"],
        "interfaces": ["PJSIP/5001"]})
    assert first.status == 201
    assert (await first.json())["languages"] == ["zh", "yue"]
    clash = await client.post("/api/agents", json={"id": "wang", "interfaces": ["PJSIP/5001"]})
    assert clash.status == 409
    assert (await clash.json())["error"]["details"] == {"interface": "PJSIP/5001",
                                                       "agent_id": "li.na"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/queues", {"display_name": "no name"}, "name"),
        ("/api/queues", {"name": "bad name!"}, "name"),
        ("/api/queues", {"name": "q", "ring_threshold": "three"}, "ring_threshold"),
        ("/api/queues", {"name": "q", "wrapup_s": -5}, "wrapup_s"),
        ("/api/queues", ["not", "an", "object"], "body"),
        ("/api/agents", {"id": "a", "interfaces": ["5001"]}, "interfaces"),
        ("/api/agents", {"id": "a", "languages": "zh"}, "languages"),
    ],
)
async def test_wrong_payload_gets_invalid_input_naming_the_field(
    client: Client, path: str, body: Any, field: str
) -> None:
    response = await client.post(path, json=body)
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["id"] == "invalid-input"
    assert error["details"]["field"] == field


async def test_malformed_json_gets_invalid_input(client: Client) -> None:
    response = await client.post("/api/agents", data=b"{not json",
                                 headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert (await response.json())["error"]["id"] == "invalid-input"


async def test_health_reports_pbx_database_and_redis(client: Client) -> None:
    response = await client.get("/health")
    body = await response.json()
    assert response.status == 200
    assert set(body) >= {"status", "pbx", "database", "redis"}
    assert body["database"]["ok"] is True
    assert body["redis"] == {"ok": True, "backend": "in-process", "configured": False}
