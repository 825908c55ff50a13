"""Survey results (R18) written and read by other packages, without their table.

The follow-up dialer stores each technician survey through `add_survey` and reads them back
for the R19 figures through `survey_results`, instead of importing the table. The R19
exclusion ("a complaint on record before the survey") belongs to the complaint ledger, so
the caller passes it in as an expression over the survey's customer and time, and the read
stays one statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, SQLColumnExpression, select
from sqlalchemy.ext.asyncio import AsyncSession

from callcenter.followups.models import RATING_ITEMS, SurveyResultRow
from callcenter.rules.satisfaction import Rating, SurveyItem, SurveyResult

Exclusion = Callable[[SQLColumnExpression[int], SQLColumnExpression[datetime]],
                     ColumnElement[bool]]
"""Given a survey's customer id and time, true where R19 leaves the survey out."""


@dataclass(frozen=True, slots=True)
class NewSurvey:
    """One answered (or refused) technician survey, as the call collected it (R18)."""

    customer_id: int
    order_id: int | None
    technician: str | None
    surveyed_at: datetime
    period_day: date
    outcome: str  # complete | partial | refused
    product_works: bool | None
    call_id: str
    ratings: Mapping[str, int] = field(default_factory=dict)  # RATING_ITEMS answered


async def add_survey(session: AsyncSession, survey: NewSurvey) -> int:
    """Store the survey in the caller's transaction (flushed); its id."""
    row = SurveyResultRow(
        customer_id=survey.customer_id, order_id=survey.order_id, complaint_id=None,
        technician=survey.technician, surveyed_at=survey.surveyed_at,
        period_day=survey.period_day, outcome=survey.outcome,
        product_works=survey.product_works, suggestions="", call_id=survey.call_id,
        **survey.ratings)
    session.add(row)
    await session.flush()
    return row.id


def _result(row: SurveyResultRow, excluded: bool) -> SurveyResult:
    ratings = {SurveyItem(item): Rating(getattr(row, item)) for item in RATING_ITEMS
               if getattr(row, item) is not None}
    return SurveyResult(row.technician or "", ratings, excluded)


async def survey_results(session: AsyncSession, since: datetime, until: datetime,
                         technician: str | None, excluded: Exclusion) -> list[SurveyResult]:
    """The surveys of [since, until) with a technician (of one, if given), as R19 sees them."""
    flag = excluded(SurveyResultRow.customer_id, SurveyResultRow.surveyed_at)
    query = select(SurveyResultRow, flag.label("excluded")).where(
        SurveyResultRow.surveyed_at >= since, SurveyResultRow.surveyed_at < until,
        SurveyResultRow.technician.is_not(None))
    if technician is not None:
        query = query.where(SurveyResultRow.technician == technician)
    return [_result(row, bool(flag_value))
            for row, flag_value in (await session.execute(query)).all()]


__all__ = ["Exclusion", "NewSurvey", "add_survey", "survey_results"]
