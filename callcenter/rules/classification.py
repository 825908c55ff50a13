"""What the caller wants and how serious it is (001 §7), and service classes (R11)."""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

BATCH_INCIDENT_PERCENT = 5
"""A fault in this share (%) of one batch or more is a batch quality incident (001 §7)."""


class RequestKind(StrEnum):
    """The three kinds of hotline request (001 §7)."""

    CONSULTATION = "consultation"  # 咨询
    REPAIR = "repair"  # 报修
    COMPLAINT = "complaint"  # 投诉


class ComplaintSeverity(StrEnum):
    """General complaints go to the service manager; major ones are escalated (001 §7)."""

    GENERAL = "general"
    MAJOR = "major"


class GeneralReason(StrEnum):
    """What a general complaint is about. Non-quality ones are still reported (000 §12)."""

    QUALITY = "quality"
    STAFF_ATTITUDE = "staff_attitude"
    OTHER = "other"


class CrisisKind(StrEnum):
    """Crisis events: each one alone makes a complaint major (001 §7)."""

    INJURY = "injury"
    PROPERTY_LOSS = "property_loss"
    UNSAFE_REPAIR = "unsafe_repair"
    FRAUD = "fraud"
    MEDIA_OR_CONSUMER_ASSOCIATION = "media_or_consumer_association"


class MajorReason(StrEnum):
    """Why a complaint is major."""

    CRISIS = "crisis"
    BATCH_QUALITY_INCIDENT = "batch_quality_incident"


class ServiceClass(StrEnum):
    """R11 service kinds, by the letters the service vouchers use (000 §6 of the rules)."""

    PAID = "A"
    CONTRACT = "B"
    WARRANTY = "C"
    INTERNAL = "D"

    @property
    def billable(self) -> bool:
        """Whether each visit is invoiced (A, 000 §10 of the rules).

        Contract service (B) is charged through the maintenance contract instead; warranty
        (C) and internal (D) work is free to the customer.
        """
        return self is ServiceClass.PAID


def is_batch_incident(faulty: int, batch_size: int) -> bool:
    """Whether `faulty` units with the same fault in one batch reach 5% of it.

    Compared in integers (faulty × 100 ≥ 5 × batch) so 5% exactly counts, with no float
    rounding. The rule sets no minimum count: 1 faulty unit in a batch of 20 qualifies.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    if not 0 <= faulty <= batch_size:
        raise ValueError(f"faulty must be between 0 and batch_size, got {faulty}/{batch_size}")
    return faulty > 0 and faulty * 100 >= BATCH_INCIDENT_PERCENT * batch_size


def major_reasons(crises: Collection[CrisisKind], batch_incident: bool) -> frozenset[MajorReason]:
    """The reasons that make a complaint major; empty means it is general."""
    reasons: set[MajorReason] = set()
    if crises:
        reasons.add(MajorReason.CRISIS)
    if batch_incident:
        reasons.add(MajorReason.BATCH_QUALITY_INCIDENT)
    return frozenset(reasons)


def complaint_severity(crises: Collection[CrisisKind], batch_incident: bool) -> ComplaintSeverity:
    """MAJOR for any crisis event or a batch quality incident, else GENERAL (001 §7)."""
    if major_reasons(crises, batch_incident):
        return ComplaintSeverity.MAJOR
    return ComplaintSeverity.GENERAL
