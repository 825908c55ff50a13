"""The dialer API's requests and replies, each declared once: from these come the
validation, the JSON (the replies and the hub's `dialer.*` messages) and
`/api/openapi.json` (R13-R20, R28).

Query parameters keep the URL habits of the job list: an empty parameter (`?kind=`) means
no filter, and `at_risk` is spelt `true` or `false`, never guessed from `1` or `yes`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic.config import JsonDict

from callcenter.web.api import Body, Instant, Query, Reply, Time, blank_is_absent, in_url, one_of
from callcenter.web.inputs import MAX_ID
from dialer.kinds import FlowOutcome, JobKind, JobMode, JobState, Outcome
from dialer.models import DialerAttemptRow, DialerJobRow

NOTE_LIMIT = 2000


def _true_or_false(value: Any) -> Any:
    """Only `true` and `false`: a `1` or a `yes` is refused rather than guessed."""
    if value is None or isinstance(value, bool):
        return value
    if value == "":
        return None
    if value in ("true", "false"):
        return value == "true"
    raise ValueError("must be true or false")


def _plausible(value: datetime) -> datetime:
    """Calling windows are counted day by day from it: a year 9999 would overflow."""
    if not 1970 <= value.astimezone(UTC).year <= 9000:
        raise ValueError("is out of range")
    return value


When = Annotated[Instant, AfterValidator(_plausible)]
"""An instant a supervisor gives (with its offset), within the years anyone calls in."""

Note = Annotated[str, Field(max_length=NOTE_LIMIT)]
_INSTANT: JsonDict = {"type": "string", "format": "date-time"}


# -- requests ------------------------------------------------------------------------------



class JobFilter(Query):
    """The job list's filters; each one given narrows the list."""

    kind: Annotated[JobKind | None, BeforeValidator(blank_is_absent), one_of(JobKind)] = None
    state: Annotated[JobState | None, BeforeValidator(blank_is_absent),
                     one_of(JobState)] = None
    mode: Annotated[JobMode | None, BeforeValidator(blank_is_absent), one_of(JobMode)] = None
    at_risk: Annotated[bool | None, BeforeValidator(_true_or_false),
                       in_url({"type": "boolean"})] = None
    customer_id: int = Field(0, ge=0, le=MAX_ID, description="0: every customer")
    limit: int = Field(100, ge=1, le=500)


class PreviewQuery(Query):
    limit: int = Field(50, ge=1, le=200)


class Period(Query):
    """R19 figures of [since, until); either bound left out is the current month's."""

    since: Annotated[When | None, BeforeValidator(blank_is_absent), in_url(_INSTANT)] = None
    until: Annotated[When | None, BeforeValidator(blank_is_absent), in_url(_INSTANT)] = None


class Reschedule(Body):
    """Where the job's next attempt moves: an auto job to the first calling window from
    `at`, a preview job opens at `at`."""

    at: When


class CancelNote(Body):
    note: Note = ""


class PreviewReport(Body):
    """How the agent's call of a taken preview job went."""

    reached: bool
    note: Note = ""


# -- replies -------------------------------------------------------------------------------

def _no_answers(value: Any) -> Any:
    return {} if value is None else value


class DialerAttempt(Reply):
    """One dial of a job: what the network said and what the customer keyed."""

    number: int
    channel_id: str
    worker: str
    claimed_at: Time
    dialled_at: Time | None
    answered_at: Time | None
    ended_at: Time | None
    outcome: Outcome | None
    originate_reason: int | None
    hangup_cause: int | None
    flow_outcome: FlowOutcome | None
    answers: Annotated[dict[str, int], BeforeValidator(_no_answers)]
    agent: str | None


class DialerJob(Reply):
    """One follow-up call to make, with its deadline and state (it names a customer and
    their number: reading one is an audited record view, R27)."""

    id: int
    kind: JobKind
    mode: JobMode
    state: JobState
    result: str | None
    customer_id: int
    order_id: int | None
    complaint_id: int | None
    product_id: int | None
    contract_id: int | None
    technician: str | None
    phone: str | None
    opens_at: Time
    due_at: Time
    next_attempt_at: Time | None
    attempts: int
    max_attempts: int
    at_risk: bool
    taken_by: str | None
    note: str
    created_at: Time
    finished_at: Time | None
    written_back_at: Time | None

    def hub_message(self) -> dict[str, Any]:  # a hub message is any JSON object
        """The wallboard's `dialer.job` message: the job as the API shows it."""
        return {"type": "dialer.job", **self.model_dump(mode="json")}


class DialerJobDetail(DialerJob):
    """A job with every attempt made so far."""

    attempts_made: list[DialerAttempt]

    @classmethod
    def of(cls, job: DialerJobRow, attempts: list[DialerAttemptRow]) -> DialerJobDetail:
        return cls(**dict(DialerJob.model_validate(job)),
                   attempts_made=[DialerAttempt.model_validate(a) for a in attempts])


class DialRequest(Reply):
    number: str | None
    customer_id: int


class ClickToDial(Reply):
    """The agent desk's request that dials the job (`POST /api/agent/dial`)."""

    path: str = "/api/agent/dial"
    body: DialRequest


class TakenJob(DialerJob):
    """A preview job now the agent's for an hour, with the request that dials it."""

    dial: ClickToDial

    @classmethod
    def of(cls, job: DialerJob) -> TakenJob:
        return cls(**dict(job), dial=ClickToDial(
            body=DialRequest(number=job.phone, customer_id=job.customer_id)))


class DialerJobList(Reply):
    jobs: list[DialerJob]


class Paused(Reply):
    paused: bool


class DialerCaps(Reply):
    """Per service instance: calls at once, per kind, and originates a second."""

    max_calls: int
    kind_caps: dict[str, int]
    originates_per_s: float


class DialerStatus(Reply):
    worker: str
    paused: bool
    pbx_connected: bool
    in_flight: int
    in_flight_by_kind: dict[str, int]
    caps: DialerCaps


class ItemRate(Reply):
    """R19 for one survey item: completed surveys rating it 3 or 4, of those completed."""

    satisfied: int
    counted: int
    rate: float | None


class SatisfactionRate(Reply):
    """R19: completed surveys with every item 3 or 4 over completed ones (null: none yet);
    partial surveys beside it; customers who complained before the survey left out."""

    rate: float | None
    satisfied: int
    completed: int
    partial: int
    excluded: int
    meets_target: bool | None
    per_item: dict[str, ItemRate]


class SatisfactionFigures(Reply):
    since: datetime  # the period's bounds in the site's zone, as the manager chose them
    until: datetime
    overall: SatisfactionRate
    technicians: dict[str, SatisfactionRate]


class TechnicianFigures(SatisfactionRate):
    """One technician's month, as the wallboard's `dialer.satisfaction` message."""

    technician: str
    month: str = Field(examples=["2026-03"])


__all__ = ["CancelNote", "ClickToDial", "DialRequest", "DialerAttempt", "DialerCaps",
           "DialerJob", "DialerJobDetail", "DialerJobList", "DialerStatus", "ItemRate",
           "JobFilter", "Paused", "Period", "PreviewQuery", "PreviewReport", "Reschedule",
           "SatisfactionFigures", "SatisfactionRate", "TakenJob", "TechnicianFigures",
           "When"]
