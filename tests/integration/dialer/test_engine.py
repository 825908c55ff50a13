"""The dialer end to end against a fake PBX, on both back-ends: outcomes, flows, write-back
exactly once, caps, pause, crash recovery. (The real bench PBX runs the same in tests/e2e.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from callcenter.complaints.models import ComplaintRow
from callcenter.customers.models import CustomerRow
from callcenter.events import ChannelSnapshot, PbxSnapshot
from callcenter.followups.models import SurveyResultRow
from callcenter.overdue.models import ReminderRow
from callcenter.rules.calendar import LAST_COVERED_YEAR
from callcenter.storage.database import Database
from dialer.control import set_paused
from dialer.finish import AttemptEnd, finish_attempt
from dialer.kinds import Outcome
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.writeback import SYSTEM
from tests.integration.dialer.conftest import NOW, Bench, channel
from tests.integration.dialer.fake_pbx import HANG_UP, Behaviour, FakePbx
from tests.integration.dialer.support import jobs

pytestmark = pytest.mark.integration

async def job_of(db: Database, customer_id: int) -> DialerJobRow:
    return next(job for job in await jobs(db) if job.customer_id == customer_id)


async def count(db: Database, model: type, **where: object) -> int:
    async with db.sessions() as session:
        query = select(func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return int(await session.scalar(query) or 0)


async def test_six_customers_end_with_the_right_outcome_attempts_and_ratings(
        bench: Bench) -> None:
    """The issue's six customers, against the fake PBX (the e2e does it on Asterisk)."""
    people = {
        "13900001001": Behaviour(keys=("4", "3", "4", "2", "1")),
        "13900001002": Behaviour(ring="never"),
        "13900001003": Behaviour(ring="busy"),
        "13900001004": Behaviour(ring="unallocated"),
        "13900001005": Behaviour(keys=("9",)),
        "13900001006": Behaviour(keys=("4", "3", HANG_UP)),
    }
    ids = {number: await bench.survey_for(f"c{number[-1]}", number) for number in people}
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel(n): b for n, b in people.items()})
    dialer.attach(pbx)
    report = await dialer.run_once()
    assert report.dialled == 6
    await pbx.settle()
    by = {number: await job_of(bench.db, cid) for number, cid in ids.items()}
    assert (by["13900001001"].state, by["13900001001"].result) == ("done", "complete")
    assert (by["13900001002"].state, by["13900001003"].state) == ("pending", "pending")
    assert (by["13900001004"].state, by["13900001004"].result) == ("failed", "invalid_number")
    assert (by["13900001005"].state, by["13900001005"].result) == ("done", "do_not_call")
    assert (by["13900001006"].state, by["13900001006"].result) == ("done", "partial")
    assert all(job.attempts == 1 for job in by.values())
    headers = next(h for h in pbx.originates if h["Channel"] == channel("13900001001"))
    assert headers["Context"] == "survey"
    assert headers["ChannelId"] == f"dialer-{by['13900001001'].id}-1"
    assert f"JOB_ID={headers['ChannelId']}" in headers["Variable"]

    async with bench.db.sessions() as session:
        surveys = {row.customer_id: row for row in (await session.scalars(
            select(SurveyResultRow))).all()}
        complaints = (await session.scalars(select(ComplaintRow))).all()
        dnc = await session.get(CustomerRow, ids["13900001005"])
    full = surveys[ids["13900001001"]]
    assert (full.outcome, full.attitude, full.skill, full.arrival_time, full.promises_kept,
            full.product_works, full.technician) == ("complete", 4, 3, 4, 2, True, "tech-wang")
    partial = surveys[ids["13900001006"]]
    assert (partial.outcome, partial.attitude, partial.skill, partial.arrival_time) == (
        "partial", 4, 3, None)
    assert surveys[ids["13900001005"]].outcome == "refused"
    assert dnc is not None
    assert dnc.do_not_call
    (low,) = complaints  # R20: the 2 on "promises kept"
    assert (low.customer_id, low.owner, low.escalated_at) == (
        ids["13900001001"], "service-manager", None)

    bench.clock.now = NOW + timedelta(minutes=5)  # past the retry gap
    pbx.originates.clear()
    second = await dialer.run_once()
    await pbx.settle()
    retried = {str(h["Channel"]) for h in pbx.originates}
    assert second.dialled == 2
    assert retried == {channel("13900001002"), channel("13900001003")}  # invalid never again
    assert (await job_of(bench.db, ids["13900001002"])).attempts == 2


async def test_attempts_are_used_up_then_the_job_fails(bench: Bench) -> None:
    customer = await bench.survey_for("busy", "13900001010")
    dialer = bench.dialer(CALLCENTER_DIALER_MAX_ATTEMPTS="3")
    pbx = FakePbx(dialer, {channel("13900001010"): Behaviour(ring="busy")})
    dialer.attach(pbx)
    for round_ in range(5):
        bench.clock.now = NOW + timedelta(minutes=5 * round_)
        await dialer.run_once()
        await pbx.settle()
    job = await job_of(bench.db, customer)
    assert (job.state, job.result, job.attempts) == ("failed", "attempts_used_up", 3)
    assert len(pbx.originates) == 3
    assert await count(bench.db, DialerAttemptRow, job_id=job.id) == 3


async def test_two_ones_are_serious_and_escalated_at_once(bench: Bench) -> None:
    """R20: a 1 on two or more items → serious, escalated to the managers right away."""
    await bench.survey_for("angry", "13900001020")
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001020"): Behaviour(keys=("1", "1", "3", "3", "1"))})
    dialer.attach(pbx)
    await dialer.run_once()
    await pbx.settle()
    async with bench.db.sessions() as session:
        (complaint,) = (await session.scalars(select(ComplaintRow))).all()
        reminders = (await session.scalars(select(ReminderRow))).all()
    assert complaint.escalated_at is not None
    assert [(r.entity_id, r.role, r.state) for r in reminders] == [
        (complaint.id, "manager", "serious")]


async def test_product_not_working_after_repair_is_serious_too(bench: Bench) -> None:
    await bench.survey_for("broken", "13900001021")
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001021"): Behaviour(keys=("4", "4", "4", "4", "2"))})
    dialer.attach(pbx)
    await dialer.run_once()
    await pbx.settle()
    async with bench.db.sessions() as session:
        (complaint,) = (await session.scalars(select(ComplaintRow))).all()
    assert complaint.escalated_at is not None


async def test_write_back_happens_once_even_if_the_end_is_reported_twice(
        bench: Bench) -> None:
    customer = await bench.survey_for("twice", "13900001030")
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001030"): Behaviour(keys=("3", "3", "3", "3", "1"))})
    dialer.attach(pbx)
    await dialer.run_once()
    await pbx.settle()
    job = await job_of(bench.db, customer)
    again = AttemptEnd(f"dialer-{job.id}-1", Outcome.ANSWERED, 4, 16, NOW, NOW, None)
    assert await finish_attempt(bench.db, dialer.config, dialer.worker, again) is None
    pbx.hang_up(f"dialer-{job.id}-1", 16)  # a late duplicate event changes nothing
    assert await count(bench.db, SurveyResultRow, customer_id=customer) == 1


async def test_answered_but_flow_service_unreachable_is_a_failed_attempt(bench: Bench) -> None:
    """The dialplan's fall-through said goodbye: not a survey, retried like a failure."""
    customer = await bench.survey_for("nobody home", "13900001040")
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001040"): Behaviour(flow_runs=False)})
    dialer.attach(pbx)
    await dialer.run_once()
    await pbx.settle()
    job = await job_of(bench.db, customer)
    assert (job.state, job.attempts) == ("pending", 1)
    async with bench.db.sessions() as session:
        outcome = await session.scalar(select(DialerAttemptRow.outcome))
    assert outcome == "failed"
    assert await count(bench.db, SurveyResultRow) == 0


async def test_concurrent_call_cap_and_kind_cap_hold(bench: Bench) -> None:
    people = {f"1390000105{n}": Behaviour(ring="never") for n in range(5)}
    for number in people:
        await bench.survey_for(number, number)
    dialer = bench.dialer(CALLCENTER_DIALER_MAX_CALLS="4",
                          CALLCENTER_DIALER_KIND_CAPS="technician_survey=2")
    pbx = FakePbx(dialer, {channel(n): b for n, b in people.items()})
    dialer.attach(pbx)
    report = await dialer.run_once()
    assert report.dialled == 2
    assert dialer.pacer.in_flight == 2
    await pbx.settle()


async def test_paused_dialer_places_no_call(bench: Bench) -> None:
    await bench.survey_for("later", "13900001060")
    async with bench.db.transaction() as session:
        await set_paused(session, SYSTEM, True, NOW)
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001060"): Behaviour(keys=("4",))})
    dialer.attach(pbx)
    assert (await dialer.run_once()).dialled == 0
    async with bench.db.transaction() as session:
        await set_paused(session, SYSTEM, False, NOW)
    assert (await dialer.run_once()).dialled == 1
    await pbx.settle()


async def test_no_call_is_placed_on_a_day_no_calendar_source_knows(bench: Bench) -> None:
    """A job planned on a known day and due when the calendar has run out waits (R2)."""
    await bench.survey_for("new-year", "13900001070")
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel("13900001070"): Behaviour(keys=("4",))})
    dialer.attach(pbx)
    unknown_monday = date(LAST_COVERED_YEAR + 1, 1, 1)
    unknown_monday += timedelta(days=-unknown_monday.weekday() % 7)
    bench.clock.now = datetime.combine(unknown_monday, time(2), tzinfo=UTC)
    assert (await dialer.run_once()).dialled == 0
    assert pbx.originates == []
    bench.clock.now = NOW
    assert (await dialer.run_once()).dialled == 1
    await pbx.settle()


async def test_a_crashed_workers_call_is_adopted_from_the_pbx_or_interrupted(
        bench: Bench) -> None:
    """Worker A places three calls and dies. Worker B, after A's lease: the call the PBX
    still has is adopted, followed to its hang-up and settled from the answers A's flow
    saved; the one that ended after answers is settled from them too; the one that left
    nothing is interrupted, counted, and retried."""
    still_up = await bench.survey_for("still talking", "13900001070")
    answered = await bench.survey_for("answered, gone", "13900001072")
    gone = await bench.survey_for("gone", "13900001071")
    first = bench.dialer()
    pbx = FakePbx(first, {channel("13900001070"): Behaviour(keys=("4", "4")),
                          channel("13900001072"): Behaviour(keys=("3",)),
                          channel("13900001071"): Behaviour(flow_runs=False)}, hold=True)
    first.attach(pbx)
    await first.run_once()
    await asyncio_wait_for_answers(bench.db, 3)
    await first.stop()  # killed: nothing settled, leases left to lapse
    up_job, gone_job = await job_of(bench.db, still_up), await job_of(bench.db, gone)

    second = bench.dialer()
    second_pbx = FakePbx(second, {})
    second.attach(second_pbx)
    second.tracker.on_snapshot(PbxSnapshot(0.0, (), (ChannelSnapshot(
        f"dialer-{up_job.id}-1", f"dialer-{up_job.id}-1", "Local/x", "Up"),)))
    bench.clock.now = NOW + timedelta(seconds=10)
    assert (await second.run_once()).interrupted == 0  # A's lease still runs
    bench.clock.now = NOW + timedelta(seconds=45)
    report = await second.run_once()
    assert (report.adopted, report.interrupted) == (2, 1)
    second_pbx.hang_up(f"dialer-{up_job.id}-1", 16)
    await second_pbx.settle()
    up_job, gone_job = await job_of(bench.db, still_up), await job_of(bench.db, gone)
    answered_job = await job_of(bench.db, answered)
    assert (up_job.state, up_job.result, up_job.attempts) == ("done", "partial", 1)
    assert (answered_job.state, answered_job.result) == ("done", "partial")
    assert (gone_job.state, gone_job.attempts) == ("pending", 1)
    async with bench.db.sessions() as session:
        outcomes = dict((await session.execute(select(
            DialerAttemptRow.job_id, DialerAttemptRow.outcome))).all())
        surveys = {row.customer_id: (row.attitude, row.skill) for row in (
            await session.scalars(select(SurveyResultRow))).all()}
    assert outcomes == {up_job.id: "answered", answered_job.id: "answered",
                        gone_job.id: "interrupted"}
    assert surveys == {still_up: (4, 4), answered: (3, None)}
    assert second_pbx.originates == []  # nothing dialled twice


async def asyncio_wait_for_answers(db: Database, answers: int) -> None:
    import asyncio

    for _ in range(500):
        async with db.sessions() as session:
            saved = sum(len(a) for a in (await session.scalars(
                select(DialerAttemptRow.answers))).all())
        if saved >= answers:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the flows did not save their answers")
