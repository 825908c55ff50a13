"""The demo data set: every API read and page answers without an error on it, a second run
leaves it as it was, and its calls come in a hotline's hours (nights go to the duty mobile).
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select

from callcenter.app import create_app
from callcenter.auth.context import build_auth
from callcenter.auth.principal import Role
from callcenter.auth.schemas import NewToken
from callcenter.calls.models import CallRow
from callcenter.complaints.models import ComplaintRow
from callcenter.customers.models import CustomerPhoneRow, CustomerRow
from callcenter.devtools.demo.cli import seed_demo
from callcenter.devtools.demo.seed import seed
from callcenter.directory.schemas import AgentSpec
from callcenter.directory.service import DirectoryService
from callcenter.orders.models import ServiceOrderRow
from callcenter.rules.calendar import WorkingCalendar
from callcenter.settings import load_settings
from callcenter.storage.database import Database, open_database
from dialer.models import DialerJobRow
from tests.conftest import service_settings
from tests.integration.auth.support import add_account, bearer, issue_token

pytestmark = pytest.mark.integration

AiohttpClient = Any
SHANGHAI = WorkingCalendar(load_settings({}).zone)


async def _linked_agent_token(database_url: str, agent_id: str) -> str:
    """An agent's account linked to their directory entry (the desk's endpoints need it)."""
    await add_account(database_url, "desk-agent01", Role.AGENT, agent_id=agent_id)
    db = open_database(database_url)
    try:
        _, token = await build_auth(db).tokens.create(NewToken("desk-agent01", "tests"), None)
    finally:
        await db.dispose()
    return token


def _filled_in(path: str, ids: dict[str, int]) -> str:
    """The path with a real record's id (by the collection it names) or this year."""
    collection = path.split("/")[2 if path.startswith("/api/") else 1]
    year = datetime.now(UTC).year
    return re.sub(r"\{(\w+)\}", lambda m: str(
        year if m.group(1) == "year" else ids.get(collection, 1)), path)


async def _first_id(db: Database, model: Any) -> int:
    async with db.sessions() as session:
        return int(await session.scalar(select(func.min(model.id))) or 1)


async def test_every_api_read_and_page_answers_without_an_error_on_the_demo_data(
        database_url: str, aiohttp_client: AiohttpClient) -> None:
    db = open_database(database_url)
    await seed(db, 300, calendar=SHANGHAI, now=datetime.now(UTC))
    ids = {"customers": await _first_id(db, CustomerRow),
           "orders": await _first_id(db, ServiceOrderRow),
           "complaints": await _first_id(db, ComplaintRow),
           "jobs": await _first_id(db, DialerJobRow)}
    async with db.sessions() as session:
        phone = str(await session.scalar(select(CustomerPhoneRow.e164).limit(1)))
    await DirectoryService(db).put_agent(AgentSpec("agent01", "王芳", "", ("zh",),
                                                   ("PJSIP/1001",)))
    await db.dispose()
    client = await aiohttp_client(create_app(service_settings(database_url)))
    tokens: dict[Role, str] = {role: await issue_token(database_url, role) for role in Role
              if role is not Role.AGENT}
    tokens[Role.AGENT] = await _linked_agent_token(database_url, "agent01")
    document = await (await client.get("/api/openapi.json")).json()
    answered: dict[str, int] = {}
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None:
            continue
        role = Role(operation["x-roles"][0]) if operation.get("x-roles") else Role.ADMIN
        url = _filled_in(path, ids)
        required = {p["name"]: phone if p["name"] == "number" else "1"
                    for p in operation.get("parameters", [])
                    if p["in"] == "query" and p.get("required")}
        response = await client.get(url, params=required, headers=bearer(tokens[role]))
        answered[url] = response.status
        if "{" not in path and path.startswith("/api/"):
            assert response.status == 200, (url, role, await response.text())
    assert answered
    assert max(answered.values()) < 500, answered
    for page in ("/agent", "/api/docs"):
        assert (await client.get(page)).status == 200


def test_seeding_twice_leaves_the_same_data_and_the_calls_keep_a_hotlines_hours(
        sqlite_url: str) -> None:
    settings = service_settings(sqlite_url)
    args = argparse.Namespace(customers=400, seed=7, reset=False)
    assert seed_demo(settings, args) == 0
    first = _counts(sqlite_url)
    assert seed_demo(settings, args) == 0
    assert _counts(sqlite_url) == first
    assert seed_demo(settings, argparse.Namespace(customers=400, seed=7, reset=True)) == 0
    assert _counts(sqlite_url)["customers"] == first["customers"]
    hours = _call_hours(sqlite_url, settings.zone)
    night = sum(1 for hour in hours if hour >= 22 or hour < 7)
    assert hours
    assert night / len(hours) <= 0.05


def _counts(url: str) -> dict[str, int]:
    import asyncio

    async def count() -> dict[str, int]:
        db = open_database(url)
        async with db.sessions() as session:
            result = {name: int(await session.scalar(select(func.count()).select_from(model))
                                or 0)
                      for name, model in (("customers", CustomerRow), ("calls", CallRow),
                                          ("orders", ServiceOrderRow), ("jobs", DialerJobRow))}
        await db.dispose()
        return result

    return asyncio.run(count())


def _call_hours(url: str, zone: Any) -> list[int]:
    import asyncio

    async def hours() -> list[int]:
        db = open_database(url)
        async with db.sessions() as session:
            starts = (await session.scalars(select(CallRow.entered_at))).all()
        await db.dispose()
        return [start.astimezone(zone).hour for start in starts]

    return asyncio.run(hours())
