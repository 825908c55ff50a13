"""Calendar payloads: a notice's bad day is named where it sits in the lists (R2)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from callcenter.errors import InvalidInput
from callcenter.rules.calendar import DayKind
from callcenter.sitecalendar.schemas import CalendarException, CalendarNotice, DayPath, YearPath
from callcenter.sitecalendar.store import NamedDay
from callcenter.web.api import parse_body, parse_strings

pytestmark = pytest.mark.unit


def _body(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_a_notice_reads_its_days_as_dates_for_the_store() -> None:
    notice = parse_body(CalendarNotice, _body({
        "holidays": [{"date": "2027-01-01", "name": "元旦"}],
        "makeup_workdays": [{"date": "2027-02-20"}]}))
    assert notice.holidays[0].named() == NamedDay(date(2027, 1, 1), "元旦")
    assert (notice.reference, notice.makeup_workdays[0].name) == ("", "")


@pytest.mark.parametrize(("payload", "field", "words"), [
    ({"holidays": [{"date": "2027-13-01"}]}, "holidays[0].date", "not an ISO date"),
    ({"holidays": [{"date": 20270101}]}, "holidays[0].date", "not an ISO date"),
    ({"holidays": [{"name": "元旦"}]}, "holidays[0].date", "is required"),
    ({"holidays": [{"date": "2027-01-01", "name": "x" * 81}]}, "holidays[0].name", "80"),
    ({"holidays": [{"date": "2027-01-01", "name": "a\x00b"}]}, "holidays[0].name", "80"),
    ({"holidays": [{"date": "2027-01-01"}], "makeup_workdays": ["2027-02-20"]},
     "makeup_workdays[0]", "must be an object"),
    ({"holidays": {"date": "2027-01-01"}}, "holidays", "must be a list"),
    ({"holidays": [{"date": "2027-01-01"}] * 367}, "holidays", "at most 366"),
    ({"holidays": [{"date": "2027-01-01", "when": "x"}]}, "when", "not a known field"),
    ({"holidays": [{"date": "2027-01-01"}], "reference": "a\x00b"}, "reference", "NUL"),
])
def test_a_bad_notice_names_the_day_at_fault(payload: dict[str, object], field: str,
                                             words: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_body(CalendarNotice, _body(payload))
    assert caught.value.details["field"] == field
    assert words in caught.value.message


def test_an_exception_needs_a_known_kind() -> None:
    assert parse_body(CalendarException, _body({"kind": "workday"})).kind is DayKind.WORKDAY
    with pytest.raises(InvalidInput) as caught:
        parse_body(CalendarException, _body({"kind": "closed"}))
    assert caught.value.details["field"] == "kind"


@pytest.mark.parametrize(("model", "values", "field"), [
    (YearPath, {"year": "1999"}, "year"),
    (YearPath, {"year": "twenty"}, "year"),
    (DayPath, {"date": "2027-02-30"}, "date"),
    (DayPath, {"date": "2101-01-01"}, "date"),
])
def test_a_year_or_day_outside_2000_to_2100_is_refused(
        model: type[YearPath | DayPath], values: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_strings(model, values)
    assert caught.value.details["field"] == field
