"""Service-order payloads on their declared models: what is required, what is refused (R7-R11)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from callcenter.errors import InvalidInput
from callcenter.orders.schemas import OrderIn, OrderPatch, OrderStatusIn
from callcenter.rules.classification import ServiceClass
from callcenter.rules.status import OrderStatus
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit
REPAIR = {"customer_id": 1, "kind": "repair", "service_class": "C"}


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_a_new_order_needs_only_customer_kind_and_class() -> None:
    order = parse_body(OrderIn, _body(REPAIR))
    assert (order.kind, order.service_class) == ("repair", ServiceClass.WARRANTY)
    assert (order.product_id, order.description, order.technician, order.units) == (
        None, "", None, None)


def test_workshop_batches_need_a_unit_count_of_at_least_one() -> None:
    assert parse_body(OrderIn, _body({**REPAIR, "units": 25})).units == 25
    with pytest.raises(InvalidInput, match="units"):
        parse_body(OrderIn, _body({**REPAIR, "units": 0}))


@pytest.mark.parametrize(("payload", "field"), [
    ({"kind": "repair", "service_class": "A"}, "customer_id"),
    ({**REPAIR, "kind": "teleport"}, "kind"),
    ({**REPAIR, "service_class": "E"}, "service_class"),
    ({**REPAIR, "customer_id": "1"}, "customer_id"),
    ({**REPAIR, "product_id": 2**31}, "product_id"),
    ({**REPAIR, "technician": "x" * 121}, "technician"),
    ({**REPAIR, "colour": "red"}, "colour"),
])
def test_bad_order_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(OrderIn, _body(payload))
    assert caught.value.details["field"] == field


def test_a_patch_changes_what_it_gives_and_may_clear_only_technician_and_clock_stops() -> None:
    patch = parse_body(OrderPatch, _body({"technician": None,
                                          "first_contact_at": "2026-03-01T09:00:00+08:00"}))
    assert patch.given() == {"technician": None,
                             "first_contact_at": datetime(2026, 3, 1, 1, 0, tzinfo=UTC)}
    with pytest.raises(InvalidInput, match="description: must not be null"):
        parse_body(OrderPatch, _body({"description": None}))


@pytest.mark.parametrize("stop", ["2026-03-01T09:00:00", 1772326800, "yesterday"])
def test_a_clock_stop_is_an_iso_instant_with_its_offset(stop: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(OrderPatch, _body({"plan_sent_at": stop}))
    assert caught.value.details["field"] == "plan_sent_at"


def test_status_payload_names_a_known_status() -> None:
    move = parse_body(OrderStatusIn, _body({"status": "on_site"}))
    assert (move.status, move.note, move.technician) == (OrderStatus.ON_SITE, "", None)
    for status in ("done", 3):
        with pytest.raises(InvalidInput, match="status"):
            parse_body(OrderStatusIn, _body({"status": status}))
