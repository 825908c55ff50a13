"""Who may call which back-office endpoint (R28), against a matrix written out here.

"Allowed" means the role check let the request through (any status but 401/403: a body that
does not validate still proves the door was open); "refused" means 403. Anonymous callers
always get 401.
"""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.customers.support import Api

pytestmark = pytest.mark.integration

AG, TE, SU, MA, AD = "agent", "technician", "supervisor", "manager", "admin"
MATRIX: list[tuple[str, str, set[str]]] = [
    ("GET", "/api/lookup?number=62345678", {AG, SU, MA}),
    ("GET", "/api/customers", {AG, TE, SU, MA}),
    ("POST", "/api/customers", {AG, SU, MA}),
    ("GET", "/api/customers/{customer}", {AG, TE, SU, MA}),
    ("PATCH", "/api/customers/{customer}", {AG, SU, MA}),
    ("DELETE", "/api/customers/999999", {MA}),
    ("POST", "/api/customers/{customer}/products", {AG, SU, MA}),
    ("PATCH", "/api/products/999999", {AG, SU, MA}),
    ("POST", "/api/customers/{customer}/contracts", {AG, SU, MA}),
    ("PATCH", "/api/contracts/999999", {AG, SU, MA}),
    ("GET", "/api/orders", {AG, TE, SU, MA}),
    ("POST", "/api/orders", {AG, SU, MA}),
    ("GET", "/api/orders/999999", {AG, TE, SU, MA}),
    ("PATCH", "/api/orders/999999", {AG, TE, SU, MA}),
    ("POST", "/api/orders/999999/status", {AG, TE, SU, MA}),
    ("GET", "/api/complaints", {AG, SU, MA}),
    ("POST", "/api/complaints", {AG, SU, MA}),
    ("GET", "/api/complaints/999999", {AG, SU, MA}),
    ("PATCH", "/api/complaints/999999", {SU, MA}),
    ("POST", "/api/complaints/999999/status", {SU, MA}),
    ("GET", "/api/overdue", {SU, MA}),
    ("GET", "/api/reminders", {AG, TE, SU, MA}),
    ("POST", "/api/reminders/999999/acknowledge", {AG, TE, SU, MA}),
]


async def test_every_back_office_endpoint_admits_exactly_its_roles(api: Api) -> None:
    customer = await api.ok(Role.MANAGER, "POST", "/api/customers", 201, json={"name": "c"})
    wrong: list[str] = []
    for method, template, allowed in MATRIX:
        path = template.format(customer=customer["id"])
        anonymous = await api.client.request(method, path, json={})
        if anonymous.status != 401:
            wrong.append(f"anonymous {method} {path}: {anonymous.status}")
        for role in Role:
            response = await api.call(role, method, path, json={})
            refused = response.status == 403
            if refused == (role.value in allowed) or response.status == 401:
                wrong.append(f"{role} {method} {path}: {response.status}")
    assert wrong == []
