"""A follow-up campaign on the real bench PBX: six scripted customers, real Originates, real
DTMF into the FastAGI survey, and what each customer's record says at the end.

The customers are dialplan (`docker/asterisk/bench/extensions.conf`, numbers 1390000XXXX):
one answers and keys 4-3-4-2 then 1; one never answers; one is busy; one is an invalid
number (hang-up cause 1); one keys 9; one hangs up after two answers. They are called at
the same time; rings are 4 s and retries 3 s apart so the campaign takes about half a minute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from callcenter.app import create_app
from callcenter.auth.principal import Role
from callcenter.complaints.models import ComplaintRow
from callcenter.customers.models import CustomerRow
from callcenter.followups.models import SurveyResultRow
from callcenter.pipeline import AMI_LINK
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE
from dialer.models import DialerAttemptRow, DialerJobRow
from tests.e2e.conftest import AiohttpClient, Client, e2e_settings, eventually
from tests.e2e.dialer import customers
from tests.e2e.dialer.conftest import dialer_env
from tests.integration.auth.support import bearer, issue_token
from tests.integration.dialer.support import add_customer, returned_order

pytestmark = pytest.mark.e2e

FULL, NEVER, BUSY, INVALID, NINE, HALF = (
    "13900002001", "13900002002", "13900002003", "13900002004", "13900002005", "13900002006")


@dataclass
class Campaign:
    client: Client
    app: web.Application
    customer_of: dict[str, int]

    @property
    def db(self) -> Database:
        return self.app[DATABASE]


@pytest.fixture
async def campaign(dialer_customers: str, tmp_path: Path,
                   aiohttp_client: AiohttpClient) -> Campaign:
    customers.script(FULL, keys="43421")
    customers.script(NEVER, ring="never")
    customers.script(BUSY, ring="busy")
    customers.script(INVALID, ring="unallocated")
    customers.script(NINE, keys="9")
    customers.script(HALF, keys="43", after="hangup")
    app = create_app(e2e_settings(tmp_path, **dialer_env()))
    client = await aiohttp_client(app)
    await app[AMI_LINK].wait_connected(timeout_s=15)
    now = datetime.now(UTC)
    ids = {}
    for number in (FULL, NEVER, BUSY, INVALID, NINE, HALF):
        ids[number] = await add_customer(app[DATABASE], f"customer {number[-1]}",
                                         f"+86{number}", now=now)
        await returned_order(app[DATABASE], ids[number], "tech-zhou", now)
    return Campaign(client, app, ids)


async def _jobs(db: Database) -> dict[int, DialerJobRow]:
    async with db.sessions() as session:
        return {job.customer_id: job for job in (await session.scalars(
            select(DialerJobRow))).all()}


async def _finished(db: Database) -> dict[int, DialerJobRow] | None:
    jobs = await _jobs(db)
    if len(jobs) == 6 and all(job.state in ("done", "failed") for job in jobs.values()):
        return jobs
    return None


async def test_six_scripted_customers_end_with_the_right_records(campaign: Campaign) -> None:
    jobs: dict[int, DialerJobRow] = await eventually(
        lambda: _finished(campaign.db), timeout_s=90, what="every job finished")
    of = {number: jobs[cid] for number, cid in campaign.customer_of.items()}
    outcome = {number: (job.state, job.result, job.attempts) for number, job in of.items()}
    assert outcome == {
        FULL: ("done", "complete", 1),
        NEVER: ("failed", "attempts_used_up", 2),
        BUSY: ("failed", "attempts_used_up", 2),
        INVALID: ("failed", "invalid_number", 1),  # never retried
        NINE: ("done", "do_not_call", 1),
        HALF: ("done", "partial", 1),
    }
    async with campaign.db.sessions() as session:
        attempts = {(a.job_id, a.number): a for a in (await session.scalars(
            select(DialerAttemptRow))).all()}
        surveys = {s.customer_id: s for s in (await session.scalars(
            select(SurveyResultRow))).all()}
        complaints = (await session.scalars(select(ComplaintRow))).all()
        nine = await session.get(CustomerRow, campaign.customer_of[NINE])

    def attempt(number: str, n: int = 1) -> DialerAttemptRow:
        return attempts[(of[number].id, n)]

    assert [attempt(NEVER, n).outcome for n in (1, 2)] == ["no_answer", "no_answer"]
    assert [attempt(BUSY, n).outcome for n in (1, 2)] == ["busy", "busy"]
    assert (attempt(INVALID).outcome, attempt(INVALID).hangup_cause) == ("invalid_number", 1)
    assert attempt(FULL).answers == {"attitude": 4, "skill": 3, "arrival_time": 4,
                                     "promises_kept": 2, "product_works": 1}
    full = surveys[campaign.customer_of[FULL]]
    assert (full.outcome, full.attitude, full.skill, full.arrival_time, full.promises_kept,
            full.product_works, full.technician) == ("complete", 4, 3, 4, 2, True, "tech-zhou")
    half = surveys[campaign.customer_of[HALF]]
    assert (half.outcome, half.attitude, half.skill, half.arrival_time) == (
        "partial", 4, 3, None)
    assert nine is not None
    assert nine.do_not_call
    (low,) = complaints  # R20: the 2 for promises kept
    assert (low.customer_id, low.owner) == (campaign.customer_of[FULL], "service-manager")
    assert set(surveys) == {campaign.customer_of[n] for n in (FULL, NINE, HALF)}


async def test_supervisor_sees_the_campaign_and_the_satisfaction_figures(
        campaign: Campaign) -> None:
    await eventually(lambda: _finished(campaign.db), timeout_s=90, what="every job finished")
    url = str(campaign.app[DATABASE].engine.url.render_as_string(hide_password=False))
    headers = bearer(await issue_token(url, Role.SUPERVISOR))
    response = await campaign.client.get("/api/dialer/jobs?kind=technician_survey",
                                         headers=headers)
    body: dict[str, Any] = await response.json()
    assert response.status == 200
    assert len(body["jobs"]) == 6
    response = await campaign.client.get("/api/dialer/satisfaction", headers=headers)
    figures: dict[str, Any] = await response.json()
    # R19: one complete survey, not satisfied (a 2); one partial beside it; the "9" refused
    assert figures["technicians"]["tech-zhou"]["completed"] == 1
    assert figures["technicians"]["tech-zhou"]["satisfied"] == 0
    assert figures["technicians"]["tech-zhou"]["partial"] == 2
