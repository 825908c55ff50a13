"""The call tracker driven by PBX event sequences (R1 clocks, R4 one record per call)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.calls import sla
from callcenter.calls.call_records import Direction, ExitReason, LegEnd, Phase, VisitResult
from callcenter.events import ChannelSnapshot, PbxShuttingDown, PbxSnapshot
from tests.unit.calls.script import T0, Call, Dial, Harness, snapshot

pytestmark = pytest.mark.unit

SITE = sla.everywhere(sla.RingRule())  # the default rule: 3 rings of 5 s

A, B, C = "PJSIP/5001", "PJSIP/5002", "PJSIP/5003"


def test_answered_at_exactly_three_rings_is_within_the_rule() -> None:
    call = Call()
    h = Harness().feed(call.answered_by(A, join=2.0, rung=2.5, answer=17.0, end=77.0))
    rec = h.only()
    assert rec.exit_reason is ExitReason.ANSWERED
    assert rec.menu_s == 2.0
    assert rec.wait_s == 15.0  # R1: from the queue join, from PBX timestamps
    assert rec.caller_rings == 3
    assert rec.within_rule is True
    assert rec.answered_by_agent == "zhang.wei"
    assert rec.answered_interface == A
    assert rec.talk_s == 60.0
    assert rec.entered_at == datetime.fromtimestamp(T0, UTC)
    assert rec.ended_at == datetime.fromtimestamp(T0 + 77.01, UTC)
    assert rec.caller_num_raw == "13800138000"
    assert rec.caller_num_e164 == "+8613800138000"
    (leg,) = rec.legs
    assert (leg.answered, leg.missed, leg.ended_by, leg.ring_s, leg.rings) == (
        True, False, LegEnd.ANSWERED, 14.5, 3,
    )
    assert [v.result for v in rec.visits] == [VisitResult.ANSWERED]


def test_answered_after_four_rings_breaches() -> None:
    h = Harness().feed(Call().answered_by(A, join=2.0, rung=2.5, answer=17.1, end=40.0))
    rec = h.only()
    assert rec.wait_s == 15.1
    assert rec.caller_rings == 4
    assert rec.within_rule is False
    found = sla.breaches([rec], rule_for=SITE)
    assert [b.call.call_id for b in found] == [rec.call_id]


def test_second_agent_answers_after_first_rings_out() -> None:
    c = Call()
    h = Harness().feed(
        c.hotline(0), c.join(1),
        c.rung(1.5, A), c.ring_no_answer(16.5, A, 15000), c.dial_end(16.5, A, "NOANSWER"),
        c.rung(17.0, B), c.dial_end(19.0, B, "ANSWER"), c.leave(19.001), c.connect(19.002, B),
        c.complete(50, B), c.hangup(50.01),
    )
    rec = h.only()
    assert rec.wait_s == 18.0
    assert rec.caller_rings == 4
    assert rec.within_rule is False
    first, second = rec.legs
    assert (first.agent_id, first.ended_by, first.missed, first.rings) == (
        "zhang.wei", LegEnd.RANG_OUT, True, 3,
    )
    assert (second.agent_id, second.answered, second.missed, second.rings) == (
        "li.na", True, False, 1,
    )
    assert rec.answered_by_agent == "li.na"
    (breach,) = sla.breaches([rec], rule_for=SITE)
    assert [leg.agent_id for leg in breach.let_ring] == ["zhang.wei"]


def _ring_all(answer: float) -> Harness:
    c = Call()
    return Harness().feed(
        c.hotline(0), c.join(1), c.rung(1.0, A), c.rung(1.0, B), c.rung(1.0, C),
        c.dial_end(answer, B, "ANSWER"),
        c.dial_end(answer + 0.001, A, "CANCEL"), c.dial_end(answer + 0.001, C, "CANCEL"),
        c.leave(answer + 0.002), c.connect(answer + 0.003, B),
        c.hangup(answer + 30, c.agent_leg(A)),  # the cancelled phones' legs go away
        c.complete(answer + 60, B), c.hangup(answer + 60.01),
    )


def test_ring_all_colleagues_not_missed() -> None:
    rec = _ring_all(answer=6.0).only()
    assert rec.answered_by_agent == "li.na"
    assert rec.within_rule is True
    by_agent = {leg.agent_id: leg for leg in rec.legs}
    for colleague in ("zhang.wei", "wang.fang"):
        assert by_agent[colleague].ended_by is LegEnd.COLLEAGUE_ANSWERED
        assert by_agent[colleague].missed is False
        assert by_agent[colleague].ring_s == 5.001  # their phones stop just after the answer
    assert rec.talk_s == 60.0


def test_ring_all_colleagues_missed_when_the_answer_came_after_the_rule() -> None:
    rec = _ring_all(answer=18.0).only()  # every phone rang 17 s: 4 rings
    assert rec.within_rule is False
    missed = sorted(leg.agent_id or "" for leg in rec.legs if leg.missed)
    assert missed == ["wang.fang", "zhang.wei"]
    (breach,) = sla.breaches([rec], rule_for=SITE)
    assert sorted(leg.agent_id or "" for leg in breach.let_ring) == ["wang.fang", "zhang.wei"]


def test_caller_hangs_up_while_agent_rings() -> None:
    c = Call()
    h = Harness().feed(
        c.hotline(0), c.join(1, position=2), c.rung(2, A),
        c.dial_end(9.0, A, "CANCEL"), c.abandon(9.001, position=1), c.leave(9.002),
        c.hangup(9.003),
    )
    rec = h.only()
    assert rec.exit_reason is ExitReason.RINGING_HANGUP
    assert rec.abandon_position == 1
    assert rec.wait_s == 8.001
    assert rec.within_rule is False
    assert rec.answered_at is None
    (leg,) = rec.legs
    assert (leg.ended_by, leg.missed, leg.ring_s) == (LegEnd.CALLER_LEFT, False, 7.0)


def test_caller_hangs_up_in_queue_with_no_agent_ringing() -> None:
    c = Call()
    h = Harness().feed(c.hotline(0), c.join(3), c.abandon(7, position=4), c.hangup(7.002))
    rec = h.only()
    assert rec.exit_reason is ExitReason.QUEUE_HANGUP
    assert (rec.wait_s, rec.abandon_position, rec.legs) == (4.0, 4, ())


def test_queue_timeout() -> None:
    c = Call()
    h = Harness().feed(
        c.hotline(0), c.join(1), c.rung(2, A), c.ring_no_answer(17, A, 15000),
        c.abandon(61), c.leave(61.001), c.exited(61.002, "TIMEOUT"),
        c.hangup(90),  # voicemail afterwards
    )
    rec = h.only()
    assert rec.exit_reason is ExitReason.QUEUE_TIMEOUT
    assert rec.wait_s == 60.0
    assert rec.caller_rings == 12
    assert rec.within_rule is False
    assert rec.legs[0].missed is True


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("JOINEMPTY", ExitReason.QUEUE_EMPTY),
        ("JOINUNAVAIL", ExitReason.QUEUE_EMPTY),
        ("FULL", ExitReason.QUEUE_FULL),
    ],
)
def test_refused_at_the_queue_door_counts_as_offered(status: str, reason: ExitReason) -> None:
    c = Call()
    rec = Harness().feed(c.hotline(0), c.exited(4, status), c.hangup(20)).only()
    assert rec.exit_reason is reason
    assert rec.offered
    assert rec.wait_s == 0.0
    assert rec.within_rule is False
    assert rec.menu_s == 4.0


@pytest.mark.parametrize("status", ["LEAVEEMPTY", "LEAVEUNAVAIL"])
def test_queue_emptied_while_waiting(status: str) -> None:
    c = Call()
    rec = Harness().feed(
        c.hotline(0), c.join(1), c.abandon(30), c.exited(30.01, status), c.hangup(31)
    ).only()
    assert rec.exit_reason is ExitReason.QUEUE_EMPTY
    assert rec.wait_s == 29.0


@pytest.mark.parametrize("status", ["WITHDRAW", "CONTINUE"])
def test_left_the_queue_to_go_elsewhere_is_forwarded(status: str) -> None:
    c = Call()
    rec = Harness().feed(
        c.hotline(0), c.join(1), c.abandon(10), c.exited(10.01, status), c.hangup(70)
    ).only()
    assert rec.exit_reason is ExitReason.FORWARDED


def test_queue_exit_without_a_status_leaves_the_hang_up_to_decide() -> None:
    c = Call()
    rec = Harness().feed(
        c.hotline(0), c.join(1), c.abandon(6), c.exited(6.001, ""), c.hangup(6.002)
    ).only()
    assert rec.exit_reason is ExitReason.QUEUE_HANGUP


def test_abandon_without_queue_status_then_a_late_hangup_is_forwarded() -> None:
    c = Call()
    rec = Harness().feed(c.hotline(0), c.join(1), c.abandon(20), c.hangup(45)).only()
    assert rec.exit_reason is ExitReason.FORWARDED


def test_caller_hangs_up_in_the_menu() -> None:
    c = Call()
    rec = Harness().feed(c.hotline(0), c.hangup(12.5)).only()
    assert rec.exit_reason is ExitReason.MENU_HANGUP
    assert not rec.offered
    assert rec.within_rule is None
    assert rec.wait_s is None
    assert rec.menu_s == 12.5
    assert rec.queue == "hotline"


def test_call_through_two_queues_is_measured_from_the_first() -> None:
    c = Call()
    rec = Harness().feed(
        c.hotline(0), c.join(2), c.abandon(12), c.exited(12.01, "TIMEOUT"),
        c.join(13, queue="repairs"), c.rung(13.5, A, queue="repairs"),
        c.dial_end(16, A, "ANSWER"), c.leave(16.001, queue="repairs"), c.connect(16.002, A),
        c.hangup(60),
    ).only()
    assert rec.queue == "hotline"
    assert rec.wait_s == 14.0
    assert rec.caller_rings == 3
    assert rec.within_rule is True
    assert [(v.queue, v.result) for v in rec.visits] == [
        ("hotline", VisitResult.TIMEOUT), ("repairs", VisitResult.ANSWERED),
    ]
    assert rec.legs[0].queue == "repairs"
    assert rec.legs[0].visit_seq == 2


def test_two_calls_at_once() -> None:
    one, two = Call("1790000000.1", "13800138000"), Call("1790000000.2", "62345678")
    h = Harness()
    for a, b in zip(
        one.answered_by(A, join=1, rung=1.5, answer=5, end=30),
        two.answered_by(B, join=1.2, rung=1.6, answer=20, end=40),
        strict=True,
    ):
        h.feed(a, b)
    by_id = {rec.call_id: rec for rec in h.finished}
    assert set(by_id) == {one.call, two.call}
    assert by_id[one.call].within_rule is True
    assert by_id[one.call].answered_by_agent == "zhang.wei"
    assert by_id[two.call].within_rule is False
    assert by_id[two.call].answered_by_agent == "li.na"
    assert by_id[two.call].caller_num_e164 == "+861062345678"  # local number, site area code


def test_duplicate_events_around_resync_write_once() -> None:
    c = Call()
    events = c.answered_by(A, join=1, rung=1.5, answer=6, end=30)
    h = Harness().feed(events[:4])
    h.tracker.on_link_lost(T0 + 6.5)
    h.tracker.on_snapshot(snapshot(7, c))
    h.feed(events[:4], events[4:])  # the adapter replays what it saw before the loss
    h.feed(events)  # and a whole transcript again, after the call ended
    rec = h.only()
    assert rec.interrupted is False
    assert rec.within_rule is True
    assert len(rec.legs) == 1
    assert rec.wait_s == 5.0


def test_call_missing_from_snapshot_is_interrupted() -> None:
    c, other = Call(), Call("1790000000.2")
    h = Harness().feed(c.hotline(0), c.join(1), c.rung(2, A), other.hotline(3))
    h.tracker.on_link_lost(T0 + 5)
    assert all(live.in_doubt for live in h.tracker.live_calls())
    h.tracker.on_snapshot(snapshot(9, other))
    rec = h.only()
    assert rec.interrupted
    assert rec.exit_reason is ExitReason.INTERRUPTED
    assert rec.ended_at == datetime.fromtimestamp(T0 + 5, UTC)
    assert rec.within_rule is None
    assert rec.legs[0].ended_by is LegEnd.INTERRUPTED
    assert [live.call_id for live in h.tracker.live_calls()] == [other.call]
    assert h.tracker.live_calls()[0].in_doubt is False
    level = sla.service_level(h.finished, rule_for=SITE, short_abandon_s=5.0)
    assert (level.interrupted, level.offered) == (1, 0)


def test_call_still_on_the_pbx_after_a_reconnect_continues() -> None:
    c = Call()
    events = c.answered_by(A, join=1, rung=1.5, answer=6, end=30)
    h = Harness().feed(events[:3])
    h.tracker.on_link_lost(T0 + 3)
    h.tracker.on_snapshot(snapshot(4, c))
    h.feed(events[3:])
    assert h.only().interrupted is False
    assert h.only().within_rule is True


def test_call_whose_caller_leg_is_gone_after_a_reconnect_is_interrupted() -> None:
    c = Call()
    h = Harness().feed(c.answered_by(A, join=1, rung=1.5, answer=6, end=30)[:6])
    h.tracker.on_link_lost(T0 + 10)
    agent_only = ChannelSnapshot(c.call, c.agent_leg(A), "PJSIP/5001-0002", "Up")
    h.tracker.on_snapshot(PbxSnapshot(T0 + 12, (), (agent_only,)))
    rec = h.only()
    assert rec.interrupted
    assert rec.exit_reason is ExitReason.ANSWERED
    assert rec.talk_s == 4.0


def test_answered_call_cut_off_by_pbx_shutdown_is_interrupted_but_stays_answered() -> None:
    c = Call()
    h = Harness().feed(c.answered_by(A, join=1, rung=1.5, answer=6, end=30)[:6])
    h.tracker.on_event(PbxShuttingDown(T0 + 20, restart=True))
    rec = h.only()
    assert rec.interrupted
    assert rec.exit_reason is ExitReason.ANSWERED
    assert rec.talk_s == 14.0
    assert len(h.tracker) == 0


def test_a_reload_snapshot_without_the_call_ends_it_even_with_a_skewed_clock() -> None:
    c = Call()
    h = Harness().feed(c.hotline(0), c.join(1))
    h.tracker.on_snapshot(snapshot(-30))  # the service's clock is behind the PBX's
    rec = h.only()
    assert rec.interrupted
    assert rec.ended_at == datetime.fromtimestamp(T0 + 1, UTC)


def test_queue_join_without_hotline_entry_starts_the_call() -> None:
    c = Call()
    rec = Harness().feed(c.answered_by(A, join=5, rung=5.5, answer=8, end=20)[1:]).only()
    assert rec.menu_s is None
    assert rec.entered_at == rec.queued_at
    assert rec.wait_s == 3.0


def test_agent_rejecting_the_call_is_a_miss_and_pickup_then_drop_is_a_miss() -> None:
    c = Call()
    rec = Harness().feed(
        c.hotline(0), c.join(1), c.rung(1, A), c.dial_end(2, A, "BUSY"),
        c.rung(3, B), c.dial_end(5, B, "ANSWER"), c.dump(5.5, B),
        c.rung(8, C), c.dial_end(10, C, "ANSWER"), c.leave(10.001), c.connect(10.002, C),
        c.hangup(30),
    ).only()
    ends = [(leg.ended_by, leg.missed) for leg in rec.legs]
    assert ends == [(LegEnd.REJECTED, True), (LegEnd.DUMPED, True), (LegEnd.ANSWERED, False)]
    assert rec.answered_by_agent == "wang.fang"
    assert rec.wait_s == 9.0


def test_live_calls_follow_the_phase_and_report_the_end() -> None:
    c = Call()
    h = Harness()
    phases = []
    for event in c.answered_by(A, join=1, rung=1.5, answer=6, end=30):
        h.feed(event)
        live = h.tracker.live_call(c.call)
        phases.append(live.phase if live else None)
    assert phases == [
        Phase.MENU, Phase.WAITING, Phase.RINGING, Phase.RINGING, Phase.RINGING,
        Phase.TALKING, Phase.AFTER_QUEUE, None,
    ]
    assert h.changes[-1].phase is Phase.ENDED
    assert h.changes[-1].call_id == c.call
    assert h.changes[2].ringing == (A,)


def test_the_tracker_wants_every_event_it_handles() -> None:
    from callcenter.events import (
        AgentAnswered,
        DeskDialed,
        DialEnded,
        HotlineEntered,
        LegHungUp,
    )

    wants = Harness().tracker.wants
    assert {HotlineEntered, DeskDialed, AgentAnswered, DialEnded, LegHungUp,
            PbxShuttingDown} <= wants


def test_click_to_dial_is_registered_as_an_outbound_call_of_its_agent_and_customer() -> None:
    rec = Harness().feed(Dial().talked(answer=4.0, end=34.0)).only()
    assert rec.direction is Direction.OUTBOUND
    assert rec.call_id == "dial-0001"
    assert (rec.caller_num_raw, rec.caller_num_e164) == ("13800138000", "+8613800138000")
    assert rec.customer_id == 7
    assert (rec.answered_by_agent, rec.answered_interface) == ("zhang.wei", "PJSIP/5001")
    assert rec.exit_reason is ExitReason.ANSWERED
    assert rec.entered_at == datetime.fromtimestamp(T0 + 1.001, UTC)
    assert rec.answered_at == datetime.fromtimestamp(T0 + 4.0, UTC)
    assert rec.talk_s == 30.01  # to the agent's hang-up, the end of the call
    assert (rec.queue, rec.wait_s, rec.caller_rings, rec.within_rule) == (None,) * 4
    assert (rec.visits, rec.legs, rec.interrupted) == ((), (), False)


def test_outbound_calls_are_not_offered_to_the_three_ring_rule() -> None:
    h = Harness().feed(Dial().talked(answer=4, end=10),
                       Call().answered_by(A, join=1, rung=1.5, answer=6, end=30))
    level = sla.service_level(h.finished, rule_for=SITE, short_abandon_s=5.0)
    assert (level.listed, level.offered, level.answered_within) == (2, 1, 1)
    assert sla.breaches(h.finished, rule_for=SITE) == []


@pytest.mark.parametrize(("status", "reason"), [
    ("NOANSWER", ExitReason.NO_ANSWER), ("BUSY", ExitReason.BUSY),
    ("CONGESTION", ExitReason.UNREACHABLE), ("CHANUNAVAIL", ExitReason.UNREACHABLE),
    ("CANCEL", ExitReason.CANCELLED),
])
def test_a_customer_who_does_not_answer_ends_the_call_with_why(
        status: str, reason: ExitReason) -> None:
    d = Dial(customer_id=None)
    rec = Harness().feed(d.agent_answered(1), d.desk_dial(1.001),
                         d.customer_dial_end(20, status), d.hangup(21)).only()
    assert rec.exit_reason is reason
    assert (rec.answered_at, rec.talk_s, rec.customer_id) == (None, None, None)
    assert rec.answered_by_agent == "zhang.wei"


def test_a_click_to_dial_announced_twice_is_registered_once() -> None:
    d = Dial()
    events = d.talked(answer=4, end=10)
    h = Harness().feed(events[:2], events[1], events[2:])
    h.feed(events)  # a whole transcript again after the call ended
    assert h.only().talk_s == 6.01


def test_a_click_to_dial_gone_after_a_reconnect_is_interrupted() -> None:
    d, ringing = Dial(), Dial("dial-0002", customer_id=None)
    h = Harness().feed(d.talked(answer=4, end=30)[:3], ringing.desk_dial(5))
    h.tracker.on_link_lost(T0 + 8)
    h.tracker.on_snapshot(snapshot(9))
    by_id = {rec.call_id: rec for rec in h.finished}
    assert (by_id[d.call].interrupted, by_id[d.call].exit_reason) == (True, ExitReason.ANSWERED)
    assert by_id[d.call].talk_s == 4.0
    assert by_id[ringing.call].exit_reason is ExitReason.INTERRUPTED


def test_live_click_to_dial_goes_from_dialing_to_talking() -> None:
    d = Dial()
    h = Harness()
    phases = []
    for event in d.talked(answer=4, end=30):
        h.feed(event)
        live = h.tracker.live_call(d.call)
        phases.append(live.phase if live else None)
    assert phases == [None, Phase.DIALING, Phase.TALKING, Phase.TALKING, None]
    assert h.changes[1].direction is Direction.OUTBOUND
    assert h.changes[1].answered_interface == "PJSIP/5001"
    assert h.changes[-1].phase is Phase.ENDED
