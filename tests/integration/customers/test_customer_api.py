"""Customer records over the API: numbers stored in E.164, every read and change audited."""

from __future__ import annotations

import pytest

from callcenter.auth.principal import Role
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A, M, S, T = Role.AGENT, Role.MANAGER, Role.SUPERVISOR, Role.TECHNICIAN


async def test_customer_numbers_in_any_format_are_stored_in_e164(api: Api) -> None:
    body = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "王芳", "phones": [{"number": "6234 5678", "label": "home"},
                                  {"number": "138-0013-8000", "label": "mobile"},
                                  {"number": "+86 10 6234 5678"}],
        "address": "北京市朝阳区", "zone": "suburb", "vip": True, "language": "yue"})
    assert [p["number"] for p in body["phones"]] == ["+861062345678", "+8613800138000"]
    assert (body["zone"], body["vip"], body["language"]) == ("suburb", True, "yue")


async def test_customer_create_read_change_delete_each_leave_an_audit_row(api: Api) -> None:
    created = await api.ok(A, "POST", "/api/customers", 201, json={"name": "Li Lei"})
    path = f"/api/customers/{created['id']}"
    await api.ok(S, "GET", path)  # a technician reads only their orders' customers
    changed = await api.ok(A, "PATCH", path, json={"do_not_call": True, "notes": "evenings",
                                                   "phones": [{"number": "13800138000"}]})
    assert changed["do_not_call"] is True
    assert changed["phones"] == [{"number": "+8613800138000", "label": ""}]
    await api.ok(M, "DELETE", path, 204)
    await api.ok(A, "GET", path, 404)

    assert await api.audit("customer", created["id"]) == [
        ("create", username(A), "agent"),
        ("read", username(S), "supervisor"),
        ("update", username(A), "agent"),
        ("delete", username(M), "manager"),
    ]


async def test_search_by_phone_audits_every_customer_shown(api: Api) -> None:
    first = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "Zhang", "phones": [{"number": "62345678"}]})
    await api.ok(A, "POST", "/api/customers", 201, json={"name": "Other"})
    found = await api.ok(A, "GET", "/api/customers", params={"phone": "010 6234 5678"})
    assert [c["id"] for c in found["customers"]] == [first["id"]]
    assert ("read", username(A), "agent") in await api.audit("customer", first["id"])


async def test_customer_with_orders_cannot_be_deleted(api: Api) -> None:
    customer = await api.ok(A, "POST", "/api/customers", 201, json={"name": "Busy"})
    await api.ok(A, "POST", "/api/orders", 201, json={
        "customer_id": customer["id"], "kind": "repair", "service_class": "C"})
    response = await api.call(M, "DELETE", f"/api/customers/{customer['id']}")
    assert response.status == 409


async def test_products_and_contracts_are_added_and_shown_with_the_customer(api: Api) -> None:
    customer = await api.ok(A, "POST", "/api/customers", 201, json={"name": "Owner"})
    product = await api.ok(A, "POST", f"/api/customers/{customer['id']}/products", 201, json={
        "model": "KFR-35GW", "serial": "SN123", "purchased_on": "2026-01-05",
        "delivered_at": "2026-01-06T10:00:00+08:00", "warranty_end": "2027-01-06T00:00:00+08:00"})
    contract = await api.ok(A, "POST", f"/api/customers/{customer['id']}/contracts", 201, json={
        "product_id": product["id"], "starts_at": "2026-01-01T00:00:00+08:00",
        "ends_at": "2027-01-01T00:00:00+08:00"})
    assert contract["renewal_notice_due"] == "2026-12-01T16:00:00Z"  # R13: 30 days before
    renewed = await api.ok(A, "PATCH", f"/api/contracts/{contract['id']}",
                           json={"renewal_state": "notified"})
    assert renewed["renewal_state"] == "notified"
    shown = await api.ok(A, "GET", f"/api/customers/{customer['id']}")
    assert [p["serial"] for p in shown["products"]] == ["SN123"]
    assert shown["products"][0]["delivered_at"] == "2026-01-06T02:00:00Z"
    assert [c["id"] for c in shown["contracts"]] == [contract["id"]]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "  "}, "name"),
        ({"name": "x", "phones": [{"number": "anonymous"}]}, "phones"),
        ({"name": "x", "phones": "13800138000"}, "phones"),
        ({"name": "x", "zone": "moon"}, "zone"),
        ({"name": "x", "time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": "x", "vip": "yes"}, "vip"),
        ({"name": "x", "nmae": "typo"}, "nmae"),
        (["not", "an", "object"], "body"),
    ],
)
async def test_bad_customer_payload_gets_invalid_input_naming_the_field(
    api: Api, body: object, field: str
) -> None:
    response = await api.call(A, "POST", "/api/customers", json=body)
    assert response.status == 400
    error = (await response.json())["error"]
    assert (error["id"], error["details"]["field"]) == ("invalid-input", field)


async def test_unknown_customer_id_is_not_found_and_a_malformed_one_is_bad_input(
        api: Api) -> None:
    unknown = await api.call(A, "GET", "/api/customers/999999")
    assert unknown.status == 404
    for path in ("/api/customers/abc", "/api/customers/99999999999", "/api/customers/0"):
        response = await api.call(A, "GET", path)
        assert response.status == 400, path
        error = (await response.json())["error"]
        assert (error["id"], error["details"]["field"]) == ("invalid-input", "id"), path


async def test_phone_list_can_be_sent_again_with_new_labels(api: Api) -> None:
    created = await api.ok(A, "POST", "/api/customers", 201, json={
        "name": "Han", "phones": [{"number": "13800138000"}, {"number": "62345678"}]})
    changed = await api.ok(A, "PATCH", f"/api/customers/{created['id']}", json={
        "phones": [{"number": "+8613800138000", "label": "mobile"},
                   {"number": "13900139000", "label": "work"}]})
    assert changed["phones"] == [{"number": "+8613800138000", "label": "mobile"},
                                 {"number": "+8613900139000", "label": "work"}]


async def test_a_form_encoded_body_is_refused_with_415_and_creates_no_customer(
        api: Api) -> None:
    response = await api.call(A, "POST", "/api/customers", data={"name": "form"})
    assert response.status == 415
    error = (await response.json())["error"]
    assert (error["id"], error["details"]["content_type"]) == (
        "unsupported-media-type", "application/x-www-form-urlencoded")
    listed = await api.ok(A, "GET", "/api/customers?name=form")
    assert listed["customers"] == []


async def test_an_id_too_large_for_the_database_is_bad_input_that_says_so(api: Api) -> None:
    response = await api.call(A, "GET", "/api/customers/99999999999")
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["details"] == {"field": "id"}
    assert "larger than any id the database holds" in error["message"]
