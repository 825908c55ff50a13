"""Service orders over the API: every status transition, legal and illegal, timed and audited.

The legal moves are written out here, not imported from the code, so a change to the status
machine has to change this test too.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from callcenter.auth.principal import Role
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A, S, T = Role.AGENT, Role.SUPERVISOR, Role.TECHNICIAN
STATUSES = ["registered", "dispatched", "on_site", "completed", "returned", "closed",
            "cancelled"]
LEGAL = {
    ("registered", "dispatched"), ("registered", "cancelled"),
    ("dispatched", "on_site"), ("dispatched", "cancelled"),
    ("on_site", "completed"), ("on_site", "dispatched"),
    ("completed", "returned"), ("completed", "closed"),
    ("returned", "closed"),
}
# How to bring a new order to each status, by legal moves.
PATH = {
    "registered": [],
    "dispatched": ["dispatched"],
    "on_site": ["dispatched", "on_site"],
    "completed": ["dispatched", "on_site", "completed"],
    "returned": ["dispatched", "on_site", "completed", "returned"],
    "closed": ["dispatched", "on_site", "completed", "closed"],
    "cancelled": ["cancelled"],
}


async def _order_at(api: Api, customer_id: int, status: str) -> int:
    """An order dispatched (once it is) to the technician of these tests, who may move it."""
    order = await api.ok(A, "POST", "/api/orders", 201, json={
        "customer_id": customer_id, "kind": "repair", "service_class": "A",
        "technician": username(T)})
    for step in PATH[status]:
        await api.ok(S, "POST", f"/api/orders/{order['id']}/status", json={"status": step})
    return int(order["id"])


@pytest.fixture
async def customer_id(api: Api) -> int:
    body = await api.ok(A, "POST", "/api/customers", 201, json={"name": "Test"})
    return int(body["id"])


async def test_every_legal_order_transition_returns_200_with_a_timed_row(
    api: Api, customer_id: int
) -> None:
    for from_, to in sorted(LEGAL):
        order_id = await _order_at(api, customer_id, from_)
        before = await api.ok(A, "GET", f"/api/orders/{order_id}")
        body = await api.ok(T, "POST", f"/api/orders/{order_id}/status",
                            json={"status": to, "note": "ok"})
        assert body["status"] == to, (from_, to)
        last = body["transitions"][-1]
        assert (last["from"], last["to"], last["by"]) == (from_, to, username(T))
        assert datetime.fromisoformat(last["at"]) >= datetime.fromisoformat(
            before["transitions"][-1]["at"])
        assert len(body["transitions"]) == len(before["transitions"]) + 1


async def test_every_illegal_order_transition_returns_409_and_changes_nothing(
    api: Api, customer_id: int
) -> None:
    for from_ in STATUSES:
        order_id = await _order_at(api, customer_id, from_)
        for to in STATUSES:
            if (from_, to) in LEGAL:
                continue
            response = await api.call(S, "POST", f"/api/orders/{order_id}/status",
                                      json={"status": to})
            assert response.status == 409, (from_, to)
            error = (await response.json())["error"]
            assert error["id"] == "illegal-transition", (from_, to)
        after = await api.ok(S, "GET", f"/api/orders/{order_id}")
        assert after["status"] == from_
        assert len(after["transitions"]) == len(PATH[from_]) + 1


async def test_dispatch_needs_a_technician(api: Api, customer_id: int) -> None:
    order = await api.ok(A, "POST", "/api/orders", 201, json={
        "customer_id": customer_id, "kind": "installation", "service_class": "B"})
    response = await api.call(S, "POST", f"/api/orders/{order['id']}/status",
                              json={"status": "dispatched"})
    assert response.status == 400
    body = await api.ok(S, "POST", f"/api/orders/{order['id']}/status",
                        json={"status": "dispatched", "technician": "zhao.gong"})
    assert body["technician"] == "zhao.gong"


async def test_order_changes_and_reads_are_audited(api: Api, customer_id: int) -> None:
    order_id = await _order_at(api, customer_id, "dispatched")
    await api.ok(T, "PATCH", f"/api/orders/{order_id}",
                 json={"first_contact_at": "2026-03-01T09:00:00+08:00"})
    await api.ok(T, "GET", f"/api/orders/{order_id}")
    assert await api.audit("service_order", order_id) == [
        ("create", username(A), "agent"),
        ("update", username(S), "supervisor"),
        ("update", username(T), "technician"),
        ("read", username(T), "technician"),
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "repair", "service_class": "A"}, "customer_id"),
        ({"customer_id": 1, "kind": "teleport", "service_class": "A"}, "kind"),
        ({"customer_id": 1, "kind": "repair", "service_class": "E"}, "service_class"),
        ({"customer_id": 1, "kind": "repair", "service_class": "A", "units": 0}, "units"),
        ({"customer_id": 999999, "kind": "repair", "service_class": "A"}, "customer_id"),
    ],
)
async def test_bad_order_payload_gets_invalid_input(
    api: Api, customer_id: int, body: dict[str, object], field: str
) -> None:
    response = await api.call(A, "POST", "/api/orders", json=body)
    assert response.status == 400
    assert (await response.json())["error"]["details"]["field"] == field


async def test_status_of_unknown_order_is_not_found(api: Api) -> None:
    response = await api.call(S, "POST", "/api/orders/424242/status", json={"status": "closed"})
    assert response.status == 404
