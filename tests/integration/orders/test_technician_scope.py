"""Technicians see and change only the service orders dispatched to them (R28).

A colleague's order answers exactly like one that does not exist (404 "not-found"), so a
technician learns nothing about other people's work; agents, supervisors and managers
still reach every order.
"""

from __future__ import annotations

from typing import Any

import pytest

from callcenter.auth.principal import Role
from tests.integration.auth.support import bearer, issue_token
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A, T, S, M = Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER
COLLEAGUE = "qian.gong"


@pytest.fixture
async def orders(api: Api) -> dict[str, int]:
    """Three orders of one customer: the test technician's, a colleague's, and one not
    dispatched yet (no technician)."""
    customer = await api.ok(A, "POST", "/api/customers", 201, json={"name": "Test"})
    made = {}
    for name, technician in (("mine", username(T)), ("colleague", COLLEAGUE),
                             ("undispatched", None)):
        body = await api.ok(A, "POST", "/api/orders", 201, json={
            "customer_id": customer["id"], "kind": "repair", "service_class": "C",
            "technician": technician})
        made[name] = int(body["id"])
    return made


async def _error(api: Api, role: Role, method: str, path: str, **kwargs: Any) -> Any:
    response = await api.call(role, method, path, **kwargs)
    return response.status, (await response.json())["error"]["id"]


async def test_a_technician_lists_only_the_orders_dispatched_to_them(
    api: Api, orders: dict[str, int]
) -> None:
    listed = await api.ok(T, "GET", "/api/orders")
    assert [o["id"] for o in listed["orders"]] == [orders["mine"]]
    asked_for_colleague = await api.ok(T, "GET", f"/api/orders?technician={COLLEAGUE}")
    assert asked_for_colleague["orders"] == []


async def test_agents_supervisors_and_managers_still_list_every_order(
    api: Api, orders: dict[str, int]
) -> None:
    for role in (A, S, M):
        listed = await api.ok(role, "GET", "/api/orders")
        assert sorted(o["id"] for o in listed["orders"]) == sorted(orders.values()), role


async def test_a_colleagues_order_is_not_found_to_a_technician_like_an_unknown_one(
    api: Api, orders: dict[str, int]
) -> None:
    unknown = await _error(api, T, "GET", "/api/orders/999999")
    for name in ("colleague", "undispatched"):
        path = f"/api/orders/{orders[name]}"
        assert await _error(api, T, "GET", path) == unknown == (404, "not-found")
        assert await _error(api, T, "PATCH", path, json={"description": "x"}) == unknown
        assert await _error(api, T, "POST", f"{path}/status",
                            json={"status": "cancelled"}) == unknown
    own = await api.ok(T, "GET", f"/api/orders/{orders['mine']}")
    assert own["technician"] == username(T)


async def test_a_refused_change_leaves_the_colleagues_order_as_it_was(
    api: Api, orders: dict[str, int]
) -> None:
    path = f"/api/orders/{orders['colleague']}"
    await api.call(T, "PATCH", path, json={"technician": username(T)})
    await api.call(T, "POST", f"{path}/status", json={"status": "dispatched"})
    after = await api.ok(S, "GET", path)
    assert (after["technician"], after["status"]) == (COLLEAGUE, "registered")
    assert [action for action, _, _ in await api.audit("service_order", orders["colleague"])
            ] == ["create", "read"]  # the supervisor's read above; nothing by the technician


async def test_the_technician_moves_and_edits_their_own_order(
    api: Api, orders: dict[str, int]
) -> None:
    path = f"/api/orders/{orders['mine']}"
    await api.ok(S, "POST", f"{path}/status", json={"status": "dispatched"})
    await api.ok(T, "PATCH", path, json={"first_contact_at": "2026-03-01T09:00:00+08:00"})
    moved = await api.ok(T, "POST", f"{path}/status", json={"status": "on_site"})
    assert moved["transitions"][-1]["by"] == username(T)


async def test_the_colleague_sees_their_order_and_not_the_others(
    api: Api, orders: dict[str, int]
) -> None:
    token = await issue_token(api.database_url, T, COLLEAGUE)
    response = await api.client.get("/api/orders", headers=bearer(token))
    assert [o["id"] for o in (await response.json())["orders"]] == [orders["colleague"]]
    response = await api.client.get(f"/api/orders/{orders['mine']}", headers=bearer(token))
    assert response.status == 404
