"""What a finished job leaves on the records (R13-R20), written once per job.

`finish.py` calls `write_back` inside the transaction that settles the job's last attempt,
with the job row locked and only when `written_back_at` is still empty; both commit
together, so a job's results are on the records exactly once, whatever crashes or races.

- technician_survey: a survey row (R18: four ratings, product works, complete / partial /
  refused; R19 is computed from these rows). R20: a rating of 1 or 2, or a product still not
  working, opens a complaint owned by the service manager; two 1s, or not working after the
  repair, is serious and escalated at once (a reminder to the managers).
- complaint_callback: a line on the ledger's follow-up (R15 "the call recorded"); not
  solved: the complaint goes back to in progress (handled again) and an agent calls back;
  satisfaction 1 or 2: an R20 complaint. Not reached at all: the ledger says so too.
- delivery_check, warranty_check: product not working: an R20 complaint; "call me": an agent
  call-back (a preview job).
- renewal_notice: the contract becomes `notified` (R13 clock stops: customer reached);
  "call me about renewing": an agent call-back.
- any kind: key 9 makes the customer do-not-call; every change is audited (R27).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.audit.log import record
from callcenter.auth.principal import Principal, Role
from callcenter.complaints import follow_ups as complaint_ledger
from callcenter.complaints import service as complaints
from callcenter.complaints.schemas import ComplaintIn
from callcenter.customers import queries as customers
from callcenter.customers.queries import CustomerName
from callcenter.followups.surveys import NewSurvey, add_survey
from callcenter.overdue import reminders
from callcenter.rules.classification import RequestKind
from callcenter.rules.satisfaction import DissatisfactionAction, Rating, SurveyItem
from callcenter.rules.satisfaction import dissatisfaction_action as r20
from callcenter.rules.status import ComplaintStatus
from dialer.config import DialerConfig
from dialer.event_jobs import JobPlan
from dialer.kinds import JobKind, JobMode, JobState
from dialer.models import DialerAttemptRow, DialerJobRow
from dialer.planning_pass import create_job
from ivr_flows.flows import SURVEY_ITEMS
from ivr_flows.result import FlowResult

SYSTEM = Principal(account_id=0, username="dialer", role=Role.SUPERVISOR)
"""The actor of the dialer's own changes in the audit log (R27)."""
AGENT_CALLBACK_WITHIN = timedelta(hours=24)  # R23: a question left open is answered in 24 h


@dataclass
class WriteBack:
    """What the write-back did, for the hub once the transaction has committed."""

    complaints: list[int] = field(default_factory=list)
    reminders: list[dict[str, Any]] = field(default_factory=list)
    preview_jobs: list[int] = field(default_factory=list)
    survey_id: int | None = None
    technician: str | None = None


async def write_back(session: AsyncSession, job: DialerJobRow, attempt: DialerAttemptRow,
                     flow: FlowResult | None, config: DialerConfig, now: datetime) -> WriteBack:
    """Put the job's results on the records (see the table above); once per job."""
    assert job.written_back_at is None, "write-back runs once per job"
    job.written_back_at = now
    done = WriteBack()
    customer = await customers.customer_name(session, job.customer_id)
    if customer is None:
        return done
    if flow is not None and flow.do_not_call:
        await customers.mark_do_not_call(session, SYSTEM, customer.id,
                                         {"via": "follow-up call, key 9", "job": job.id})
    kind = JobKind(job.kind)
    if kind is JobKind.TECHNICIAN_SURVEY and flow is not None:
        await _survey(session, job, attempt, flow, customer, config, now, done)
    elif kind is JobKind.COMPLAINT_CALLBACK:
        await _complaint_callback(session, job, attempt, flow, customer, config, now, done)
    elif kind in (JobKind.DELIVERY_CHECK, JobKind.WARRANTY_CHECK) and flow is not None:
        if flow.answers.get("product_works") == 2:
            await _r20_complaint(session, job, attempt, customer, config, now, done,
                                 serious=False, why="product not working after delivery")
        await _agent_if(session, job, customer, flow, "wants_agent", config, now, done)
    elif kind is JobKind.RENEWAL_NOTICE and flow is not None:
        await _renewal(session, job, flow, config, now, done)
        await _agent_if(session, job, customer, flow, "renewal_interest", config, now, done)
    record(session, SYSTEM, "update", "dialer_job", job.id,
           {"state": job.state, "result": job.result, "attempts": job.attempts})
    return done


async def _survey(session: AsyncSession, job: DialerJobRow, attempt: DialerAttemptRow,
                  flow: FlowResult, customer: CustomerName, config: DialerConfig,
                  now: datetime, done: WriteBack) -> None:
    """R18 survey row (R19 reads it) and the R20 consequences of its answers."""
    ratings = {item: flow.answers[item] for item in SURVEY_ITEMS if item in flow.answers}
    works = flow.answers.get("product_works")
    surveyed_at = attempt.answered_at or now
    survey = NewSurvey(
        customer_id=customer.id, order_id=job.order_id, technician=job.technician,
        surveyed_at=surveyed_at, period_day=surveyed_at.astimezone(config.site_zone).date(),
        outcome=flow.outcome.value, product_works=None if works is None else works == 1,
        call_id=attempt.channel_id, ratings=ratings)
    done.survey_id, done.technician = await add_survey(session, survey), job.technician
    action = r20({SurveyItem(k): Rating(v) for k, v in ratings.items()}, survey.product_works,
                 after_repair=True)
    if action is not DissatisfactionAction.NONE:
        low = ", ".join(f"{k}={v}" for k, v in ratings.items() if v <= 2)
        why = "; ".join(filter(None, [f"low ratings {low}" if low else "",
                                      "product not working after the repair"
                                      if survey.product_works is False else ""]))
        await _r20_complaint(session, job, attempt, customer, config, now, done,
                             serious=action is DissatisfactionAction.SERIOUS_COMPLAINT, why=why)


async def _complaint_callback(session: AsyncSession, job: DialerJobRow,
                              attempt: DialerAttemptRow, flow: FlowResult | None,
                              customer: CustomerName, config: DialerConfig, now: datetime,
                              done: WriteBack) -> None:
    """R15: the call is recorded on the ledger; a problem not solved is handled again."""
    if not job.complaint_id:
        return
    line = _callback_line(job, flow, now.astimezone(config.site_zone))
    complaint = await complaint_ledger.add_follow_up_line(session, SYSTEM, job.complaint_id,
                                                          line, now)
    if complaint is None or flow is None:
        return
    if flow.answers.get("solved") == 2:
        if complaint.status == ComplaintStatus.RESOLVED.value:
            await complaints.move(session, SYSTEM, complaint.id, ComplaintStatus.IN_PROGRESS,
                                  "R15 call-back: not solved", config.calendar, now)
        await _agent_job(session, job, customer, "not_solved", config, now, done)
    if flow.answers.get("satisfaction", 3) <= 2:
        await _r20_complaint(session, job, attempt, customer, config, now, done, serious=False,
                             why=f"dissatisfied with complaint {complaint.number} handling")


def _callback_line(job: DialerJobRow, flow: FlowResult | None, local: datetime) -> str:
    """The ledger's follow-up line for a complaint call-back (R15), in site-local time."""
    at = local.strftime("%Y-%m-%d %H:%M")
    if flow is None:
        return f"{at} call-back not reached ({job.result}, {job.attempts} attempts)"
    return (f"{at} call-back ({flow.outcome.value}): solved="
            f"{ {1: 'yes', 2: 'no'}.get(flow.answers.get('solved', 0), '-') }, "
            f"satisfaction={flow.answers.get('satisfaction', '-')}")


async def _renewal(session: AsyncSession, job: DialerJobRow, flow: FlowResult,
                   config: DialerConfig, now: datetime, done: WriteBack) -> None:
    """R13: the customer was reached, the notice given."""
    if job.contract_id:
        await customers.mark_renewal_notified(session, SYSTEM, job.contract_id,
                                              {"job": job.id})


async def _agent_if(session: AsyncSession, job: DialerJobRow, customer: CustomerName,
                    flow: FlowResult, question: str, config: DialerConfig, now: datetime,
                    done: WriteBack) -> None:
    if flow.answers.get(question) == 1:
        await _agent_job(session, job, customer, question, config, now, done)


async def _agent_job(session: AsyncSession, job: DialerJobRow, customer: CustomerName,
                     reason: str, config: DialerConfig, now: datetime,
                     done: WriteBack) -> None:
    """A preview job an agent takes from the list (R6: a promised call-back)."""
    plan = JobPlan(kind=JobKind.AGENT_CALLBACK, customer_id=customer.id,
                   subject=f"{job.subject}:{reason}", opens_at=now,
                   due_at=now + AGENT_CALLBACK_WITHIN, order_id=job.order_id,
                   complaint_id=job.complaint_id, product_id=job.product_id,
                   contract_id=job.contract_id, technician=job.technician,
                   state=JobState.PENDING, payload={"reason": reason, "from_job": job.id})
    created = await create_job(session, plan, config, now, mode=JobMode.PREVIEW)
    if created is not None:
        created.note = f"customer asked during {job.kind} call ({reason})"
        done.preview_jobs.append(created.id)


async def _r20_complaint(session: AsyncSession, job: DialerJobRow, attempt: DialerAttemptRow,
                         customer: CustomerName, config: DialerConfig, now: datetime,
                         done: WriteBack, *, serious: bool, why: str) -> None:
    """R20: owned by the service manager; a serious one escalated at once."""
    subject = f"R20 follow-up call: {why}"[:200]
    row = await complaint_ledger.register(session, SYSTEM, ComplaintIn(
        kind=RequestKind.COMPLAINT, subject=subject,
        content=f"{job.kind} job {job.id}, technician {job.technician or '-'}: {why}",
        complainant=customer.name, contact=job.phone, customer_id=customer.id,
        order_id=job.order_id, call_id=attempt.channel_id,
        owner=config.dialer.service_manager,
    ), config.site_zone, now, escalate=serious)
    done.complaints.append(row.id)
    if serious:
        reminder = await reminders.add(
            session, entity="complaint", entity_id=row.id, deadline="escalation",
            state="serious", due_at=row.case_due, owner=None, role=Role.MANAGER.value,
            message=f"serious dissatisfaction {row.number}: {why}", now=now)
        if reminder is not None:
            done.reminders.append(reminder)


__all__ = ["SYSTEM", "WriteBack", "write_back"]
