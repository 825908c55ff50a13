"""Acknowledging reminders (R23 催办单): only by whom they are addressed to, once.

Someone else's reminder answers like an unknown one (404 "not-found"); acknowledging again
keeps the first time; the change is audited once (R27).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from callcenter.auth.principal import Role
from callcenter.overdue import reminders
from tests.integration.auth.support import bearer, issue_token
from tests.integration.customers.support import Api, username

pytestmark = pytest.mark.integration

A, T, S, M = Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER
CREATED = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


async def _remind(api: Api, entity_id: int, *, owner: str | None = None,
                  role: str | None = None) -> int:
    async with api.db.transaction() as session:
        stored = await reminders.add(
            session, entity="service_order", entity_id=entity_id, deadline="on_site",
            state="overdue", due_at=CREATED, owner=owner, role=role,
            message=f"order {entity_id} is late", now=CREATED)
    assert stored is not None
    return int(stored["id"])


def _ack(reminder_id: int) -> str:
    return f"/api/reminders/{reminder_id}/acknowledge"


async def _error(api: Api, role: Role, path: str) -> tuple[int, str]:
    response = await api.call(role, "POST", path)
    body: Any = await response.json()
    return response.status, body["error"]["id"]


async def test_the_owner_acknowledges_once_and_a_repeat_keeps_the_first_time(api: Api) -> None:
    reminder_id = await _remind(api, 1, owner=username(T))
    first = await api.ok(T, "POST", _ack(reminder_id))
    assert first["id"] == reminder_id
    assert first["acknowledged_at"] is not None
    again = await api.ok(T, "POST", _ack(reminder_id))
    assert again["acknowledged_at"] == first["acknowledged_at"]
    assert await api.audit("reminder", reminder_id) == [("update", username(T), "technician")]


async def test_a_reminder_to_a_role_is_acknowledged_by_any_member_for_all(api: Api) -> None:
    reminder_id = await _remind(api, 2, role="supervisor")
    acknowledged = await api.ok(S, "POST", _ack(reminder_id))
    token = await issue_token(api.database_url, S, "other.supervisor")
    response = await api.client.get("/api/reminders?open=true", headers=bearer(token))
    assert (await response.json())["reminders"] == []
    response = await api.client.get("/api/reminders", headers=bearer(token))
    listed = (await response.json())["reminders"]
    assert [(r["id"], r["acknowledged_at"]) for r in listed] == [
        (reminder_id, acknowledged["acknowledged_at"])]


async def test_someone_elses_reminder_is_not_found_like_an_unknown_one(api: Api) -> None:
    to_technician = await _remind(api, 3, owner=username(T))
    to_managers = await _remind(api, 4, role="manager")
    unknown = await _error(api, T, _ack(999999))
    assert unknown == (404, "not-found")
    for role in (A, S, M):
        assert await _error(api, role, _ack(to_technician)) == unknown, role
    for role in (A, T, S):
        assert await _error(api, role, _ack(to_managers)) == unknown, role
    colleague = await issue_token(api.database_url, T, "qian.gong")
    response = await api.client.post(_ack(to_technician), headers=bearer(colleague))
    assert response.status == 404
    mine = await api.ok(T, "GET", "/api/reminders")
    assert [(r["id"], r["acknowledged_at"]) for r in mine["reminders"]] == [
        (to_technician, None)]
    assert await api.audit("reminder", to_technician) == []


async def test_a_path_id_that_is_no_id_at_all_is_invalid_input(api: Api) -> None:
    for raw in ("0", "2147483648", "99999999999"):
        assert await _error(api, T, f"/api/reminders/{raw}/acknowledge") == (
            400, "invalid-input"), raw


async def test_open_lists_only_the_reminders_still_waiting(api: Api) -> None:
    done = await _remind(api, 5, owner=username(A))
    waiting = await _remind(api, 6, owner=username(A))
    await api.ok(A, "POST", _ack(done))
    everything = await api.ok(A, "GET", "/api/reminders")
    assert [r["id"] for r in everything["reminders"]] == [waiting, done]
    still_open = await api.ok(A, "GET", "/api/reminders?open=true")
    assert [r["id"] for r in still_open["reminders"]] == [waiting]
    explicit = await api.ok(A, "GET", "/api/reminders?open=false")
    assert explicit == everything
    response = await api.call(A, "GET", "/api/reminders?open=yes")
    assert response.status == 400
    assert (await response.json())["error"]["details"]["field"] == "open"
