"""What a technician and an administrator see of customers, field by field (R27, R28).

A technician sees the customers of the orders dispatched to them — every field a visit
needs, exactly as the office sees it — and no other customer: a colleague's customer is "not
found", like one that does not exist. An administrator reads no customer record and, in the
audit log, no caller number.
"""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

T, M = Role.TECHNICIAN, Role.MANAGER
COLLEAGUE = "qian.gong"


@pytest.fixture
async def customers(api: Api) -> dict[str, int]:
    """A customer with an order dispatched to the test technician, one with a colleague's
    order, and one with no order at all."""
    made = {}
    for name, phone, technician in (("mine", "13900000001", username(T)),
                                    ("colleague", "13900000002", COLLEAGUE),
                                    ("no-order", "13900000003", None)):
        customer = await api.ok(M, "POST", "/api/customers", 201, json={
            "name": name, "address": f"{name} road 1", "phones": [{"number": phone}],
            "notes": f"{name} notes"})
        made[name] = customer["id"]
        if technician is not None:
            await api.ok(M, "POST", "/api/orders", 201, json={
                "customer_id": customer["id"], "kind": "repair", "service_class": "C",
                "technician": technician})
    return made


async def test_a_technician_lists_only_the_customers_of_their_own_orders_field_by_field(
    api: Api, customers: dict[str, int]
) -> None:
    listed = (await api.ok(T, "GET", "/api/customers"))["customers"]
    office = {c["id"]: c for c in (await api.ok(M, "GET", "/api/customers"))["customers"]}
    assert [c["id"] for c in listed] == [customers["mine"]]
    assert listed[0] == office[customers["mine"]]  # every field, exactly as the office sees
    for phone in ("13900000002", "13900000003"):
        found = await api.ok(T, "GET", f"/api/customers?phone={phone}")
        assert found["customers"] == []


async def test_a_technician_opens_their_customer_and_no_other(
    api: Api, customers: dict[str, int]
) -> None:
    own = await api.ok(T, "GET", f"/api/customers/{customers['mine']}")
    assert own == await api.ok(M, "GET", f"/api/customers/{customers['mine']}")
    unknown = await api.call(T, "GET", "/api/customers/999999")
    for name in ("colleague", "no-order"):
        response = await api.call(T, "GET", f"/api/customers/{customers[name]}")
        assert response.status == unknown.status == 404
        assert (await response.json())["error"]["id"] == "not-found"
    reads = {entity_id for entity_id in customers.values()
             if ("read", username(T), "technician") in await api.audit("customer", entity_id)}
    assert reads == {customers["mine"]}


async def test_an_admin_reads_the_audit_log_without_the_caller_numbers_a_manager_sees(
    api: Api, customers: dict[str, int]
) -> None:
    await api.ok(Role.AGENT, "GET", "/api/lookup?number=13900000001")
    path = "/api/audit?entity=customer&limit=500"
    manager = (await api.ok(M, "GET", path))["entries"]
    admin = (await api.ok(Role.ADMIN, "GET", path))["entries"]
    by_lookup = [e for e in manager if e["detail"].get("via") == "lookup"]
    assert [e["detail"]["number"] for e in by_lookup] == ["+8613900000001"]
    admin_by_id = {e["id"]: e for e in admin}
    for seen in manager:  # the same entries, field by field, with numbers masked
        shown = admin_by_id[seen["id"]]
        if "number" in seen["detail"]:
            assert shown["detail"] == {**seen["detail"], "number": "***"}
        else:
            assert shown == seen
    assert "+8613900000001" not in repr(admin)
    for path in ("/api/customers", f"/api/customers/{customers['mine']}",
                 "/api/lookup?number=13900000001"):
        assert (await api.call(Role.ADMIN, "GET", path)).status == 403
