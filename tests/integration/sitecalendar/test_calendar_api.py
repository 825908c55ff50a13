"""The site calendar on the running service (R2): an administrator enters a year's notice
and the site's exceptions; they win over the library, reach /health at once, and are
audited (R27). Bad input is refused with the field named."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from callcenter.auth.principal import Role
from callcenter.rules.calendar import LAST_COVERED_YEAR
from callcenter.sitecalendar.book import HORIZON_DAYS
from tests.integration.customers.support import Api, username
from tests.unit.sitecalendar.support import notice_body

pytestmark = pytest.mark.integration

ADMIN, AGENT = Role.ADMIN, Role.AGENT
SHANGHAI_TODAY = (datetime.now(UTC) + timedelta(hours=8)).date()


def _notice_for(year: int) -> dict[str, Any]:
    """A notice for any year: New Year's Day off, and one make-up Saturday."""
    saturday = date(year, 1, 2) + timedelta(days=(5 - date(year, 1, 2).weekday()) % 7)
    return {"holidays": [{"date": f"{year}-01-01", "name": "元旦"}],
            "makeup_workdays": [{"date": saturday.isoformat(), "name": "调休"}]}


async def test_an_entered_notice_covers_the_year_and_is_audited(api: Api) -> None:
    before = await api.ok(AGENT, "GET", "/api/calendar/2027")
    assert (before["covered"], before["source"], before["holidays"]) == (False, "none", [])
    after = await api.ok(ADMIN, "PUT", "/api/calendar/years/2027", json=notice_body())
    assert (after["covered"], after["source"]) == (True, "site-notice")
    assert len(after["holidays"]) == 12
    assert len(after["makeup_workdays"]) == 2
    assert {"date": "2027-02-20", "name": "春节调休"} in after["makeup_workdays"]
    assert await api.ok(AGENT, "GET", "/api/calendar/2027") == after
    assert await api.audit("calendar_year", 2027) == [("update", username(ADMIN), "admin")]
    withdrawn = await api.ok(ADMIN, "DELETE", "/api/calendar/years/2027")
    assert withdrawn["covered"] is False


async def test_a_site_exception_wins_over_the_library_and_can_be_dropped(api: Api) -> None:
    body = await api.ok(ADMIN, "PUT", "/api/calendar/days/2025-10-01",
                        json={"kind": "workday", "name": "值班"})
    assert body["source"] == "chinese-calendar+site"
    assert "2025-10-01" not in {d["date"] for d in body["holidays"]}
    assert body["exceptions"] == [{"date": "2025-10-01", "kind": "workday", "name": "值班"}]
    assert body["warnings"] == ["2025-10-01 is in the past: deadlines already stored are not "
                                "recounted"]
    dropped = await api.ok(ADMIN, "DELETE", "/api/calendar/days/2025-10-01")
    assert "2025-10-01" in {d["date"] for d in dropped["holidays"]}
    assert await api.audit("calendar_day", "2025-10-01") == [
        ("update", username(ADMIN), "admin"), ("delete", username(ADMIN), "admin")]


async def test_health_names_the_first_unknown_day_until_the_notice_is_entered(
        api: Api) -> None:
    """Today's site date decides what is ahead: the expectation is computed from the
    library's last covered year, not from the service."""
    horizon = [SHANGHAI_TODAY + timedelta(days=n) for n in range(HORIZON_DAYS + 1)]
    gap = next((d for d in horizon if d.year > LAST_COVERED_YEAR), None)
    health = await (await api.client.get("/health")).json()
    assert health["calendar"]["first_unknown_day"] == (gap.isoformat() if gap else None)
    assert health["calendar"]["ok"] is (SHANGHAI_TODAY.year <= LAST_COVERED_YEAR)
    if gap is not None:
        assert str(gap.year) in health["calendar"]["warning"]
    for year in sorted({d.year for d in horizon if d.year > LAST_COVERED_YEAR}):
        await api.ok(ADMIN, "PUT", f"/api/calendar/years/{year}", json=_notice_for(year))
    health = await (await api.client.get("/health")).json()
    assert health["calendar"] == {"ok": True, "first_unknown_day": None}


@pytest.mark.parametrize(("body", "field", "words"), [
    ({"holidays": [{"date": "2028-01-01", "name": "元旦"}]}, "holidays[0]", "not in 2027"),
    ({"holidays": [{"date": "2027-01-01"}], "makeup_workdays": [{"date": "2027-02-03"}]},
     "makeup_workdays[0]", "is a weekday"),
    ({"holidays": [{"date": "2027-01-02"}], "makeup_workdays": [{"date": "2027-01-02"}]},
     "makeup_workdays[0]", "already listed"),
    ({"holidays": []}, "holidays", "at least one"),
    ({"holidays": [{"date": "2027-13-01"}]}, "holidays[0].date", "not an ISO date"),
    ({"holidays": [{"date": "2027-01-01", "when": "x"}]}, "when", "not a known field"),
])
async def test_a_bad_notice_is_refused_with_the_field_named(
        api: Api, body: dict[str, Any], field: str, words: str) -> None:
    response = await api.call(ADMIN, "PUT", "/api/calendar/years/2027", json=body)
    error = (await response.json())["error"]
    assert response.status == 400
    assert error["details"]["field"] == field
    assert words in error["message"]
    assert (await api.ok(ADMIN, "GET", "/api/calendar/2027"))["covered"] is False


async def test_only_an_administrator_changes_the_calendar(api: Api) -> None:
    for role in (Role.AGENT, Role.TECHNICIAN, Role.SUPERVISOR, Role.MANAGER):
        response = await api.call(role, "PUT", "/api/calendar/years/2027", json=notice_body())
        assert response.status == 403, role
    response = await api.call(ADMIN, "PUT", "/api/calendar/days/2027-02-30",
                              json={"kind": "holiday"})
    assert response.status == 400
    response = await api.call(ADMIN, "DELETE", "/api/calendar/days/2027-03-03")
    assert response.status == 404
