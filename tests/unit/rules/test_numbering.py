"""R21 complaint numbers: site-zone month, 4-digit minimum serial, strict parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callcenter.errors import InvalidInput
from callcenter.rules.numbering import (
    ComplaintNumber,
    complaint_number,
    parse_complaint_number,
    period_key,
)
from tests.unit.rules.support import SHANGHAI, sh

pytestmark = pytest.mark.unit


def test_late_evening_of_31_october_in_shanghai_is_still_october() -> None:
    at = sh(2026, 10, 31, 23, 30)  # 15:30 UTC
    assert period_key(at, SHANGHAI) == "2610"
    assert complaint_number(at, 1, SHANGHAI) == "26100001"
    assert complaint_number(at.astimezone(UTC), 1, SHANGHAI) == "26100001"


def test_month_is_taken_in_the_site_zone_not_in_utc() -> None:
    at = datetime(2026, 10, 31, 16, 30, tzinfo=UTC)  # 00:30 on 1 November in Shanghai
    assert period_key(at, SHANGHAI) == "2611"
    assert period_key(at, ZoneInfo("UTC")) == "2610"
    # The serial restarts with the new month's sequence.
    assert complaint_number(at, 1, SHANGHAI) == "26110001"


@pytest.mark.parametrize(
    ("serial", "number"),
    [(42, "26100042"), (9999, "26109999"), (10000, "261010000")],
)
def test_serial_is_padded_to_four_digits_and_grows_beyond(serial: int, number: str) -> None:
    assert complaint_number(sh(2026, 10, 5), serial, SHANGHAI) == number


def test_serial_zero_and_naive_times_are_rejected() -> None:
    with pytest.raises(ValueError, match="serial"):
        complaint_number(sh(2026, 10, 5), 0, SHANGHAI)
    with pytest.raises(ValueError, match="timezone-aware"):
        period_key(datetime(2026, 10, 5), SHANGHAI)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("26100042", ComplaintNumber(year=2026, month=10, serial=42)),
        (" 26110001 ", ComplaintNumber(year=2026, month=11, serial=1)),
        ("261010000", ComplaintNumber(year=2026, month=10, serial=10000)),
    ],
)
def test_complaint_numbers_parse_back_into_period_and_serial(
    text: str, parsed: ComplaintNumber
) -> None:
    result = parse_complaint_number(text)
    assert result == parsed
    assert result.period == text.strip()[:4]
    assert str(result) == text.strip()


def test_full_width_digits_from_a_chinese_input_method_are_accepted() -> None:
    parsed = parse_complaint_number("２６１０００４２")
    assert parsed == ComplaintNumber(year=2026, month=10, serial=42)
    assert str(parsed) == "26100042"


@pytest.mark.parametrize(
    "text", ["", "abc", "2610001", "26130001", "26000001", "26100000", "2610-0001", "٢٦١٠٠٠٠١"]
)
def test_malformed_complaint_numbers_are_invalid_input(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_complaint_number(text)
    assert caught.value.error_id == "invalid-input"
    assert caught.value.details == {"field": "complaint_number"}
