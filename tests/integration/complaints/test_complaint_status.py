"""Complaint statuses over the API: every legal move is timed, every illegal one is a 409."""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A, S = Role.AGENT, Role.SUPERVISOR
STATUSES = ["pending", "in_progress", "resolved", "closed"]
LEGAL = {("pending", "in_progress"), ("in_progress", "resolved"), ("resolved", "closed"),
         ("resolved", "in_progress")}
PATH = {"pending": [], "in_progress": ["in_progress"],
        "resolved": ["in_progress", "resolved"],
        "closed": ["in_progress", "resolved", "closed"]}


async def _complaint_at(api: Api, status: str) -> int:
    body = await api.ok(A, "POST", "/api/complaints", 201, json={
        "subject": "s", "complainant": "c"})
    for step in PATH[status]:
        await api.ok(S, "POST", f"/api/complaints/{body['id']}/status", json={"status": step})
    return int(body["id"])


async def test_every_legal_complaint_transition_returns_200_with_a_timed_row(api: Api) -> None:
    for from_, to in sorted(LEGAL):
        complaint_id = await _complaint_at(api, from_)
        body = await api.ok(S, "POST", f"/api/complaints/{complaint_id}/status",
                            json={"status": to, "resolution": "replaced the part"})
        assert body["status"] == to
        last = body["transitions"][-1]
        assert (last["from"], last["to"], last["by"]) == (from_, to, username(S))
        assert last["at"] is not None
        assert body["resolution"] == "replaced the part"


async def test_every_illegal_complaint_transition_returns_409_illegal_transition(
    api: Api,
) -> None:
    for from_ in STATUSES:
        complaint_id = await _complaint_at(api, from_)
        for to in STATUSES:
            if (from_, to) in LEGAL:
                continue
            response = await api.call(S, "POST", f"/api/complaints/{complaint_id}/status",
                                      json={"status": to})
            assert response.status == 409, (from_, to)
            assert (await response.json())["error"]["id"] == "illegal-transition"


async def test_agents_register_but_do_not_handle_complaints(api: Api) -> None:
    complaint_id = await _complaint_at(api, "pending")
    response = await api.call(A, "POST", f"/api/complaints/{complaint_id}/status",
                              json={"status": "in_progress"})
    assert response.status == 403
    assert (await api.call(Role.TECHNICIAN, "GET", "/api/complaints")).status == 403
