"""Customer payload validation: numbers normalised at the edge, bad fields named (R5)."""

from __future__ import annotations

import json

import pytest

from callcenter.customers.schemas import ContractIn, CustomerIn, CustomerPatch, ProductIn
from callcenter.errors import InvalidInput
from callcenter.phones import NumberPlan
from callcenter.web.api import parse_body

pytestmark = pytest.mark.unit
BEIJING = {"plan": NumberPlan("CN", "10")}


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_the_same_number_in_three_formats_is_stored_once() -> None:
    customer = parse_body(CustomerIn, _body({"name": "王芳", "phones": [
        {"number": "62345678"}, {"number": "010-6234-5678", "label": "dup"},
        {"number": "+86 10 6234 5678"}, {"number": "13800138000", "label": "mobile"}]}),
        BEIJING)
    assert [(p.number, p.label) for p in customer.phones] == [
        ("+861062345678", ""), ("+8613800138000", "mobile")]


def test_defaults_fill_a_new_customer_but_a_patch_changes_only_what_it_gives() -> None:
    full = parse_body(CustomerIn, _body({"name": "x"}), BEIJING)
    assert (full.zone, full.time_zone, full.language, full.vip) == (
        "city", "Asia/Shanghai", "zh", False)
    assert parse_body(CustomerPatch, _body({"vip": True}), BEIJING).given() == {"vip": True}


@pytest.mark.parametrize(("payload", "field"), [
    ({"name": "x", "phones": [{"number": "10086"}]}, "phones"),
    ({"name": "x", "phones": [{"number": "1", "extra": 1}]}, "phones"),
    ({"name": "x", "time_zone": "../../etc/passwd"}, "time_zone"),
    ({"name": "x", "overseas": 1}, "overseas"),
    ({"name": "  "}, "name"),
    ({"nmae": "x"}, "nmae"),
])
def test_bad_customer_fields_are_named(payload: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(CustomerIn, _body(payload), BEIJING)
    assert caught.value.details["field"] == field


def test_a_patch_may_not_null_a_required_field() -> None:
    with pytest.raises(InvalidInput, match="name: must not be null"):
        parse_body(CustomerPatch, _body({"name": None}), BEIJING)


def test_warranty_must_end_after_delivery_and_contract_after_start() -> None:
    with pytest.raises(InvalidInput, match="warranty_end"):
        parse_body(ProductIn, _body({"model": "m", "delivered_at": "2026-01-02T00:00:00Z",
                                     "warranty_end": "2026-01-01T00:00:00Z"}))
    with pytest.raises(InvalidInput, match="ends_at"):
        parse_body(ContractIn, _body({"starts_at": "2026-01-02T00:00:00Z",
                                      "ends_at": "2026-01-01T00:00:00Z"}))
    with pytest.raises(InvalidInput, match=r"starts_at: .*timezone"):
        parse_body(ContractIn, _body({"starts_at": "2026-01-02T00:00:00",
                                      "ends_at": "2027-01-01T00:00:00Z"}))
