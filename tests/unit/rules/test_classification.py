"""Request kinds, complaint severity (001 §7) and service classes (R11)."""

from __future__ import annotations

import pytest

from callcenter.rules.classification import (
    ComplaintSeverity,
    CrisisKind,
    MajorReason,
    ServiceClass,
    complaint_severity,
    is_batch_incident,
    major_reasons,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("faulty", "batch_size", "incident"),
    [
        (5, 100, True),  # exactly 5%
        (4, 100, False),
        (1, 20, True),  # 5%: the rule sets no minimum count
        (1, 21, False),  # 4.76%
        (0, 10, False),
        (10, 10, True),
    ],
)
def test_batch_incident_is_the_same_fault_in_five_percent_of_a_batch(
    faulty: int, batch_size: int, incident: bool
) -> None:
    assert is_batch_incident(faulty, batch_size) is incident


@pytest.mark.parametrize(("faulty", "batch_size"), [(6, 5), (-1, 5), (1, 0)])
def test_impossible_batch_counts_are_rejected(faulty: int, batch_size: int) -> None:
    with pytest.raises(ValueError, match="batch"):
        is_batch_incident(faulty, batch_size)


@pytest.mark.parametrize("crisis", list(CrisisKind))
def test_any_crisis_event_makes_a_complaint_major(crisis: CrisisKind) -> None:
    assert complaint_severity({crisis}, batch_incident=False) is ComplaintSeverity.MAJOR


def test_severity_without_crisis_or_batch_incident_is_general() -> None:
    assert complaint_severity(set(), batch_incident=False) is ComplaintSeverity.GENERAL
    assert complaint_severity(set(), batch_incident=True) is ComplaintSeverity.MAJOR
    assert major_reasons({CrisisKind.FRAUD}, batch_incident=True) == {
        MajorReason.CRISIS,
        MajorReason.BATCH_QUALITY_INCIDENT,
    }


def test_service_classes_use_the_voucher_letters() -> None:
    assert [c.value for c in ServiceClass] == ["A", "B", "C", "D"]
    assert ServiceClass("C") is ServiceClass.WARRANTY
    assert [c for c in ServiceClass if c.billable] == [ServiceClass.PAID]
