"""What the other flows leave on the records (R13, R15, R16, R20), through the whole dialer
against the fake PBX, on both back-ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from callcenter.complaints.models import ComplaintRow
from callcenter.customers.models import ContractRow
from dialer.models import DialerJobRow
from tests.integration.dialer.conftest import NOW, Bench, channel
from tests.integration.dialer.fake_pbx import Behaviour, FakePbx
from tests.integration.dialer.support import (
    add_customer,
    contract,
    delivered_product,
    resolved_complaint,
)

pytestmark = pytest.mark.integration


async def _campaign(bench: Bench, number: str, behaviour: Behaviour) -> list[DialerJobRow]:
    dialer = bench.dialer()
    pbx = FakePbx(dialer, {channel(number): behaviour})
    dialer.attach(pbx)
    await dialer.run_once()
    await pbx.settle()
    async with bench.db.sessions() as session:
        return list((await session.scalars(select(DialerJobRow).order_by(
            DialerJobRow.id))).all())


async def test_complaint_not_solved_goes_back_to_work_and_an_agent_calls(bench: Bench) -> None:
    """R15: problems found on the call-back are handled again; satisfaction 2 → R20."""
    customer = await add_customer(bench.db, "Wu", "+8613900001101", now=NOW)
    complaint_id = await resolved_complaint(bench.db, customer, NOW)
    callback, agent_job = await _campaign(bench, "13900001101", Behaviour(keys=("2", "2")))
    assert (callback.kind, callback.state, callback.result) == (
        "complaint_callback", "done", "complete")
    assert (agent_job.kind, agent_job.mode, agent_job.state) == (
        "agent_callback", "preview", "pending")
    assert agent_job.complaint_id == complaint_id
    async with bench.db.sessions() as session:
        original = await session.get(ComplaintRow, complaint_id)
        others = (await session.scalars(select(ComplaintRow).where(
            ComplaintRow.id != complaint_id))).all()
    assert original is not None
    assert original.status == "in_progress"
    assert "solved=no" in original.follow_up
    assert "satisfaction=2" in original.follow_up
    assert [(c.owner, c.customer_id) for c in others] == [("service-manager", customer)]


async def test_complaint_call_back_never_reached_is_recorded_on_the_ledger(
        bench: Bench) -> None:
    customer = await add_customer(bench.db, "Zheng", "+8613900001102", now=NOW)
    complaint_id = await resolved_complaint(bench.db, customer, NOW)
    (job,) = await _campaign(bench, "13900001102", Behaviour(ring="unallocated"))
    assert (job.state, job.result) == ("failed", "invalid_number")
    async with bench.db.sessions() as session:
        original = await session.get(ComplaintRow, complaint_id)
    assert original is not None
    assert "not reached (invalid_number, 1 attempts)" in original.follow_up
    assert original.status == "resolved"


async def test_delivery_check_not_working_opens_a_complaint_and_offers_an_agent(
        bench: Bench) -> None:
    """R16 first call: not working → R20 complaint (general: not after a repair)."""
    customer = await add_customer(bench.db, "Feng", "+8613900001103", now=NOW)
    await delivered_product(bench.db, customer, NOW, None)
    check, agent_job = await _campaign(bench, "13900001103", Behaviour(keys=("2", "1")))
    assert (check.kind, check.result) == ("delivery_check", "complete")
    assert (agent_job.kind, agent_job.mode) == ("agent_callback", "preview")
    async with bench.db.sessions() as session:
        (complaint,) = (await session.scalars(select(ComplaintRow))).all()
    assert (complaint.owner, complaint.escalated_at) == ("service-manager", None)


async def test_renewal_notice_reached_marks_the_contract_and_a_call_me_is_queued(
        bench: Bench) -> None:
    """R13: the notice is given (contract notified); "press 1" → an agent calls back."""
    customer = await add_customer(bench.db, "Chen", "+8613900001104", now=NOW)
    deal = await contract(bench.db, customer, NOW - timedelta(days=330),
                          NOW + timedelta(days=32))
    notice, agent_job = await _campaign(bench, "13900001104", Behaviour(keys=("1",)))
    assert (notice.kind, notice.state, notice.result) == ("renewal_notice", "done", "complete")
    assert agent_job.subject == f"contract:{deal}:renewal_interest"
    async with bench.db.sessions() as session:
        row = await session.get(ContractRow, deal)
    assert row is not None
    assert row.renewal_state == "notified"
