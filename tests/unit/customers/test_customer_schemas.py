"""Customer payload validation: numbers normalised at the edge, bad fields named (R5)."""

from __future__ import annotations

import pytest

from callcenter.customers.schemas import parse_contract, parse_customer, parse_product
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan

pytestmark = pytest.mark.unit
BEIJING = NumberPlan("CN", "10")


def test_the_same_number_in_three_formats_is_stored_once() -> None:
    values = parse_customer({"name": "王芳", "phones": [
        {"number": "62345678"}, {"number": "010-6234-5678", "label": "dup"},
        {"number": "+86 10 6234 5678"}, {"number": "13800138000", "label": "mobile"}]}, BEIJING)
    assert [(p.e164, p.label) for p in values["phones"]] == [
        ("+861062345678", ""), ("+8613800138000", "mobile")]


def test_defaults_fill_a_new_customer_but_not_a_patch() -> None:
    full = parse_customer({"name": "x"}, BEIJING)
    assert (full["zone"], full["time_zone"], full["language"], full["vip"]) == (
        "city", "Asia/Shanghai", "zh", False)
    assert parse_customer({"vip": True}, BEIJING, partial=True) == {"vip": True}


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "x", "phones": [{"number": "10086"}]}, "phones"),
    ({"name": "x", "phones": [{"number": "1", "extra": 1}]}, "extra"),
    ({"name": "x", "time_zone": "../../etc/passwd"}, "time_zone"),
    ({"name": "x", "overseas": 1}, "overseas"),
    ({"name": "a\x00b"}, "name"),
])
def test_bad_customer_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_customer(payload, BEIJING)
    assert caught.value.details["field"] == field


def test_warranty_must_end_after_delivery_and_contract_after_start() -> None:
    with pytest.raises(InvalidInput, match="warranty_end"):
        parse_product({"model": "m", "delivered_at": "2026-01-02T00:00:00Z",
                       "warranty_end": "2026-01-01T00:00:00Z"})
    with pytest.raises(InvalidInput, match="ends_at"):
        parse_contract({"starts_at": "2026-01-02T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z"})
    with pytest.raises(InvalidInput, match="UTC offset"):
        parse_contract({"starts_at": "2026-01-02T00:00:00", "ends_at": "2027-01-01T00:00:00Z"})
