"""The agent's own figures today, from the call registry's agent legs (R1, agent's side).

"Today" is the site's calendar day. Calls taken are the rings the agent answered; rings
before answer are the R1 ring counts of those answers (from PBX times, stored by the
registry); calls let ring out are rings that ended by ring-no-answer, the misses R1 counts
against the agent. Calls still in progress are not in the registry yet.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from callcenter.calls.models import CallAgentLegRow
from callcenter.storage.database import Database


def today_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of the site-local day containing `now`, as aware datetimes."""
    local = now.astimezone(zone)
    start = datetime.combine(local.date(), time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


class TodayFigures(TypedDict):
    """R1, the agent's side, for one site-local day."""

    day: date
    calls_taken: int
    avg_rings_before_answer: float | None
    rang_out: int
    missed: int
    rung: int


async def agent_today(db: Database, agent_id: str, now: datetime, zone: ZoneInfo
                      ) -> TodayFigures:
    start, end = today_bounds(now, zone)
    leg = CallAgentLegRow
    statement = select(
        func.count().filter(leg.answered.is_(True)),
        func.avg(case((leg.answered.is_(True), leg.rings))),
        func.count().filter(leg.ended_by == "rang_out"),
        func.count().filter(leg.missed.is_(True)),
        func.count(),
    ).where(leg.agent_id == agent_id, leg.rang_at >= start, leg.rang_at < end)
    async with db.sessions() as session:
        taken, avg_rings, rang_out, missed, rung = (await session.execute(statement)).one()
    return TodayFigures(
        day=start.date(),
        calls_taken=int(taken or 0),
        avg_rings_before_answer=round(float(avg_rings), 2) if avg_rings is not None else None,
        rang_out=int(rang_out or 0),
        missed=int(missed or 0),
        rung=int(rung or 0),
    )


__all__ = ["TodayFigures", "agent_today", "today_bounds"]
