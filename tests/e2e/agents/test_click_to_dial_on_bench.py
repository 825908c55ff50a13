"""Click-to-dial on the real bench PBX (R4, R5): the agent's phone rings first, then the
customer's, and the call is in the call registry like any other — once, outbound, with the
agent who placed it and the customer, whose card then lists it among their last calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from callcenter.calls.call_records import Direction, ExitReason
from callcenter.calls.http import CALL_REGISTRY, CALL_TRACKER
from callcenter.calls.models import CallRow
from callcenter.customers.lookup import lookup
from callcenter.devtools.pbx.scenarios import set_agents
from callcenter.pipeline import AMI_LINK
from callcenter.web.keys import DATABASE
from tests.e2e.agents.support import FIRST, SECOND, Desk, interface, new_customer
from tests.e2e.conftest import Service, registered

pytestmark = pytest.mark.e2e

ANSWERS = "13800000001"  # bench customer: rings 1 s, answers, stays on the line
BUSY = "13800000004"  # bench customer: busy


async def test_click_to_dial_is_registered_once_as_an_outbound_call_of_the_customer(
        service: Service, desks: tuple[Desk, Desk], desk_dial: str) -> None:
    first, second = desks
    app = service.app
    started = datetime.now(UTC) - timedelta(seconds=1)
    # Each agent answers their own phone after 1 s and hangs up 4 s later.
    await set_agents(app[AMI_LINK], {FIRST: ("1", "4"), SECOND: ("1", "4")})
    customer = await new_customer(first, ANSWERS)

    talked = await first.call("POST", "/api/agent/dial", 202, json={"number": ANSWERS})
    refused = await second.call("POST", "/api/agent/dial", 202,
                                json={"number": BUSY, "customer_id": customer["id"]})
    assert talked["customer_id"] == customer["id"], "linked by the customer's number"
    assert talked["call_id"] == talked["leg_id"]
    assert (await first.wait_for("dial_result", leg_id=talked["leg_id"]))["result"] == \
        "answered"  # the agent's phone picked up; the customer is dialled next
    assert (await second.wait_for("dial_result", leg_id=refused["leg_id"]))["result"] == \
        "answered"

    calls = await registered(app, started, {talked["call_id"], refused["call_id"]})

    call = calls[talked["call_id"]]
    assert call.direction is Direction.OUTBOUND
    assert call.exit_reason is ExitReason.ANSWERED
    assert (call.answered_by_agent, call.answered_interface) == (f"desk{FIRST}",
                                                                 interface(FIRST))
    assert (call.caller_num_raw, call.caller_num_e164) == (ANSWERS, f"+86{ANSWERS}")
    assert call.customer_id == customer["id"]
    assert call.answered_at is not None
    assert call.talk_s is not None
    assert 1.5 <= call.talk_s <= 4.0  # the customer answered ~1 s into the agent's 4 s
    assert (call.queue, call.wait_s, call.within_rule, call.legs) == (None, None, None, ())

    busy = calls[refused["call_id"]]
    assert (busy.direction, busy.exit_reason) == (Direction.OUTBOUND, ExitReason.BUSY)
    assert (busy.answered_at, busy.talk_s) == (None, None)
    assert (busy.answered_by_agent, busy.customer_id) == (f"desk{SECOND}", customer["id"])

    async with app[DATABASE].sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(CallRow)
                                    .where(CallRow.call_id.in_(calls)))
        card = await lookup(session, f"+86{ANSWERS}", datetime.now(UTC))
    assert rows == 2, "each call registered exactly once"
    assert not [c for c in app[CALL_TRACKER].live_calls() if c.call_id in calls]
    assert await app[CALL_REGISTRY].write(list(calls.values())) == 0
    last: list[dict[str, Any]] = card["customers"][0]["last_calls"]
    assert talked["call_id"] in [c["call_id"] for c in last], "the card shows the call"
