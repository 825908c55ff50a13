"""R6 transfer on the real bench PBX: a caller agent A cannot help in their language is
handed to colleague B who speaks it. The pop follows the call to B's screen with the same
customer and A's note; the call leaves A's screen for A's wrap-up as soon as A's phone is out
of it, and the registry keeps one call answered by both."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from callcenter.devtools.pbx.scenarios import Caller, set_agents
from callcenter.pipeline import AMI_LINK
from tests.e2e.agents.support import (
    FIRST,
    QUEUE,
    SECOND,
    Desk,
    go_available,
    interface,
    new_customer,
)
from tests.e2e.conftest import Service, registered

pytestmark = pytest.mark.e2e

SPEAKS_CANTONESE, MANDARIN_ONLY = FIRST, SECOND


def _at(desk: Desk, kind: str, **match: str) -> float:
    """When the desk received its first frame of `kind` with these top-level values."""
    return next(t for t, f in desk.frames
                if f["type"] == kind and all(f.get(k) == v for k, v in match.items()))


async def test_transfer_moves_the_call_and_its_pop_to_the_colleague(
        service: Service, desks: tuple[Desk, Desk]) -> None:
    b, a = desks  # b speaks Cantonese (yue), a only Mandarin
    app = service.app
    started = datetime.now(UTC) - timedelta(seconds=1)
    number = "13900000031"
    customer = await new_customer(a, number)  # a Cantonese speaker
    # Both answer after 1 s; a would talk 12 s, b hangs up 3 s after answering.
    await set_agents(app[AMI_LINK], {MANDARIN_ONLY: ("1", "12"), SPEAKS_CANTONESE: ("1", "3")})
    await go_available(a, MANDARIN_ONLY)
    app[AMI_LINK].send_originate(Caller(number, QUEUE, patience_s=20).originate_headers(
        f"e2e-transfer-{uuid.uuid4().hex[:12]}"))

    first = (await a.wait_for("pop"))["pop"]
    call_id = first["call_id"]
    await a.wait_for("pop_answered", pop_id=first["pop_id"])
    await go_available(b, SPEAKS_CANTONESE)
    colleague = next(c for c in (await a.call("GET", "/api/agent/desk", 200))["colleagues"]
                     if c["id"] == f"desk{SPEAKS_CANTONESE}")
    assert (colleague["languages"], colleague["state"]) == (["zh", "yue"], "available")
    sent = await a.call("POST", "/api/agent/transfer", 202, json={
        "call_id": call_id, "to_agent": f"desk{SPEAKS_CANTONESE}", "note": "粤语"})
    assert (sent["queue"], sent["others_free"]) == (QUEUE, 0)  # only b can be rung

    second = (await b.wait_for("pop", timeout_s=10))["pop"]
    assert second["call_id"] == call_id
    assert second["interface"] == interface(SPEAKS_CANTONESE)
    assert second["card"]["customers"][0]["id"] == customer["id"]
    assert second["transfer"] == {"from_agent": f"desk{MANDARIN_ONLY}", "note": "粤语",
                                  "languages": ["zh", "yue"]}
    await b.wait_for("pop_answered", pop_id=second["pop_id"])

    # The call left a's phone: a's pop ended into a's wrap-up while b was still ringing.
    wrapup = await a.wait_for("wrapup", timeout_s=5)
    assert wrapup["wrapup"]["call_id"] == call_id
    assert _at(a, "wrapup") < _at(b, "pop_answered", pop_id=second["pop_id"])
    assert not a.of_type("pop_withdrawn")
    assert len(a.of_type("pop")) == 1
    desk = await a.call("GET", "/api/agent/desk", 200)
    assert desk["pops"] == []
    assert [w["call_id"] for w in desk["wrapups"]] == [call_id]
    assert [f["type"] for _, f in b.frames].count("pop") == 1
    await a.call("POST", "/api/agent/wrapup", 201, json={
        "call_id": call_id, "classification": "consultation", "customer_id": customer["id"],
        "note": "转粤语坐席"})
    await a.wait_for("wrapup_end", call_id=call_id)
    await a.wait_for("presence", presence__state="available")

    call = (await registered(app, started, {call_id}))[call_id]
    assert [(leg.agent_id, leg.answered, leg.missed) for leg in call.legs] == [
        (f"desk{MANDARIN_ONLY}", True, False), (f"desk{SPEAKS_CANTONESE}", True, False)]
    assert call.answered_by_agent == f"desk{MANDARIN_ONLY}"
