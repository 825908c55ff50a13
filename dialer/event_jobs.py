"""Which follow-up jobs a business event creates (R13-R17), as pure data.

The outbox rows carry the deadline the back office computed when the change committed
(R14 `repair_callback_due`, R15 `complaint_callback_due`, R16 `delivery_follow_ups`, R13
`renewal_notice_due`); this module turns one event into the jobs it asks for:

| topic | job | opens | due |
|---|---|---|---|
| product_returned (R14) | technician_survey, sampled (R17) | return | +3 days, no holidays |
| complaint_resolved (R15) | complaint_callback | resolution | +7 days, no holidays |
| product_delivered (R16) | delivery_check | delivery | +1 calendar month |
| product_delivered + warranty (R16) | warranty_check | warranty end - 2 months | warranty end |
| contract_dates, renewal pending (R13) | renewal_notice | notice date - 7 days | end - 30 days |

A renewal notice "one month before" the end (R13) must reach the customer by then, so the
job opens a week earlier (`RENEWAL_LEAD`) to leave room for its retries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.followups.outbox import OutboxEvent
from callcenter.rules._time import add_months, end_of_local_day, local_date
from dialer.calling_windows import sampled
from dialer.kinds import JobKind, JobState

RENEWAL_LEAD = timedelta(days=7)
"""R13: how long before the notice date the renewal-notice job starts calling."""
PRODUCT_RETURNED = "product_returned"
COMPLAINT_RESOLVED = "complaint_resolved"
PRODUCT_DELIVERED = "product_delivered"
CONTRACT_DATES = "contract_dates"


@dataclass(frozen=True, slots=True)
class JobPlan:
    """A job to create; `state` is SKIPPED with a `result` when sampling leaves it out."""

    kind: JobKind
    customer_id: int
    subject: str
    opens_at: datetime
    due_at: datetime
    source_event_id: int | None = None
    order_id: int | None = None
    complaint_id: int | None = None
    product_id: int | None = None
    contract_id: int | None = None
    technician: str | None = None
    state: JobState = JobState.PENDING
    result: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EventPlan:
    """What to do with one event: jobs to create, and subjects whose open jobs to cancel."""

    jobs: tuple[JobPlan, ...] = ()
    cancel: tuple[tuple[JobKind, str], ...] = ()


def _int(value: Any) -> int | None:
    return int(value) if value is not None and str(value).isdigit() else None


def _instant(value: Any) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo is not None else None


def _returned(event: OutboxEvent, customer: int, sampling_percent: float) -> EventPlan:
    order_id = int(event.entity_id)
    kept = sampled(order_id, sampling_percent)
    return EventPlan(jobs=(JobPlan(
        kind=JobKind.TECHNICIAN_SURVEY, customer_id=customer,
        subject=f"service_order:{order_id}", opens_at=event.occurred_at,
        due_at=event.due_at or event.occurred_at + timedelta(days=3),
        source_event_id=event.id, order_id=order_id,
        product_id=_int(event.payload.get("product_id")),
        technician=event.payload.get("technician") or None,
        state=JobState.PENDING if kept else JobState.SKIPPED,
        result=None if kept else "sampled_out",
        payload={"service_class": event.payload.get("service_class")},
    ),))


def _resolved(event: OutboxEvent, customer: int) -> EventPlan:
    complaint_id = int(event.entity_id)
    return EventPlan(jobs=(JobPlan(
        kind=JobKind.COMPLAINT_CALLBACK, customer_id=customer,
        subject=f"complaint:{complaint_id}", opens_at=event.occurred_at,
        due_at=event.due_at or event.occurred_at + timedelta(days=7),
        source_event_id=event.id, complaint_id=complaint_id,
        payload={"number": event.payload.get("number"),
                 "severity": event.payload.get("severity")},
    ),))


def _delivered(event: OutboxEvent, customer: int, zone: ZoneInfo) -> EventPlan:
    product_id = int(event.entity_id)
    subject = f"product:{product_id}"
    first_due = event.due_at or end_of_local_day(
        add_months(local_date(event.occurred_at, zone), 1), zone)
    jobs = [JobPlan(kind=JobKind.DELIVERY_CHECK, customer_id=customer, subject=subject,
                    opens_at=event.occurred_at, due_at=first_due, source_event_id=event.id,
                    product_id=product_id, payload={"model": event.payload.get("model")})]
    window = event.payload.get("second_follow_up") or {}
    opens, closes = _instant(window.get("opens")), _instant(window.get("closes"))
    if opens is not None and closes is not None:
        jobs.append(JobPlan(kind=JobKind.WARRANTY_CHECK, customer_id=customer,
                            subject=subject, opens_at=opens, due_at=closes,
                            source_event_id=event.id, product_id=product_id,
                            payload={"model": event.payload.get("model")}))
    return EventPlan(jobs=tuple(jobs))


def _contract(event: OutboxEvent, customer: int) -> EventPlan:
    contract_id = int(event.entity_id)
    subject = f"contract:{contract_id}"
    if event.payload.get("renewal_state", "pending") != "pending" or event.due_at is None:
        return EventPlan(cancel=((JobKind.RENEWAL_NOTICE, subject),))
    return EventPlan(jobs=(JobPlan(
        kind=JobKind.RENEWAL_NOTICE, customer_id=customer, subject=subject,
        opens_at=event.due_at - RENEWAL_LEAD, due_at=event.due_at, source_event_id=event.id,
        contract_id=contract_id,
        payload={"ends_at": event.payload.get("ends_at")},
    ),))


def plan_event(event: OutboxEvent, *, enabled_topics: frozenset[str], sampling_percent: float,
               zone: ZoneInfo) -> EventPlan:
    """The jobs one outbox event creates; nothing for a disabled topic or no customer."""
    customer = _int(event.payload.get("customer_id"))
    if event.topic not in enabled_topics or customer is None:
        return EventPlan()
    if event.topic == PRODUCT_RETURNED:
        return _returned(event, customer, sampling_percent)
    if event.topic == COMPLAINT_RESOLVED:
        return _resolved(event, customer)
    if event.topic == PRODUCT_DELIVERED:
        return _delivered(event, customer, zone)
    if event.topic == CONTRACT_DATES:
        return _contract(event, customer)
    return EventPlan()


__all__ = ["RENEWAL_LEAD", "EventPlan", "JobPlan", "plan_event"]
