"""The service reads the bench PBX's queues and members through AMI into the directories."""

import asyncio

import pytest

from callcenter.directory.context import DIRECTORY, RECONCILE_REPORTS
from callcenter.pipeline import RECONCILER
from tests.e2e.conftest import Service

pytestmark = pytest.mark.e2e


async def test_pbx_queues_and_members_land_in_the_directories(service: Service) -> None:
    app = service.app
    reconciler = app[RECONCILER]
    await asyncio.wait_for(reconciler.done.wait(), timeout=15)
    directory = app[DIRECTORY]
    queues = {q.name: q for q in await directory.list_queues()}
    assert {"hotline", "bench-ringall", "bench-rna", "bench-q5"} <= set(queues)
    assert queues["bench-ringall"].source == "pbx"
    agents = {a.id: a for a in await directory.list_agents()}
    assert [i.interface for i in agents["agent1092"].interfaces] == [
        "Local/1092@bench-agents/n"
    ]
    assert directory.agent_for_interface("Local/1001@bench-agents/n") == "agent1001"
    report = app[RECONCILE_REPORTS][-1]
    assert "bench-dynamic" in report.pbx_queues
    assert "bench-ringall" in report.queues_missing_from_directory


async def test_health_reports_the_connected_pbx(service: Service) -> None:
    body = await (await service.client.get("/health")).json()
    assert body["status"] == "ok"
    assert body["pbx"]["ok"] is True
    assert body["pbx"]["asterisk_version"].startswith("Asterisk 22.")
    assert body["database"]["ok"] is True
