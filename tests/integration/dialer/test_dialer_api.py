"""The dialer's REST endpoints on both back-ends: control, job list, preview jobs, R19."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from callcenter.agents.models import PromisedCallbackRow
from callcenter.app import create_app
from callcenter.auth.principal import Role
from callcenter.followups.models import SurveyResultRow
from callcenter.storage.database import Database
from callcenter.web.keys import DATABASE
from dialer.context import DIALER
from dialer.event_jobs import JobPlan
from dialer.kinds import JobKind, JobMode
from dialer.planning_pass import create_job
from tests.conftest import service_settings
from tests.integration.auth.conftest import audit_rows
from tests.integration.auth.support import bearer, issue_token
from tests.integration.dialer.support import add_customer, resolved_complaint, returned_order

pytestmark = pytest.mark.integration

AiohttpClient = Any


@dataclass
class Api:
    client: TestClient[web.Request, web.Application]
    url: str
    headers: dict[str, dict[str, str]]

    @property
    def app(self) -> web.Application:
        return self.client.app

    @property
    def db(self) -> Database:
        return self.app[DATABASE]

    async def as_(self, who: str, method: str, path: str, status: int = 200,
                  **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.headers[who], **kwargs)
        body = await response.json()
        assert response.status == status, (method, path, response.status, body)
        return body


@pytest.fixture
async def api(database_url: str, aiohttp_client: AiohttpClient) -> Api:
    headers = {
        "supervisor": bearer(await issue_token(database_url, Role.SUPERVISOR)),
        "manager": bearer(await issue_token(database_url, Role.MANAGER)),
        "agent": bearer(await issue_token(database_url, Role.AGENT, "agent-li")),
        "agent2": bearer(await issue_token(database_url, Role.AGENT, "agent-wang")),
        "admin": bearer(await issue_token(database_url, Role.ADMIN)),
    }
    app = create_app(service_settings(database_url, CALLCENTER_DIALER_WINDOWS="00:00-24:00"))
    return Api(await aiohttp_client(app), database_url, headers)


async def test_pause_and_resume_are_shared_and_reported(api: Api) -> None:
    assert (await api.as_("manager", "GET", "/api/dialer/status"))["paused"] is False
    assert await api.as_("supervisor", "POST", "/api/dialer/pause") == {"paused": True}
    assert (await api.as_("manager", "GET", "/api/dialer/status"))["paused"] is True
    assert await api.as_("supervisor", "POST", "/api/dialer/resume") == {"paused": False}
    assert (await api.as_("supervisor", "GET", "/api/dialer/status"))["paused"] is False


async def test_jobs_by_kind_and_state_then_reschedule_and_cancel(api: Api) -> None:
    now = datetime.now(UTC)
    customer = await add_customer(api.db, "Li", "+8613900001201", now=now)
    await returned_order(api.db, customer, "tech-wang", now)
    await resolved_complaint(api.db, customer, now)
    await api.app[DIALER].run_once()
    listed = await api.as_("manager", "GET", "/api/dialer/jobs?kind=technician_survey")
    (job,) = listed["jobs"]
    assert (job["state"], job["customer_id"], job["attempts"]) == ("pending", customer, 0)
    assert len((await api.as_("supervisor", "GET", "/api/dialer/jobs?state=pending"))[
        "jobs"]) == 2
    await api.as_("supervisor", "GET", "/api/dialer/jobs?kind=nonsense", 400)
    detail = await api.as_("supervisor", "GET", f"/api/dialer/jobs/{job['id']}")
    assert detail["attempts_made"] == []

    later = datetime(2030, 3, 12, 2, 0, tzinfo=UTC)  # a fixed Tuesday: no holiday to skip
    refused = await api.as_("supervisor", "POST", f"/api/dialer/jobs/{job['id']}/reschedule",
                            409, json={"at": later.isoformat()})
    assert "no calendar source knows" in refused["error"]["message"]  # 2030 has no notice yet
    await api.as_("admin", "PUT", "/api/calendar/years/2030",
                  json={"holidays": [{"date": "2030-01-01", "name": "元旦"}]})
    moved = await api.as_("supervisor", "POST", f"/api/dialer/jobs/{job['id']}/reschedule",
                          json={"at": later.isoformat()})
    assert datetime.fromisoformat(moved["next_attempt_at"]) == later
    cancelled = await api.as_("supervisor", "POST", f"/api/dialer/jobs/{job['id']}/cancel",
                              json={"note": "customer moved abroad"})
    assert (cancelled["state"], cancelled["note"]) == ("cancelled", "customer moved abroad")
    await api.as_("supervisor", "POST", f"/api/dialer/jobs/{job['id']}/cancel", 409, json={})
    await api.as_("supervisor", "POST", f"/api/dialer/jobs/{job['id']}/reschedule", 409,
                  json={"at": later.isoformat()})
    await api.as_("supervisor", "POST", "/api/dialer/jobs/999999/cancel", 404, json={})


async def test_an_agent_takes_a_preview_job_dials_it_and_reports(api: Api) -> None:
    now = datetime.now(UTC)
    customer = await add_customer(api.db, "Sun", "+8613900001202", now=now)
    async with api.db.transaction() as session:
        job = await create_job(session, JobPlan(
            kind=JobKind.AGENT_CALLBACK, customer_id=customer, subject="x:wants_agent",
            opens_at=now, due_at=now + timedelta(hours=24)),
            api.app[DIALER].config, now, mode=JobMode.PREVIEW)
        assert job is not None
        job_id = job.id
    listed = await api.as_("agent", "GET", "/api/dialer/preview")
    assert [j["id"] for j in listed["jobs"]] == [job_id]
    taken = await api.as_("agent", "POST", f"/api/dialer/preview/{job_id}/take", json={})
    assert taken["taken_by"] == "agent-li"
    assert taken["dial"] == {"path": "/api/agent/dial",
                             "body": {"number": "+8613900001202", "customer_id": customer}}
    await api.as_("agent2", "POST", f"/api/dialer/preview/{job_id}/take", 409, json={})
    await api.as_("agent2", "POST", f"/api/dialer/preview/{job_id}/report", 409,
                  json={"reached": True})
    assert (await api.as_("agent2", "GET", "/api/dialer/preview"))["jobs"] == []
    missed = await api.as_("agent", "POST", f"/api/dialer/preview/{job_id}/report",
                           json={"reached": False, "note": "no answer"})
    assert (missed["state"], missed["attempts"], missed["taken_by"]) == ("pending", 1, None)
    await api.as_("agent2", "POST", f"/api/dialer/preview/{job_id}/take", json={})
    done = await api.as_("agent2", "POST", f"/api/dialer/preview/{job_id}/report",
                         json={"reached": True, "note": "explained the warranty"})
    assert (done["state"], done["result"], done["attempts"]) == ("done", "reached", 2)
    await api.as_("agent", "POST", f"/api/dialer/preview/{job_id}/report", 400, json={})


async def test_a_promised_call_back_becomes_a_preview_job_and_closes_with_it(api: Api) -> None:
    """R6: the agent desk's promise is on the dialer's list, and done when reached."""
    now = datetime.now(UTC)
    customer = await add_customer(api.db, "Zhou", "+8613900001203", now=now)
    async with api.db.transaction() as session:
        promise = PromisedCallbackRow(agent_id="1001", customer_id=customer,
                                      number="+8613900001203", due_at=now + timedelta(hours=4),
                                      note="warranty question", status="open", created_at=now)
        session.add(promise)
        await session.flush()
        promise_id = promise.id
    await api.app[DIALER].run_once()
    await api.app[DIALER].run_once()  # imported once only
    (job,) = (await api.as_("agent", "GET", "/api/dialer/preview"))["jobs"]
    assert (job["note"], job["kind"]) == ("warranty question", "agent_callback")
    await api.as_("agent", "POST", f"/api/dialer/preview/{job['id']}/take", json={})
    await api.as_("agent", "POST", f"/api/dialer/preview/{job['id']}/report",
                  json={"reached": True})
    async with api.db.sessions() as session:
        row = await session.get(PromisedCallbackRow, promise_id)
    assert row is not None
    assert row.status == "done"


async def test_satisfaction_figures_follow_r19(api: Api) -> None:
    """Rate = completed with every item 3-4 / completed; partial beside it; customers with a
    complaint registered before the survey left out."""
    now = datetime.now(UTC)
    happy = await add_customer(api.db, "A", "+8613900001211", now=now)
    grumpy = await add_customer(api.db, "B", "+8613900001212", now=now)
    halfway = await add_customer(api.db, "C", "+8613900001213", now=now)
    complained = await add_customer(api.db, "D", "+8613900001214", now=now)
    await resolved_complaint(api.db, complained, now - timedelta(hours=1))
    orders = {c: await returned_order(api.db, c, "tech-wang", now)
              for c in (happy, grumpy, halfway, complained)}
    ratings = {happy: (4, 3, 4, 3), grumpy: (4, 2, 4, 4), halfway: (4, 4, None, None),
               complained: (1, 1, 1, 1)}
    async with api.db.transaction() as session:
        for customer, (a, s, t, p) in ratings.items():
            session.add(SurveyResultRow(
                customer_id=customer, order_id=orders[customer], technician="tech-wang",
                surveyed_at=now, outcome="partial" if t is None else "complete",
                attitude=a, skill=s, arrival_time=t, promises_kept=p, suggestions=""))
    figures = await api.as_("manager", "GET", "/api/dialer/satisfaction")
    tech = figures["technicians"]["tech-wang"]
    assert (tech["satisfied"], tech["completed"], tech["partial"], tech["excluded"]) == (
        1, 2, 1, 1)
    assert tech["rate"] == 0.5
    assert tech["meets_target"] is False
    assert tech["per_item"]["skill"] == {"satisfied": 1, "counted": 2, "rate": 0.5}


async def test_reading_the_job_list_a_job_and_the_preview_list_is_audited_per_job(
    api: Api,
) -> None:
    """R27: a job names a customer and their number, so each one shown is a record view."""
    now = datetime.now(UTC)
    customer = await add_customer(api.db, "Zhao", "+8613900001203", now=now)
    await returned_order(api.db, customer, "tech-wang", now)
    await api.app[DIALER].run_once()
    async with api.db.transaction() as session:
        preview = await create_job(session, JobPlan(
            kind=JobKind.AGENT_CALLBACK, customer_id=customer, subject="x:wants_agent",
            opens_at=now, due_at=now + timedelta(hours=24)),
            api.app[DIALER].config, now, mode=JobMode.PREVIEW)
        assert preview is not None
    listed = await api.as_("manager", "GET", "/api/dialer/jobs")
    job_ids = sorted(job["id"] for job in listed["jobs"])
    await api.as_("supervisor", "GET", f"/api/dialer/jobs/{job_ids[0]}")
    previewed = await api.as_("agent", "GET", "/api/dialer/preview")
    assert [job["id"] for job in previewed["jobs"]] == [preview.id]
    reads = await audit_rows(api.url, action="read", entity="dialer_job")
    assert sorted((r.username, r.entity_id, r.detail.get("via")) for r in reads) == sorted([
        *(("manager-user", str(i), "list") for i in job_ids),
        ("supervisor-user", str(job_ids[0]), None),
        ("agent-li", str(preview.id), "preview"),
    ])


async def test_job_filters_left_empty_mean_any_and_bad_ones_are_named(api: Api) -> None:
    now = datetime.now(UTC)
    customer = await add_customer(api.db, "Qian", "+8613900001221", now=now)
    await returned_order(api.db, customer, "tech-wang", now)
    await api.app[DIALER].run_once()
    listed = await api.as_("manager", "GET", "/api/dialer/jobs",
                           params={"kind": "", "at_risk": "false", "customer_id": customer})
    assert [job["customer_id"] for job in listed["jobs"]] == [customer]
    assert listed["jobs"][0]["created_at"].endswith("Z")
    refused = await api.as_("manager", "GET", "/api/dialer/jobs?at_risk=1", 400)
    assert refused["error"]["details"]["field"] == "at_risk"
    not_json = await api.client.post(
        f"/api/dialer/jobs/{listed['jobs'][0]['id']}/cancel", data="note",
        headers={**api.headers["supervisor"], "Content-Type": "text/plain"})
    assert not_json.status == 415
    period = await api.as_("manager", "GET", "/api/dialer/satisfaction",
                           params={"since": "2026-03-01T00:00:00+08:00",
                                   "until": "2026-04-01T00:00:00+08:00"})
    assert (period["since"], period["until"]) == ("2026-02-28T16:00:00Z",
                                                  "2026-03-31T16:00:00Z")
