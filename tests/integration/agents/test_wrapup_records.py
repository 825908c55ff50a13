"""Wrap-ups on both back-ends: a complaint with its R21 number linked to the call and the
customer, a repair order, a promised call-back (R6) that falls due on the agent's page, the
registry's outcome filled now or once the call's row is written (R4), and the agent's own
figures from the registry (R1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from callcenter.agents import records
from callcenter.agents.config import DeskSettings
from callcenter.agents.figures import agent_today
from callcenter.agents.models import AgentWrapupRow
from callcenter.agents.runtime import AgentDeskService
from callcenter.auth.principal import Principal, Role
from callcenter.calls.models import CallAgentLegRow, CallRow
from callcenter.calls.tracker import CallTracker
from callcenter.complaints.models import ComplaintRow
from callcenter.customers.models import CustomerRow
from callcenter.directory.service import DirectoryService
from callcenter.errors import Conflict, InvalidInput
from callcenter.orders.models import ServiceOrderRow
from callcenter.phones import NumberPlan
from callcenter.rules.calendar import WorkingCalendar
from callcenter.settings import Settings
from callcenter.storage.database import Database

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # Tuesday 10:00 in Shanghai
WHO = Principal(1, "li.na", Role.AGENT, "li.na")
PLAN = NumberPlan("CN", "10")
ZONE = Settings().zone


async def _customer(db: Database) -> int:
    async with db.transaction() as session:
        row = CustomerRow(name="王芳", address="", zone="city", time_zone="Asia/Shanghai",
                          overseas=False, vip=True, language="zh", do_not_call=False,
                          notes="", created_at=NOW, updated_at=NOW)
        session.add(row)
        await session.flush()
        return row.id


async def _call_row(db: Database, call_id: str) -> None:
    async with db.transaction() as session:
        session.add(CallRow(call_id=call_id, caller_num_raw="13800138000",
                            caller_num_e164="+8613800138000", entered_at=NOW, ended_at=NOW,
                            exit_reason="answered"))


async def _store(db: Database, payload: dict[str, Any]) -> dict[str, Any]:
    return await records.store(db, WHO, "li.na", records.parse(payload, NOW), "13800138000",
                               PLAN, ZONE, WorkingCalendar(ZONE), NOW)


async def test_a_complaint_wrap_up_is_in_the_ledger_and_on_the_call_record(db: Database) -> None:
    cid = await _customer(db)
    await _call_row(db, "call-1")
    result = await _store(db, {"call_id": "call-1", "classification": "complaint_general",
                               "customer_id": cid, "complaint": {
                                   "subject": "异响", "complainant": "王芳"}})
    assert result["complaint_number"] == "26030001"
    async with db.sessions() as session:
        complaint = await session.get(ComplaintRow, result["complaint_id"])
        call = (await session.scalars(select(CallRow).where(CallRow.call_id == "call-1"))
                ).one()
    assert complaint is not None
    assert (complaint.call_id, complaint.customer_id, complaint.contact) == (
        "call-1", cid, "+8613800138000")
    assert (call.outcome, call.customer_id) == ("complaint_general complaint=26030001", cid)
    with pytest.raises(Conflict):
        await _store(db, {"call_id": "call-1", "classification": "consultation"})


async def test_outcome_waits_for_the_registry_row_of_a_call_still_being_written(
        db: Database) -> None:
    cid = await _customer(db)
    result = await _store(db, {"call_id": "call-2", "classification": "repair_request",
                               "customer_id": cid, "order": {"service_class": "C",
                                                             "description": "不制冷"}})
    async with db.sessions() as session:
        order = await session.get(ServiceOrderRow, result["order_id"])
    assert order is not None
    assert order.call_id == "call-2"
    assert await records.fill_registry(db, NOW) == 0
    await _call_row(db, "call-2")
    assert await records.fill_registry(db, NOW) == 1
    async with db.sessions() as session:
        call = (await session.scalars(select(CallRow).where(CallRow.call_id == "call-2"))
                ).one()
        wrap = (await session.scalars(select(AgentWrapupRow))).one()
    assert call.outcome == f"repair_request order={result['order_id']}"
    assert wrap.registry_filled is True


async def test_a_major_complaint_needs_its_crisis_and_a_repair_needs_the_customer(
        db: Database) -> None:
    with pytest.raises(InvalidInput, match="crises"):
        await _store(db, {"call_id": "c3", "classification": "complaint_major",
                          "complaint": {"subject": "s", "complainant": "x"}})
    with pytest.raises(InvalidInput, match="customer_id"):
        await _store(db, {"call_id": "c3", "classification": "repair_request",
                          "order": {"service_class": "C"}})


async def test_a_promised_call_back_falls_due_on_the_agents_page(db: Database) -> None:
    result = await _store(db, {"call_id": "call-4", "classification": "consultation",
                               "callback": {"due_at": (NOW + timedelta(hours=2)).isoformat(),
                                            "note": "问技术部"}})
    assert result["outcome"] == f"consultation callback={result['callback_id']}"
    directory = DirectoryService(db)
    service = AgentDeskService(db, directory, Settings(), DeskSettings(),
                               CallTracker(directory.rule_for, directory.agent_for_interface))
    seen: list[dict[str, Any]] = []
    service.feeds.publish = lambda agent, frame: seen.append(frame) or []  # type: ignore
    await service.sweep(NOW + timedelta(hours=1))
    assert seen == []
    await service.sweep(NOW + timedelta(hours=2, seconds=1))
    await service.sweep(NOW + timedelta(hours=3))
    assert [(f["type"], f["callback"]["number"]) for f in seen] == [
        ("callback_due", "+8613800138000")]


async def test_the_agents_figures_today_come_from_the_registry_legs(db: Database) -> None:
    async with db.transaction() as session:
        for i, (answered, rings, ended_by) in enumerate(
                [(True, 1, "answered"), (True, 2, "answered"), (False, 3, "rang_out"),
                 (False, 1, "colleague_answered")]):
            call_id = f"fig-{i}"
            session.add(CallRow(call_id=call_id, caller_num_raw="1", entered_at=NOW,
                                ended_at=NOW, exit_reason="answered"))
            await session.flush()
            session.add(CallAgentLegRow(
                call_id=call_id, seq=1, visit_seq=1, queue="hotline", leg_id=f"l{i}",
                agent_id="li.na", interface="PJSIP/5001", rang_at=NOW + timedelta(minutes=i),
                ended_at=NOW + timedelta(minutes=i, seconds=5), ring_s=5.0, rings=rings,
                answered=answered, missed=ended_by == "rang_out", ended_by=ended_by))
    figures = await agent_today(db, "li.na", NOW, ZONE)
    assert (figures["calls_taken"], figures["avg_rings_before_answer"], figures["rang_out"],
            figures["rung"]) == (2, 1.5, 1, 4)
    assert (await agent_today(db, "li.na", NOW + timedelta(days=1), ZONE))["rung"] == 0
