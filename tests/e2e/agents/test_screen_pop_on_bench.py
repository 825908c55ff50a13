"""Screen-pops on the real bench PBX (R5, R3, R27): a call into the queue pops on the rung
agent's websocket before the agent answers, with the customer's card and the queue's
greeting; a caller hanging up while it rings withdraws the pop; a colleague sees nothing.

Uses only the spare bench agents 1202-1203 in queue bench-dynamic, logged in and out through
the service itself.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from callcenter.audit.models import AuditRow
from callcenter.devtools.pbx.scenarios import Caller, set_agents
from callcenter.pipeline import AMI_LINK
from callcenter.web.keys import DATABASE
from tests.e2e.agents.support import (
    FIRST,
    GREETING,
    QUEUE,
    SECOND,
    Desk,
    go_available,
    new_customer,
)
from tests.e2e.conftest import Service

pytestmark = pytest.mark.e2e

RUNG, OTHER = FIRST, SECOND


async def test_ring_pops_card_before_answer_and_colleague_sees_nothing(
        service: Service, desks: tuple[Desk, Desk]) -> None:
    rung, other = desks
    link = service.app[AMI_LINK]
    number = "13900000021"
    customer = await new_customer(rung, number)
    await set_agents(link, {RUNG: ("3", "2")})
    await go_available(rung, RUNG)

    link.send_originate(Caller(number, QUEUE, name="Chen").originate_headers(
        f"e2e-pop-{uuid.uuid4().hex[:12]}"))

    pop = (await rung.wait_for("pop"))["pop"]
    answered = await rung.wait_for("pop_answered", pop_id=pop["pop_id"])
    kinds = [f["type"] for _, f in rung.frames]
    assert kinds.index("pop") < kinds.index("pop_answered"), "pop must come before the answer"
    assert answered["seq"] > 0
    assert pop["caller_number"] == number
    assert pop["greeting"] == GREETING
    assert pop["queue"] == QUEUE
    card = pop["card"]
    assert card["match"] == "unique"
    shown = card["customers"][0]
    assert (shown["id"], shown["name"], shown["vip"], shown["language"]) == (
        customer["id"], "陈美玲", True, "yue")
    assert [p["serial"] for p in shown["products"]] == ["SN-E2E-1"]
    assert shown["products"][0]["warranty_end"].startswith("2027-06-30")
    assert [c["number"] for c in shown["open_complaints"]] == [customer["complaint"]]
    assert "case" in shown["open_complaints"][0]["deadlines"]

    wrapup = await rung.wait_for("wrapup", timeout_s=10)
    assert wrapup["wrapup"]["call_id"] == pop["call_id"]
    await rung.wait_for("presence", presence__state="wrap_up")
    seqs = [f["seq"] for _, f in rung.frames]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), "deltas are numbered in order"

    await asyncio.sleep(0.5)
    assert [f["type"] for _, f in other.frames] == ["snapshot"]

    async def audited() -> list[AuditRow]:
        async with service.app[DATABASE].sessions() as session:
            return list((await session.scalars(select(AuditRow).where(
                AuditRow.entity == "customer", AuditRow.entity_id == str(customer["id"]),
                AuditRow.username == f"desk{RUNG}", AuditRow.action == "read"))).all())

    for _ in range(50):
        rows = [r for r in await audited() if r.detail.get("via") == "screen-pop"]
        if rows:
            break
        await asyncio.sleep(0.1)
    assert len(rows) == 1
    assert rows[0].detail["call_id"] == pop["call_id"]


async def test_caller_hanging_up_while_it_rings_withdraws_the_pop(
        service: Service, desks: tuple[Desk, Desk]) -> None:
    rung, other = desks
    link = service.app[AMI_LINK]
    await set_agents(link, {RUNG: ("never", "2")})
    await go_available(rung, RUNG)

    link.send_originate(Caller("13900000022", QUEUE, patience_s=3).originate_headers(
        f"e2e-pop-{uuid.uuid4().hex[:12]}"))

    pop = (await rung.wait_for("pop"))["pop"]
    assert pop["card"]["match"] == "none"
    assert pop["card"]["new_customer"] == {"phone": "+8613900000022"}
    withdrawn = await rung.wait_for("pop_withdrawn", pop_id=pop["pop_id"], timeout_s=10)
    assert withdrawn["reason"] == "caller_left"
    assert not rung.of_type("pop_answered")
    assert len(rung.of_type("pop")) == 1
    assert [f["type"] for _, f in other.frames] == ["snapshot"]

    await rung.ws.close() if rung.ws else None  # a reconnecting page: no withdrawn pop
    rung.frames.clear()
    await rung.connect()
    snapshot = await rung.wait_for("snapshot")
    assert snapshot["pops"] == []

