"""The dashboard's period (reviews.reports.forms.PeriodForm): its limits say exactly what they
allow, and no date asked for makes a date out of the calendar's range."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews.reports.forms import PeriodForm
from reviews.reports.selectors import Period

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 12, 4)


def _period(today=TODAY, **asked) -> Period | list[str]:
    form = PeriodForm({name: str(day) for name, day in asked.items()}, today=today)
    return form.cleaned_data["period"] if form.is_valid() else form.problems()


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (TODAY, D(2027, 12, 4)),
        # A leap day has no date a year on: the day after February 28.
        (D(2028, 2, 29), D(2029, 3, 1)),
        (D(2027, 3, 1), D(2028, 3, 1)),
    ],
)
def test_a_period_ends_at_the_latest_on_the_same_date_next_year(today, latest):
    """From a QA pass: on 12/04/2026 the message said "cannot end after 12/05/2027, a year
    from today" (366 days), and allowed that day."""
    assert _period(today, start=today, end=latest) == Period(today, latest)
    said = _period(today, start=today, end=latest + dt.timedelta(days=1))
    assert said == [f"The period cannot end after {latest:%m/%d/%Y}, a year from today."]


@pytest.mark.parametrize(
    ("start", "last"),
    [
        (D(2013, 1, 1), D(2015, 12, 31)),
        (D(2016, 2, 29), D(2019, 2, 28)),
        (D(2017, 3, 1), D(2020, 2, 29)),
    ],
)
def test_three_years_is_three_calendar_years_and_the_message_names_the_last_day(start, last):
    """From a QA pass: "at most three years" allowed 01/01/2013 to 01/02/2016 (3 x 366 days)."""
    assert _period(start=start, end=last) == Period(start, last)
    said = _period(start=start, end=last + dt.timedelta(days=1))
    assert said == [
        f"A period is three years at the most: starting on {start:%m/%d/%Y}, it ends on "
        f"{last:%m/%d/%Y} or before."
    ]


@pytest.mark.parametrize(
    "asked",
    [
        {"end": "0001-01-01"},
        {"end": "0001-01-29"},
        {"start": "0001-01-01"},
        {"start": "0001-01-01", "end": "9999-12-31"},
        {"end": "9999-12-31"},
        {"start": "9999-12-31"},
        {"start": "9999-12-31", "end": "9999-12-31"},
    ],
)
def test_no_date_at_the_ends_of_the_calendar_is_counted_past_them(asked):
    """From a QA pass: ?end=0001-01-01 counted its default start 29 days back (OverflowError)."""
    said = _period(**asked)
    assert isinstance(said, list) and said
    assert any("cannot" in each or "comes after" in each for each in said)
