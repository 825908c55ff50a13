"""The planning pass on both back-ends, with a frozen clock: outbox → jobs, exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from callcenter.customers.models import CustomerRow
from callcenter.storage.database import Database
from dialer.kinds import JobKind, JobState
from dialer.models import DialerJobRow
from dialer.planning_pass import plan_once
from tests.integration.dialer.support import (
    SHANGHAI,
    add_customer,
    config,
    contract,
    delivered_product,
    jobs,
    resolved_complaint,
    returned_order,
)

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai


async def test_each_business_event_becomes_its_job_once(db: Database) -> None:
    """R13-R16: returned repair, resolved complaint, delivery with warranty, contract."""
    li = await add_customer(db, "Li", "+8613900001001", now=NOW)
    order = await returned_order(db, li, "tech-wang", NOW)
    complaint = await resolved_complaint(db, li, NOW)
    product = await delivered_product(db, li, NOW, NOW + timedelta(days=365))
    deal = await contract(db, li, NOW - timedelta(days=300), NOW + timedelta(days=60))
    report = await plan_once(db, config(), NOW)
    assert report.created == 5
    by_kind = {JobKind(job.kind): job for job in await jobs(db)}
    survey = by_kind[JobKind.TECHNICIAN_SURVEY]
    assert (survey.order_id, survey.technician, survey.phone) == (order, "tech-wang",
                                                                  "+8613900001001")
    assert survey.due_at == datetime(2026, 3, 14, tzinfo=SHANGHAI)  # R14: end of the 3rd day
    assert by_kind[JobKind.COMPLAINT_CALLBACK].complaint_id == complaint
    assert by_kind[JobKind.COMPLAINT_CALLBACK].due_at == datetime(2026, 3, 18, tzinfo=SHANGHAI)
    assert by_kind[JobKind.DELIVERY_CHECK].product_id == product
    assert by_kind[JobKind.WARRANTY_CHECK].opens_at > NOW + timedelta(days=300)
    assert by_kind[JobKind.RENEWAL_NOTICE].contract_id == deal
    assert all(job.next_attempt_at == NOW for job in by_kind.values() if job.opens_at <= NOW)
    again = await plan_once(db, config(), NOW + timedelta(minutes=1))
    assert (again.events, again.created) == (0, 0)
    assert len(await jobs(db)) == 5


async def test_first_attempt_waits_for_the_customers_own_window(db: Database) -> None:
    """09:30 in Shanghai is 07:30 in Urumqi: the call waits for 09:00 there (11:00 here)."""
    far_west = await add_customer(db, "Aysu", "+8613900001002", time_zone="Asia/Urumqi",
                                  now=NOW)
    early = datetime(2026, 3, 10, 1, 30, tzinfo=UTC)
    await returned_order(db, far_west, "tech-wang", early)
    await plan_once(db, config(), early)
    (job,) = await jobs(db)
    assert job.next_attempt_at == datetime(2026, 3, 10, 11, 0, tzinfo=SHANGHAI)


async def test_do_not_call_customers_are_skipped_now_and_later(db: Database) -> None:
    refuses = await add_customer(db, "Zhao", "+8613900001003", do_not_call=True, now=NOW)
    changes_mind = await add_customer(db, "Qian", "+8613900001004", now=NOW)
    await returned_order(db, refuses, "tech-wang", NOW)
    await returned_order(db, changes_mind, "tech-wang", NOW)
    await plan_once(db, config(), NOW)
    states = {job.customer_id: (job.state, job.result) for job in await jobs(db)}
    assert states == {refuses: ("skipped", "do_not_call"), changes_mind: ("pending", None)}
    async with db.transaction() as session:
        await session.execute(update(CustomerRow).where(CustomerRow.id == changes_mind)
                               .values(do_not_call=True))
    report = await plan_once(db, config(), NOW + timedelta(minutes=1))
    assert report.skipped_do_not_call == 1
    assert {job.state for job in await jobs(db)} == {"skipped"}


async def test_customer_without_a_number_fails_at_once(db: Database) -> None:
    silent = await add_customer(db, "Sun", None, now=NOW)
    await returned_order(db, silent, "tech-wang", NOW)
    await plan_once(db, config(), NOW)
    (job,) = await jobs(db)
    assert (job.state, job.result) == ("failed", "no_number")


async def test_only_the_configured_events_make_jobs(db: Database) -> None:
    li = await add_customer(db, "Li", "+8613900001001", now=NOW)
    await returned_order(db, li, "tech-wang", NOW)
    await resolved_complaint(db, li, NOW)
    await plan_once(db, config(CALLCENTER_DIALER_EVENTS="complaint_resolved"), NOW)
    assert [job.kind for job in await jobs(db)] == ["complaint_callback"]


async def test_sampling_ratio_leaves_some_surveys_out_visibly(db: Database) -> None:
    """R17 at 50%: roughly half the surveys are skipped as sampled out, none lost."""
    li = await add_customer(db, "Li", "+8613900001001", now=NOW)
    for _ in range(20):
        await returned_order(db, li, "tech-wang", NOW)
    await plan_once(db, config(CALLCENTER_DIALER_SAMPLING_PERCENT="50"), NOW)
    outcome = [(job.state, job.result) for job in await jobs(db)]
    assert len(outcome) == 20
    assert 3 <= outcome.count(("skipped", "sampled_out")) <= 17
    assert set(outcome) == {("skipped", "sampled_out"), ("pending", None)}


async def test_a_window_missed_while_paused_moves_to_the_next_one(db: Database) -> None:
    li = await add_customer(db, "Li", "+8613900001001", now=NOW)
    await returned_order(db, li, "tech-wang", NOW)
    await plan_once(db, config(), NOW)
    lunch = datetime(2026, 3, 10, 4, 30, tzinfo=UTC)  # 12:30: the morning window is over
    report = await plan_once(db, config(), lunch)
    assert report.replanned == 1
    (job,) = await jobs(db)
    assert job.next_attempt_at == datetime(2026, 3, 10, 14, 0, tzinfo=SHANGHAI)
    assert job.attempts == 0


async def test_deadline_at_risk_is_flagged_and_reported(db: Database) -> None:
    """A survey still unplaced at 19:50 on its last day (due at midnight): three attempts
    30 min apart cannot fit in the 10 minutes of window left."""
    li = await add_customer(db, "Li", "+8613900001001", now=NOW)
    await returned_order(db, li, "tech-wang", NOW)
    await plan_once(db, config(), NOW)
    async with db.transaction() as session:
        await session.execute(update(DialerJobRow).values(window_closes_at=NOW))
    last_evening = datetime(2026, 3, 13, 11, 50, tzinfo=UTC)  # 19:50, due at midnight
    report = await plan_once(db, config(), last_evening)
    (job,) = await jobs(db)
    assert job.at_risk
    assert [flag["job_id"] for flag in report.at_risk] == [job.id]
    assert job.state == JobState.PENDING.value
