"""The agent desk over HTTP, as the page uses it: a wrap-up answers with what it made, the
call-back it promised is listed and marked done, bad fields are named, a body that is not
JSON is refused, and the desk and today's figures come back whole (R1, R4, R6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from callcenter.agents.context import AGENT_DESK
from callcenter.agents.pops import Pop
from callcenter.auth.principal import Role
from tests.integration.agents.test_agent_desk_roles import _token, client
from tests.integration.auth.support import bearer

pytestmark = pytest.mark.integration

Client = TestClient[web.Request, web.Application]
CALL = "1790000000.1"

__all__ = ["client"]


def _answered(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    """Li Na answered call CALL from 13800138000 (as the pops would have told the desk)."""
    pop = Pop("p1", CALL, CALL, f"{CALL}-5001", "li.na", "PJSIP/5001", "hotline",
              "13800138000", "Chen", 0.0, "", state="answered")
    wrapups = client.app[AGENT_DESK].wrapups
    monkeypatch.setattr(wrapups, "handled_call",
                        lambda agent, call: pop if (agent, call) == ("li.na", CALL) else None)


async def test_a_promised_call_back_is_answered_listed_and_done(
        client: Client, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = bearer(await _token(database_url, Role.AGENT, "li.na"))
    _answered(client, monkeypatch)
    due = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    made = await client.post("/api/agent/wrapup", headers=headers, json={
        "call_id": CALL, "classification": "consultation", "note": "问技术部",
        "callback": {"due_at": due}})
    body: dict[str, Any] = await made.json()
    assert made.status == 201, body
    assert set(body) == {"call_id", "classification", "customer_id", "callback_id", "outcome"}
    assert body["outcome"] == f"consultation callback={body['callback_id']}"

    listed = await (await client.get("/api/agent/callbacks", headers=headers)).json()
    (callback,) = listed["callbacks"]
    assert (callback["id"], callback["number"], callback["status"]) == (
        body["callback_id"], "+8613800138000", "open")
    assert callback["due_at"].endswith("Z")
    done = await client.post(f"/api/agent/callbacks/{callback['id']}/done", headers=headers)
    assert (done.status, (await done.json())["status"]) == (200, "done")
    again = await client.post("/api/agent/wrapup", headers=headers, json={
        "call_id": CALL, "classification": "consultation"})
    assert again.status == 409


async def test_bad_wrap_ups_are_named_and_only_ones_own_calls_are_wrapped_up(
        client: Client, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = bearer(await _token(database_url, Role.AGENT, "li.na"))
    _answered(client, monkeypatch)
    for payload, field in [
        ({"call_id": CALL, "classification": "repair_request", "customer_id": 1}, "order"),
        ({"call_id": CALL, "classification": "consultation",
          "callback": {"due_at": "2020-01-01T00:00:00Z"}}, "callback.due_at"),
        ({"call_id": CALL, "classification": "consultation", "colour": "red"}, "colour"),
    ]:
        response = await client.post("/api/agent/wrapup", headers=headers, json=payload)
        assert response.status == 400, payload
        assert (await response.json())["error"]["details"]["field"] == field
    other = await client.post("/api/agent/wrapup", headers=headers, json={
        "call_id": "someone-elses", "classification": "consultation"})
    assert other.status == 404
    form = await client.post("/api/agent/wrapup", headers=headers, data="call_id=x")
    assert form.status == 415


async def test_the_desk_and_todays_figures_come_back_whole(
        client: Client, database_url: str) -> None:
    headers = bearer(await _token(database_url, Role.AGENT, "li.na"))
    desk = await (await client.get("/api/agent/desk", headers=headers)).json()
    assert desk["agent"] == {"id": "li.na", "display_name": "Li Na", "team": "",
                             "languages": ["zh"]}
    assert (desk["agent_id"], desk["pops"], desk["wrapups"], desk["colleagues"]) == (
        "li.na", [], [], [])
    assert desk["presence"] == {"interface": None, "state": "logged_out", "since": None,
                                "queues": [], "paused_reason": "", "call_ids": []}
    assert "break" in desk["pause_reasons"]
    figures = await (await client.get("/api/agent/figures", headers=headers)).json()
    assert figures == {"agent_id": "li.na", "day": figures["day"], "calls_taken": 0,
                       "avg_rings_before_answer": None, "rang_out": 0, "missed": 0, "rung": 0}
    datetime.strptime(figures["day"], "%Y-%m-%d")


async def test_click_to_dial_reads_the_number_and_says_when_the_pbx_is_away(
        client: Client, database_url: str) -> None:
    headers = bearer(await _token(database_url, Role.AGENT, "li.na"))
    bad = await client.post("/api/agent/dial", headers=headers, json={"number": "10086"})
    assert (bad.status, (await bad.json())["error"]["details"]["field"]) == (400, "number")
    away = await client.post("/api/agent/dial", headers=headers, json={"number": "62345678"})
    assert (away.status, (await away.json())["error"]["id"]) == (502, "pbx-refused")
