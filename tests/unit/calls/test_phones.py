"""Caller numbers to E.164 (R4 registers both forms, R5 matches customers on E.164)."""

from __future__ import annotations

import pytest

from callcenter.phones import normalise

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "+8613800138000"),  # mobile
        ("138 0013 8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),  # international prefix
        ("8613800138000", "+8613800138000"),  # country code without "+"
        ("01062345678", "+861062345678"),  # national fixed line with trunk prefix
        ("010-6234 5678", "+861062345678"),
        ("62345678", "+861062345678"),  # local: the site's area code is implied
        ("02162345678", "+862162345678"),  # another city's number stays that city's
        ("4008123123", "+864008123123"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_numbers_come_out_in_e164(raw: str, expected: str) -> None:
    assert normalise(raw, "CN", "10") == expected


def test_the_area_code_may_be_given_with_its_trunk_prefix() -> None:
    assert normalise("62345678", "CN", "021") == "+862162345678"


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "anonymous", "<unknown>", "abc", "123", "10086", "95555", "6234567",
     "1380013800x", "9" * 60, "\x00", "+", "++86"],
)
def test_garbage_and_service_codes_give_none(raw: str) -> None:
    assert normalise(raw, "CN", "10") is None


def test_an_unknown_region_gives_none_instead_of_raising() -> None:
    assert normalise("62345678", "XX", "10") is None
