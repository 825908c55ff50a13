"""Real calls on the bench PBX, placed with AMI Originate, end up in the call registry with
the figures their scenario implies (R1, R4). The scenarios run side by side."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.calls.call_records import ExitReason
from callcenter.calls.http import CALL_REGISTRY, CALL_TRACKER
from callcenter.devtools.pbx import scenarios
from callcenter.devtools.pbx.scenarios import Caller, Scenario
from callcenter.pipeline import AMI_LINK
from tests.e2e.conftest import Service, registered

pytestmark = pytest.mark.e2e

SEVEN_SECOND_RING = Scenario(
    "agent_rings_7_s",
    {"1031": ("7", "2"), "1032": ("7", "2")},
    (Caller("13900000011", "bench-q3"),),
    duration_s=11,
)


async def test_bench_calls_are_registered_with_their_rings_and_breaches(
    service: Service,
) -> None:
    app = service.app
    started = datetime.now(UTC) - timedelta(seconds=1)
    chosen = [
        SEVEN_SECOND_RING,
        scenarios.SCENARIOS["answered_after_4_rings"],
        scenarios.SCENARIOS["ringall_one_of_three_answers"],
        scenarios.SCENARIOS["caller_hangs_up_while_agent_rings"],
        scenarios.SCENARIOS["queue_timeout"],
    ]
    await scenarios.run(app[AMI_LINK], chosen)
    expected = {c.number for s in chosen for c in s.callers}
    calls = await registered(app, started, expected, key=lambda call: call.caller_num_raw)
    registry = app[CALL_REGISTRY]

    seven = calls["13900000011"]  # an agent who rings 7 s: 2 rings, within the rule
    assert seven.exit_reason is ExitReason.ANSWERED
    assert seven.wait_s == pytest.approx(7.0, abs=0.6)
    assert seven.caller_rings == 2
    assert seven.within_rule is True
    assert seven.answered_by_agent in ("agent1031", "agent1032")
    assert seven.caller_num_e164 == "+8613900000011"

    waited = calls["13900000003"]  # the only agent busy for ~16 s: 4 rings, a breach
    assert 15.0 < (waited.wait_s or 0) <= 20.0
    assert waited.caller_rings == 4
    assert waited.within_rule is False

    ringall = calls["13900000005"]
    assert ringall.answered_by_agent == "agent1092"
    assert not any(leg.missed for leg in ringall.legs)

    assert calls["13900000006"].exit_reason is ExitReason.RINGING_HANGUP
    assert calls["13900000008"].exit_reason is ExitReason.QUEUE_TIMEOUT

    breaching = {b.call.caller_num_raw for b in await registry.breaches(
        started, datetime.now(UTC) + timedelta(minutes=1))}
    assert "13900000003" in breaching
    assert "13900000011" not in breaching
    assert not [c for c in app[CALL_TRACKER].live_calls() if c.caller_num in expected]

    again = await registry.write(list(calls.values()))
    assert again == 0, "a call already registered is never written twice"
