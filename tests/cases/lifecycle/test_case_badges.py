"""The case badges every list and case page draws (cases/templatetags/case_badges.py): the
words a user reads for each state of the clock, status and priority."""

import datetime as dt

import pytest
from django.template import Context, Template

from cases.formatting import in_sentence
from cases.lifecycle.clock import ListClock
from cases.lifecycle.models import Case, CaseStatus

TODAY = dt.date(2026, 3, 10)
OVERDUE = '<span class="clock clock--overdue"><strong>Overdue</strong> by {}</span>'


def render(source: str, **context) -> str:
    return Template("{% load case_badges %}" + source).render(Context(context)).strip()


def reading(days: int | None, **more) -> ListClock:
    due = None if days is None else TODAY + dt.timedelta(days=days)
    return ListClock(today=TODAY, due_on=due, running="determination" if due else None, **more)


@pytest.mark.parametrize(
    ("days", "badge", "row_class"),
    [
        (None, '<span class="muted">No clock running</span>', ""),
        (
            -1,
            '<span class="clock clock--overdue"><strong>Overdue</strong> by 1 day</span>',
            "is-overdue",
        ),
        (
            -4,
            '<span class="clock clock--overdue"><strong>Overdue</strong> by 4 days</span>',
            "is-overdue",
        ),
        (0, '<span class="clock clock--today"><strong>Due today</strong></span>', "is-due-soon"),
        (1, '<span class="clock clock--soon">1 day left</span>', "is-due-soon"),
        (3, '<span class="clock clock--soon">3 days left</span>', "is-due-soon"),
        (4, '<span class="clock">4 days left</span>', ""),
    ],
)
def test_clock_badge_and_row_class(days, badge, row_class):
    clock = reading(days)
    assert render("{% clock_badge clock %}", clock=clock) == badge
    assert render("{% clock_row_class clock %}", clock=clock) == row_class


def test_a_deferral_shows_its_days_and_asks_for_a_second_look_once_due():
    fresh = reading(None, deferred_text="Deferred since 03/09/2026 <liability>", deferred_days=1)
    assert render("{% clock_badge clock %}", clock=fresh) == (
        '<span class="clock" title="Deferred since 03/09/2026 &lt;liability&gt;">'
        "Deferred 1 day</span>"
    )
    old = reading(None, deferred_text="Deferred", deferred_days=40, deferral_review=True)
    assert render("{% clock_badge clock %}", clock=old) == (
        '<span class="clock clock--soon" title="Deferred">Deferred 40 days: look again</span>'
    )


@pytest.mark.django_db
def test_status_and_priority_badges():
    case = Case(status=CaseStatus.IN_REVIEW, priority="expedited")
    assert render("{% status_badge case %}", case=case) == (
        f'<span class="badge badge--status badge--in_review">{case.get_status_display()}</span>'
    )
    assert render("{% priority_badge case %}", case=case) == (
        '<span class="badge badge--expedited">Expedited</span>'
    )
    case.priority = "standard"
    assert render("{% priority_badge case %}", case=case) == (
        '<span class="priority-standard">Standard</span>'
    )


def test_us_date_prints_dates_and_nothing_else():
    assert render("{{ day|us_date }}", day=dt.date(2026, 1, 5)) == "01/05/2026"
    assert render("{{ day|us_date|default:'—' }}", day=None) == "—"


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC),  # 12:00 AM in California
        dt.datetime(2026, 3, 5, 18, 7, tzinfo=dt.UTC),  # 10:07 AM
        dt.datetime(2026, 3, 5, 20, 0, tzinfo=dt.UTC),  # 12:00 PM
        dt.datetime(2026, 3, 6, 7, 59, tzinfo=dt.UTC),  # 11:59 PM, the day before in UTC
        dt.datetime(2026, 3, 8, 10, 30, tzinfo=dt.UTC),  # 3:30 AM, daylight time began at 2
        dt.datetime(2026, 11, 1, 9, 15, tzinfo=dt.UTC),  # 1:15 AM, standard time again
    ],
)
def test_us_datetime_prints_local_time_as_the_date_filter_does(moment):
    printed = render("{{ moment|us_datetime }}", moment=moment)
    assert printed == render('{{ moment|date:"m/d/Y g:i A" }}', moment=moment)
    assert printed.endswith(("AM", "PM")) and printed[:2] in ("03", "11")


def test_us_datetime_prints_nothing_for_a_date_or_nothing():
    assert render("{{ day|us_datetime|default:'—' }}", day=dt.date(2026, 1, 5)) == "—"
    assert render("{{ day|us_datetime|default:'—' }}", day=None) == "—"


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("UR organization", "UR organization"),
        ("UR physician", "UR physician"),
        ("The UR action", "the UR action"),
        ("Claims administrator", "claims administrator"),
        ("Employer", "employer"),
    ],
)
def test_a_label_inside_a_sentence_keeps_its_abbreviations(label, words):
    assert in_sentence(label) == words
