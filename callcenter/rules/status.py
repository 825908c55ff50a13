"""Status machines of service orders and complaints, with every legal transition.

Everything not listed is illegal and raises `IllegalTransition`, whose stable error id
("illegal-transition") the web layer returns as a 409.

Service order: registered → dispatched → on_site → completed → returned → closed, plus:
- registered/dispatched → cancelled: the customer withdraws or the request was a mistake,
  before a technician has done anything;
- on_site → dispatched: the fault could not be fixed on this visit (e.g. waiting for
  parts), so another visit is dispatched; the R7/R9 clocks are not restarted;
- completed → closed: an on-site repair where nothing was taken away, so there is no
  "returned" step (R14's "product returned" clock then starts at completion).
A closed or cancelled order is final. A fault that comes back after closing is a new order
(and, after a repair, a serious complaint under R20), never a reopened one: reopening
would rewrite R7/R9 history and the technician's figures (R19, 000 §22).

Complaint (R22 ledger statuses): pending → in_progress → resolved → closed, plus
resolved → in_progress when the R15 call-back finds the problem is back ("problems found
are handled again"). A closed complaint is final; a new problem is a new complaint.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from callcenter.errors import Conflict


class OrderStatus(StrEnum):
    """Life of a service order (repair, installation, maintenance)."""

    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    ON_SITE = "on_site"
    COMPLETED = "completed"
    RETURNED = "returned"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ComplaintStatus(StrEnum):
    """Ledger status of a complaint (R22)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


S = TypeVar("S", bound=StrEnum)


class IllegalTransition(Conflict):
    """A status change the machine of `kind` does not allow."""

    error_id = "illegal-transition"

    def __init__(self, kind: str, from_: StrEnum, to: StrEnum) -> None:
        super().__init__(
            f"a {kind} cannot go from {from_.value} to {to.value}",
            kind=kind,
            from_status=from_.value,
            to_status=to.value,
        )
        self.kind = kind
        self.from_ = from_
        self.to = to


@dataclass(frozen=True)
class StatusMachine(Generic[S]):
    """The legal transitions of one kind of record; `kind` names it in errors."""

    kind: str
    transitions: Mapping[S, frozenset[S]]

    def allowed(self, current: S) -> frozenset[S]:
        """Statuses reachable from `current` in one step."""
        return self.transitions.get(current, frozenset())

    def can(self, current: S, target: S) -> bool:
        """Whether `current` → `target` is legal."""
        return target in self.allowed(current)

    def is_final(self, status: S) -> bool:
        """Whether nothing can follow `status`."""
        return not self.allowed(status)

    def transition(self, current: S, target: S) -> S:
        """Return `target` if the move is legal, else raise `IllegalTransition`."""
        if not self.can(current, target):
            raise IllegalTransition(self.kind, current, target)
        return target

    def check(self, stored: str, target: S) -> S:
        """The stored status (a record's column value) as a status, once `target` is known to
        follow it legally; `IllegalTransition` otherwise.

        Records keep their status as text; this is where every change reads it back, so a
        status the machine does not know fails loudly instead of slipping past the check.
        """
        current = type(target)(stored)
        self.transition(current, target)
        return current


_O = OrderStatus
SERVICE_ORDER: StatusMachine[OrderStatus] = StatusMachine(
    kind="service order",
    transitions={
        _O.REGISTERED: frozenset({_O.DISPATCHED, _O.CANCELLED}),
        _O.DISPATCHED: frozenset({_O.ON_SITE, _O.CANCELLED}),
        _O.ON_SITE: frozenset({_O.COMPLETED, _O.DISPATCHED}),
        _O.COMPLETED: frozenset({_O.RETURNED, _O.CLOSED}),
        _O.RETURNED: frozenset({_O.CLOSED}),
        _O.CLOSED: frozenset(),
        _O.CANCELLED: frozenset(),
    },
)

_C = ComplaintStatus
COMPLAINT: StatusMachine[ComplaintStatus] = StatusMachine(
    kind="complaint",
    transitions={
        _C.PENDING: frozenset({_C.IN_PROGRESS}),
        _C.IN_PROGRESS: frozenset({_C.RESOLVED}),
        _C.RESOLVED: frozenset({_C.CLOSED, _C.IN_PROGRESS}),
        _C.CLOSED: frozenset(),
    },
)
