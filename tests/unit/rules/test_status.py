"""Every pair of statuses, legal or not, for service orders and complaints."""

from __future__ import annotations

from itertools import product

import pytest

from callcenter.errors import Conflict
from callcenter.rules.status import (
    COMPLAINT,
    SERVICE_ORDER,
    ComplaintStatus,
    IllegalTransition,
    OrderStatus,
)

pytestmark = pytest.mark.unit

Ord = OrderStatus
Cpl = ComplaintStatus

LEGAL_ORDER_MOVES = {
    (Ord.REGISTERED, Ord.DISPATCHED),
    (Ord.REGISTERED, Ord.CANCELLED),
    (Ord.DISPATCHED, Ord.ON_SITE),
    (Ord.DISPATCHED, Ord.CANCELLED),
    (Ord.ON_SITE, Ord.COMPLETED),
    (Ord.ON_SITE, Ord.DISPATCHED),  # another visit, e.g. waiting for parts
    (Ord.COMPLETED, Ord.RETURNED),
    (Ord.COMPLETED, Ord.CLOSED),  # repaired on site, nothing to hand back
    (Ord.RETURNED, Ord.CLOSED),
}

LEGAL_COMPLAINT_MOVES = {
    (Cpl.PENDING, Cpl.IN_PROGRESS),
    (Cpl.IN_PROGRESS, Cpl.RESOLVED),
    (Cpl.RESOLVED, Cpl.CLOSED),
    (Cpl.RESOLVED, Cpl.IN_PROGRESS),  # R15 call-back found the problem again
}


@pytest.mark.parametrize(("current", "target"), list(product(OrderStatus, OrderStatus)))
def test_service_order_transition_matrix(current: OrderStatus, target: OrderStatus) -> None:
    if (current, target) in LEGAL_ORDER_MOVES:
        assert SERVICE_ORDER.can(current, target)
        assert SERVICE_ORDER.transition(current, target) is target
    else:
        assert not SERVICE_ORDER.can(current, target)
        with pytest.raises(IllegalTransition) as caught:
            SERVICE_ORDER.transition(current, target)
        assert caught.value.kind == "service order"
        assert caught.value.from_ is current
        assert caught.value.to is target


@pytest.mark.parametrize(("current", "target"), list(product(ComplaintStatus, ComplaintStatus)))
def test_complaint_transition_matrix(current: ComplaintStatus, target: ComplaintStatus) -> None:
    if (current, target) in LEGAL_COMPLAINT_MOVES:
        assert COMPLAINT.can(current, target)
        assert COMPLAINT.transition(current, target) is target
    else:
        assert not COMPLAINT.can(current, target)
        with pytest.raises(IllegalTransition):
            COMPLAINT.transition(current, target)


def test_only_closed_and_cancelled_orders_are_final() -> None:
    assert {status for status in OrderStatus if SERVICE_ORDER.is_final(status)} == {
        Ord.CLOSED,
        Ord.CANCELLED,
    }
    assert {status for status in ComplaintStatus if COMPLAINT.is_final(status)} == {Cpl.CLOSED}


def test_illegal_transition_carries_a_stable_error_id_and_details() -> None:
    with pytest.raises(IllegalTransition) as caught:
        COMPLAINT.transition(Cpl.CLOSED, Cpl.IN_PROGRESS)
    error = caught.value
    assert isinstance(error, Conflict)
    assert error.error_id == "illegal-transition"
    assert error.status == 409
    assert error.message == "a complaint cannot go from closed to in_progress"
    assert error.details == {
        "kind": "complaint",
        "from_status": "closed",
        "to_status": "in_progress",
    }


def test_the_main_order_path_runs_end_to_end() -> None:
    path = [Ord.REGISTERED, Ord.DISPATCHED, Ord.ON_SITE, Ord.COMPLETED, Ord.RETURNED, Ord.CLOSED]
    status = path[0]
    for target in path[1:]:
        status = SERVICE_ORDER.transition(status, target)
    assert status is Ord.CLOSED


def test_check_reads_a_stored_status_back_and_refuses_an_illegal_move() -> None:
    assert SERVICE_ORDER.check("on_site", Ord.COMPLETED) is Ord.ON_SITE
    assert COMPLAINT.check("resolved", Cpl.IN_PROGRESS) is Cpl.RESOLVED
    with pytest.raises(IllegalTransition) as caught:
        SERVICE_ORDER.check("closed", Ord.DISPATCHED)
    assert caught.value.from_ is Ord.CLOSED


def test_check_refuses_a_stored_status_the_machine_does_not_know() -> None:
    with pytest.raises(ValueError, match="archived"):
        COMPLAINT.check("archived", Cpl.CLOSED)
