"""Dialer settings: defaults, parsing, and refusals that name the setting to fix."""

from __future__ import annotations

from datetime import date, time

import pytest

from callcenter.settings import DIALER_KINDS, SettingsError, load_settings
from dialer.config import DialerConfig
from dialer.kinds import JobKind

pytestmark = pytest.mark.unit


def test_defaults_are_the_production_ones() -> None:
    dialer = load_settings({}).dialer
    assert dialer.calling_windows == ((time(9), time(12)), (time(14), time(20)))
    assert (dialer.max_attempts, dialer.sampling_percent) == (3, 100.0)  # R17: everyone
    assert dialer.machine_detection is False
    assert dialer.dial_string == "PJSIP/{number}@trunk"
    assert dialer.agi_url == "agi://127.0.0.1:4573"
    assert set(dialer.job_events) == {"product_returned", "complaint_resolved",
                                      "product_delivered", "contract_dates"}


NATIONAL_DAY = date(2026, 10, 1)


def test_public_holidays_are_kept_unless_the_site_calls_on_them() -> None:
    kept = DialerConfig.from_settings(load_settings({})).policy
    called = DialerConfig.from_settings(
        load_settings({"CALLCENTER_DIALER_CALL_ON_HOLIDAYS": "true"})).policy
    assert kept.no_call_day(NATIONAL_DAY)
    assert not called.no_call_day(NATIONAL_DAY)


def test_values_are_read() -> None:
    dialer = load_settings({
        "CALLCENTER_DIALER_WINDOWS": "08:30-11:30, 13:00-21:00",
        "CALLCENTER_DIALER_KIND_CAPS": "technician_survey=4,renewal_notice=1",
        "CALLCENTER_DIALER_EVENTS": "product_returned",
        "CALLCENTER_DIALER_SAMPLING_PERCENT": "25%",
        "CALLCENTER_DIALER_MACHINE_DETECTION": "yes",
        "CALLCENTER_FASTAGI_URL": "agi://10.0.0.5:4573",
    }).dialer
    assert dialer.calling_windows == ((time(8, 30), time(11, 30)), (time(13), time(21)))
    assert dialer.kind_caps == (("technician_survey", 4), ("renewal_notice", 1))
    assert (dialer.job_events, dialer.sampling_percent) == (("product_returned",), 25.0)
    assert dialer.machine_detection
    assert dialer.agi_url == "agi://10.0.0.5:4573"


@pytest.mark.parametrize(("name", "value"), [
    ("CALLCENTER_DIALER_WINDOWS", "9-12"),
    ("CALLCENTER_DIALER_WINDOWS", "12:00-09:00"),
    ("CALLCENTER_DIALER_WINDOWS", "14:00-20:00,09:00-12:00"),
    ("CALLCENTER_DIALER_WINDOWS", ""),
    ("CALLCENTER_DIALER_MAX_ATTEMPTS", "0"),
    ("CALLCENTER_DIALER_SAMPLING_PERCENT", "0"),
    ("CALLCENTER_DIALER_SAMPLING_PERCENT", "120"),
    ("CALLCENTER_DIALER_EVENTS", "order_registered"),
    ("CALLCENTER_DIALER_KIND_CAPS", "surveys=3"),
    ("CALLCENTER_DIALER_KIND_CAPS", "technician_survey=none"),
    ("CALLCENTER_DIALER_DIAL_STRING", "PJSIP/trunk"),
    ("CALLCENTER_DIALER_DIAL_STRING", "PJSIP/{number}@{carrier}"),
    ("CALLCENTER_DIALER_DIAL_PREFIX", "9a"),
    ("CALLCENTER_DIALER_ORIGINATES_PER_S", "0"),
    ("CALLCENTER_DIALER_MACHINE_DETECTION", "maybe"),
    ("CALLCENTER_FASTAGI_PORT", "70000"),
    ("CALLCENTER_FASTAGI_URL", "http://host:4573"),
    ("CALLCENTER_IVR_ANSWER_TIMEOUT", "-1"),
])
def test_bad_dialer_setting_is_refused_with_its_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert caught.value.name == name


def test_retry_gaps_and_lease_are_checked_together() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"CALLCENTER_DIALER_RETRY_MIN_GAP": "7200",
                       "CALLCENTER_DIALER_RETRY_MAX_GAP": "3600"})
    assert caught.value.name == "CALLCENTER_DIALER_RETRY_MIN_GAP"
    with pytest.raises(SettingsError) as caught:
        load_settings({"CALLCENTER_DIALER_LEASE_SECONDS": "5",
                       "CALLCENTER_DIALER_TICK_SECONDS": "5"})
    assert caught.value.name == "CALLCENTER_DIALER_LEASE_SECONDS"


def test_the_settings_know_the_same_kinds_as_the_dialer() -> None:
    assert set(DIALER_KINDS) == {kind.value for kind in JobKind}
