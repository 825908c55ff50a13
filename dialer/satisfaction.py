"""R19 figures from the stored surveys: the rate, partial and excluded counts, per item and
per technician (`callcenter.rules.satisfaction` does the arithmetic).

Satisfaction rate = completed surveys with every item 3 or 4 / completed surveys; partial
surveys are reported beside it; customers whose complaint was registered before the survey
are left out ("已上报备案的抱怨用户除外", 002). A complaint the survey itself opened (R20)
is registered after it and does not exclude it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.complaints.follow_ups import registered_before
from callcenter.followups.surveys import survey_results
from callcenter.rules.satisfaction import (
    SatisfactionReport,
    SurveyResult,
    satisfaction_by_technician,
    satisfaction_report,
)
from dialer.schemas import ItemRate, SatisfactionFigures, SatisfactionRate, TechnicianFigures


def month_of(at: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The site-local calendar month containing `at`, as [start, end) instants."""
    local = at.astimezone(zone).date().replace(day=1)
    following = (local + timedelta(days=32)).replace(day=1)
    return (datetime.combine(local, time(0), tzinfo=zone),
            datetime.combine(following, time(0), tzinfo=zone))


async def surveys(session: AsyncSession, since: datetime, until: datetime,
                  technician: str | None = None) -> list[SurveyResult]:
    """The surveys of [since, until), as R19 sees them (excluded: complaint before)."""
    return await survey_results(session, since, until, technician, registered_before)


def rate_of(report: SatisfactionReport) -> SatisfactionRate:
    return SatisfactionRate(
        rate=report.rate.value, satisfied=report.rate.satisfied,
        completed=report.rate.counted, partial=report.partial, excluded=report.excluded,
        meets_target=report.rate.meets(),
        per_item={str(item): ItemRate(satisfied=rate.satisfied, counted=rate.counted,
                                      rate=rate.value)
                  for item, rate in report.per_item.items()})


async def figures(session: AsyncSession, since: datetime,
                  until: datetime) -> SatisfactionFigures:
    """The R19 report for a period: overall and per technician."""
    found = await surveys(session, since, until)
    return SatisfactionFigures(
        since=since, until=until, overall=rate_of(satisfaction_report(found)),
        technicians={tech: rate_of(rep)
                     for tech, rep in satisfaction_by_technician(found).items()})


async def technician_figures(session: AsyncSession, technician: str, now: datetime,
                             zone: ZoneInfo) -> TechnicianFigures:
    """One technician's R19 figures for the current month (the wallboard's update)."""
    since, until = month_of(now, zone)
    report = satisfaction_report(await surveys(session, since, until, technician))
    month: date = since.date()
    return TechnicianFigures(technician=technician, month=month.strftime("%Y-%m"),
                             **dict(rate_of(report)))


__all__ = ["figures", "month_of", "rate_of", "surveys", "technician_figures"]
