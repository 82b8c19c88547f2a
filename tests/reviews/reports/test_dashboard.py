"""The operations dashboard and the Administrative Director's monthly report, on a small known
data set: each number as the page, the CSV and the PDF show it."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import importlib
import io
import re
import subprocess

import pytest
import redis
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification, Role, User
from cases.eligibility.services import case_eligibility_record
from cases.intake.corrections import case_facts_edit
from cases.integrity import findings as findings_check
from cases.integrity.tasks import eligibility_findings_check_task
from cases.lifecycle import events as case_events
from cases.lifecycle.findings import FindingDates
from cases.lifecycle.models import Case, CaseStatus, EligibilityFinding, EventType
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.determination.models import Determination, ItemDecision
from reviews.reports import charts
from reviews.reports.monthly import MonthlyReport, monthly_report, report_csv, report_pdf
from reviews.reports.selectors import (
    Period,
    Table,
    dashboard_table,
    eligibility,
    eligibility_findings,
)
from tests.cases.helpers import overrides_for
from tests.conftest import _service_missing
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    UserFactory,
    case_taken_in,
    reviewer_with_profile,
)
from tests.reviews.reports.known_month import NOVEMBER, events_written_at, finding_recorded

pytestmark = pytest.mark.django_db
D = dt.date


def _rows(name, today):
    return {row[0]: row[1:] for row in dashboard_table(name, NOVEMBER, today).shown_rows()}


def test_reviewer_load_lists_the_fullest_against_capacity_first():
    roomy = reviewer_with_profile("REV-ROOMY", max_open_cases=10, carried_open_cases=2)
    full = reviewer_with_profile("REV-FULL", max_open_cases=2, carried_open_cases=1)
    idle = reviewer_with_profile("REV-IDLE", max_open_cases=5)
    table = dashboard_table("load", NOVEMBER, D(2026, 11, 30))
    order = [row[0].rsplit("(", 1)[1].rstrip(")") for row in table.shown_rows()]
    # 1 of 2 (50%) before 2 of 10 (20%), though the second has more open cases.
    assert (
        order.index(full.reviewer_profile.external_id)
        < order.index(roomy.reviewer_profile.external_id)
        < order.index(idle.reviewer_profile.external_id)
    )
    assert "the fullest first" in table.note


def test_reviewer_load_says_whose_login_is_deactivated_while_cases_wait_on_them():
    # From QA: a deactivated reviewer's open cases waited on someone who could not sign in, and
    # the dashboard drew them as ordinary load.
    holding = reviewer_with_profile("REV-GONE", max_open_cases=4, carried_open_cases=1)
    done = reviewer_with_profile("REV-DONE", max_open_cases=4)
    User.objects.filter(pk__in=[holding.pk, done.pk]).update(is_active=False)
    table = dashboard_table("load", NOVEMBER, D(2026, 11, 30))
    rows = {row[0].rsplit("(", 1)[1].rstrip(")"): row[1:] for row in table.shown_rows()}
    assert rows["REV-GONE"] == [1, 4, "25.0%", "no", "deactivated"]
    assert "REV-DONE" not in rows  # nothing waits on it
    assert table.columns[-1] == "Login"
    assert "reassign each on its Assign page" in table.note


def test_the_numbers_of_a_known_month(world):
    today = world
    stages = _rows("stages", today)
    assert stages["Issued"] == ["1"]
    assert stages["Ineligible"] == ["1"]
    assert stages["Awaiting records"] == ["1"]
    assert stages["In review"] == ["1"]
    assert stages["Received"] == ["0"]  # the September application is outside the period

    by_clock = _rows("at_risk_clock", today)
    assert by_clock["Records"] == [0, 1, 1]  # overdue
    assert by_clock["Determination"] == [1, 0, 1]  # due in two days
    by_reviewer = _rows("at_risk_reviewer", today)
    assert by_reviewer["Jane Roe REV-P (REV-P)"] == [1, 0, 1]
    assert by_reviewer["No reviewer assigned"] == [0, 1, 1]

    load = _rows("load", today)
    assert load["Jane Roe REV-P (REV-P)"] == [2, 5, "40.0%", "no", "active"]  # open, carried

    weekly = _rows("weekly", today)
    assert weekly["11/02/2026"] == [2, 0]
    assert weekly["11/09/2026"] == [2, 0]
    assert weekly["11/16/2026"] == [0, 1]

    turnaround = dashboard_table("turnaround", NOVEMBER, today)
    assert turnaround.summary == {"median_days": 31.5, "decided": 2}
    assert "median is 31.5 days" in turnaround.note

    # Each decided determination is in one row, one marked complete after its decision too.
    late = Determination.objects.filter(status="issued", decision_date__month=11).first()
    Case.objects.filter(pk=late.case_id).update(
        records_complete_on=late.decision_date + dt.timedelta(days=2)
    )
    rows = dashboard_table("turnaround", NOVEMBER, today)
    assert sum(row[1] for row in rows.shown_rows()) == rows.summary["decided"] == 2
    assert rows.shown_rows()[0][1] >= 1  # "0-3"

    category = _rows("outcomes_category", today)
    assert category["Pharmaceuticals"] == [2, 1, 1, "50.0%"]
    assert category["Diagnostic: imaging"] == [1, 1, 0, "0.0%"]
    assert category["Physical / occupational therapy"] == [1, 0, 1, "100.0%"]
    specialty = _rows("outcomes_specialty", today)
    assert specialty["Pain Management"] == [3, 2, 1, "33.3%"]
    assert specialty["Orthopedic Surgery"] == [1, 0, 1, "100.0%"]
    drugs = _rows("outcomes_drug_class", today)
    assert drugs == {"Opioids": [1, 0, 1, "100.0%"], "NSAIDs": [1, 1, 0, "0.0%"]}

    eligibility = _rows("eligibility", today)
    assert eligibility == {"Eligible": [1, "33.3%"], "Ineligible": [2, "66.7%"]}
    reasons = _rows("ineligibility_reasons", today)
    assert reasons["Application filed late"] == [2, "100.0%"]
    assert reasons["Application not signed"] == [1, "50.0%"]
    assert reasons["Duplicate application"] == [0, "0.0%"]


def test_a_finding_counts_in_the_period_it_is_dated_not_the_day_it_was_typed_in(case_admin):
    """Found eligible today with the notice of assignment dated 40 days ago: the finding
    belongs to that month, in the dashboard and in the Administrative Director's report."""
    today = timezone.localdate()
    dated = today - dt.timedelta(days=40)
    case = CaseFactory(
        application_received=dated - dt.timedelta(days=1),
        ur_decision_date=dated - dt.timedelta(days=10),
    )
    DisputedItemFactory(case=case, position=1)
    case_eligibility_record(
        case=case, actor=case_admin, eligible=True, overrides=overrides_for(case), notice_on=dated
    )
    then = Period.month(dated.year, dated.month)
    recent = Period(today - dt.timedelta(days=29), today)
    assert eligibility(then)[0].rows[0] == ["Eligible", 1, "100.0%"]
    assert eligibility(recent)[0].rows[0] == ["Eligible", 0, ""]
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(then)))))
    assert ["Applications with an eligibility finding", "1"] in rows
    assert ["Eligible", "1", "100.0%"] in rows
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(recent)))))
    assert ["Applications with an eligibility finding", "0"] in rows


def test_a_corrected_date_assigned_moves_the_eligible_finding_to_its_period(case_admin):
    """Found eligible on 10/28 with the notice dated that day, then the Date Assigned corrected
    to 11/02 (the notice went out later than typed): the finding counts in November, as
    corrected, though it was recorded in October; and no longer in October."""
    with events_written_at(timezone.make_aware(dt.datetime(2026, 10, 28, 12))):
        case = case_taken_in(
            case_admin,
            application_received="2026-10-20",
            ur_decision_date="2026-10-15",
            date_of_injury="2026-09-01",
            date_assigned="2026-10-28",
            notice_sent_by="electronic",
        )
    october, november = Period.month(2026, 10), Period.month(2026, 11)
    assert eligibility(october)[0].rows[0] == ["Eligible", 1, "100.0%"]
    assert eligibility(november)[0].rows[0] == ["Eligible", 0, ""]
    # (The notice's service, which sets the case's Date Assigned too, does not move it:
    # tests/reviews/letters/test_notices.py, the notice served by mail.)

    case_facts_edit(case=case, actor=case_admin, changes={"date_assigned": "2026-11-02"})

    assert eligibility(october)[0].rows[0] == ["Eligible", 0, ""]
    assert eligibility(november)[0].rows[0] == ["Eligible", 1, "100.0%"]
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(november)))))
    assert ["Applications with an eligibility finding", "1"] in rows


def _found_eligible_again(*, recorded_on: int, date_assigned: str | None = None) -> None:
    """The world's ineligible application (found so on 11/04) found eligible, recorded on that
    day of November; with the notice of assignment's Date Assigned when given."""
    ineligible = Case.objects.get(status=CaseStatus.INELIGIBLE)
    finding_recorded(
        ineligible,
        dt.date(2026, 11, recorded_on),
        eligible=True,
        date_assigned=dt.date.fromisoformat(date_assigned) if date_assigned else None,
    )


def test_an_application_found_twice_in_the_period_counts_once_by_its_latest_finding(world):
    # The application found ineligible on 11/04 is found eligible on 11/20 (on appeal, say).
    _found_eligible_again(recorded_on=20)
    rates = dashboard_table("eligibility", NOVEMBER, world)
    assert rates.columns == ["Latest finding in the period", "Applications", "Rate"]
    assert {row[0]: row[1:] for row in rates.rows} == {
        "Eligible": [2, "66.7%"],
        "Ineligible": [1, "33.3%"],
    }
    reasons = _rows("ineligibility_reasons", world)
    assert reasons["Application filed late"] == [1, "100.0%"]
    assert reasons["Application not signed"] == [0, "0.0%"]
    rows = list(csv.reader(io.StringIO(report_csv(monthly_report(NOVEMBER)))))
    assert ["Applications with an eligibility finding", "3"] in rows


def test_the_later_recorded_finding_counts_even_when_it_is_dated_earlier(world):
    # Found ineligible on 11/04; found eligible on 11/25 with the notice of assignment dated
    # 11/03 (the date the administrator gave): the eligible finding replaces the other.
    _found_eligible_again(recorded_on=25, date_assigned="2026-11-03")
    rates = dashboard_table("eligibility", NOVEMBER, world)
    assert {row[0]: row[1] for row in rates.rows} == {"Eligible": 2, "Ineligible": 1}


def _client(role=Role.CASE_ADMIN):
    client = Client()
    client.force_login(UserFactory(role=role))
    return client


def test_the_page_draws_each_chart_with_its_table_and_csv_link(world):
    response = _client().get(
        reverse("reports:dashboard"), {"start": "2026-11-01", "end": "2026-11-30"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "11/01/2026 to 11/30/2026" in page
    assert page.count('<svg class="bar-chart"') >= 10
    assert "style=" not in page.split("<main", 1)[1]
    assert "<script>" not in page
    assert "format=csv&amp;chart=outcomes_drug_class" in page
    assert "Opioids" in page
    # The outcome charts measure the share overturned; the load chart each reviewer's load.
    drugs = page.split('id="chart-outcomes_drug_class"', 1)[1].split("</svg>", 1)[0]
    assert ">100.0%</text>" in drugs and ">0.0%</text>" in drugs
    assert 'width="0"' in drugs  # NSAIDs: none overturned, no bar
    load = page.split('id="chart-load"', 1)[1].split("</svg>", 1)[0]
    assert ">40.0%</text>" in load
    # The weekly chart's bars are the applications; it says so, and the letters are in its table.
    weekly = page.split('id="chart-weekly"', 1)[1].split("</section>", 1)[0]
    assert "The bars show the applications received" in weekly
    assert ">Letters served</th>" in weekly


def test_a_chart_downloads_as_csv(world):
    response = _client().get(
        reverse("reports:dashboard"),
        {
            "start": "2026-11-01",
            "end": "2026-11-30",
            "format": "csv",
            "chart": "outcomes_drug_class",
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "outcomes_drug_class-20261101-20261130.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Drug class", "Decided items", "Upheld", "Overturned", "Overturned rate"]
    assert ["Opioids", "1", "0", "1", "100.0%"] in rows
    missing = _client().get(reverse("reports:dashboard"), {"format": "csv", "chart": "nothing"})
    # Said, not "Page not found" (from QA).
    assert missing.status_code == 400
    assert "“nothing” is not a chart of the dashboard" in missing.content.decode()


def test_a_chart_csv_writes_a_name_that_looks_like_a_formula_as_text(world):
    """From a security review: a reviewer named '=HYPERLINK(...)' (typed in Admin or the roster
    file) was written raw to the load CSV, which a spreadsheet runs on opening."""
    User.objects.filter(username="rev-p").update(first_name='=HYPERLINK("http://x.example/")')
    response = _client().get(
        reverse("reports:dashboard"),
        {"start": "2026-11-01", "end": "2026-11-30", "format": "csv", "chart": "load"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    (row,) = [row for row in rows if "REV-P" in row[1]]
    assert row[1] == """'=HYPERLINK("http://x.example/") Roe REV-P (REV-P)"""
    assert row[2:] == ["2", "5", "40.0%", "no", "active"]


def test_the_weekly_csv_gives_its_weeks_in_iso_and_the_page_as_the_letters_print_them(world):
    """From a review: the weekly CSV gave "11/02/2026" while the case list's CSV gives ISO dates,
    so a spreadsheet joining the two read one column as text."""
    november = {"start": "2026-11-01", "end": "2026-11-30"}
    response = _client().get(
        reverse("reports:dashboard"), {**november, "format": "csv", "chart": "weekly"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Week of", "Applications received", "Letters served"]
    assert ["2026-11-02", "2", "0"] in rows and ["2026-11-16", "0", "1"] in rows
    page = _client().get(reverse("reports:dashboard"), november).content.decode()
    assert '<td data-label="Week of">11/02/2026</td>' in page


def test_a_week_the_period_cuts_is_named_by_its_days_and_marked_in_chart_table_and_csv(world):
    """From a QA pass: November 2026 starts on a Sunday, and its first bar was "10/26/2026"
    (a Monday outside the period) for one day's applications; 2013 began on a Tuesday and the
    CSV's first week was 2012-12-31."""
    november = {"start": "2026-11-01", "end": "2026-11-30"}
    page = _client().get(reverse("reports:dashboard"), november).content.decode()
    weekly = page.split('id="chart-weekly"', 1)[1].split("</section>", 1)[0]
    assert "10/26/2026" not in weekly
    for label in (
        "11/01/2026 (one day of the week)",
        "11/30/2026 (one day of the week)",
    ):
        assert f">{label}</text>" in weekly  # the bar's label
        assert f'<td data-label="Week of">{label}</td>' in weekly
    assert '<td data-label="Week of">11/02/2026</td>' in weekly  # a whole week: its Monday
    response = _client().get(
        reverse("reports:dashboard"), {**november, "format": "csv", "chart": "weekly"}
    )
    labels = [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]
    assert labels == [
        "2026-11-01 (one day of the week)",
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
        "2026-11-30 (one day of the week)",
    ]
    first = dashboard_table("weekly", Period(D(2013, 1, 1), D(2013, 1, 31)), world).rows[0][0]
    assert first.written() == "2013-01-01 to 2013-01-06 (part of week)"
    across = dashboard_table("weekly", Period(D(2012, 12, 31), D(2013, 1, 2)), world)
    assert across.shown_rows()[0][0] == "12/31/2012-01/02/2013 (part of week)"


def test_the_default_period_is_the_last_30_days_and_a_bad_one_says_so(world):
    today = world
    page = _client().get(reverse("reports:dashboard")).content.decode()
    start = today - dt.timedelta(days=29)
    assert f"{start:%m/%d/%Y} to {today:%m/%d/%Y}" in page
    page = (
        _client()
        .get(reverse("reports:dashboard"), {"start": "2026-11-30", "end": "2026-11-01"})
        .content.decode()
    )
    # Said above the dates as an error (from a QA pass: a plain column beside the fields).
    assert (
        '<div class="form-error" role="alert" id="period-problem" tabindex="-1" autofocus>'
        "<p>The period&#x27;s start comes after"
    ) in page


def test_an_end_alone_early_in_2013_counts_from_the_day_imr_began(world):
    """From a review: with no start, the default's 30 days reached back before 2013 and the
    page said "cannot start before 01/01/2013" of a date nobody gave."""
    page = html.unescape(
        _client().get(reverse("reports:dashboard"), {"end": "2013-01-10"}).content.decode()
    )
    assert "cannot start before" not in page
    assert "01/01/2013 to 01/10/2013" in page


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"start": "9999-12-20", "end": "9999-12-31"}, "cannot end after"),
        ({"start": "2026-12-05", "end": "2026-11-01"}, "The period's start comes after its end."),
        ({"start": "abc"}, "“abc” is not a date for “From”: give it as MM/DD/YYYY."),
        # From QA: well formed, but no real day; it was told to be given as MM/DD/YYYY.
        ({"start": "2026-02-30"}, "“2026-02-30” for “From” is no day of the calendar"),
        ({"end": "0001-01-01"}, "cannot end before 01/01/2013"),
    ],
)
def test_a_chart_csv_for_a_period_that_is_none_is_refused_saying_why(world, asked, said):
    """From a QA pass: the CSV of a bad period was the last 30 days' figures, named so in the
    file name only, which nobody reads before opening the spreadsheet."""
    response = _client().get(
        reverse("reports:dashboard"), {**asked, "format": "csv", "chart": "stages"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    text = response.content.decode()
    assert said in text and "No CSV was made" in text
    assert "Showing the last 30 days" not in text


def test_a_date_given_as_the_error_asks_is_taken(world):
    """From a QA pass: the error asked for YYYY-MM-DD while the date fields show mm/dd/yyyy;
    it now asks for MM/DD/YYYY, and a date given so is counted."""
    page = _client().get(reverse("reports:dashboard"), {"start": "garbage"}).content.decode()
    assert "“garbage” is not a date for “From”: give it as MM/DD/YYYY." in page
    assert "YYYY-MM-DD" not in page
    fields = _period_fields(
        _client().get(reverse("reports:dashboard"), {"start": "11/03/2026"}).content.decode()
    )
    assert 'name="start" value="2026-11-03"' in fields


def test_a_period_not_begun_or_not_ended_says_what_its_figures_count(world):
    """From QA: a period in the future showed all zeros without a word."""
    today = timezone.localdate()
    ahead = {"start": (today + dt.timedelta(days=10)).isoformat()}
    ahead["end"] = (today + dt.timedelta(days=40)).isoformat()
    page = _client().get(reverse("reports:dashboard"), ahead).content.decode()
    assert "This period has not begun: nothing in it has happened yet" in page
    # From QA: "From" ahead with "To" left empty read "The period's start comes after its end".
    page = _client().get(reverse("reports:dashboard"), {"start": ahead["start"]}).content.decode()
    assert "This period has not begun" in page and "comes after its end" not in page
    running = {"start": (today - dt.timedelta(days=5)).isoformat(), "end": ahead["end"]}
    page = _client().get(reverse("reports:dashboard"), running).content.decode()
    assert f"its figures count up to today ({today:%m/%d/%Y})" in page
    page = _client().get(reverse("reports:dashboard")).content.decode()
    assert "has not begun" not in page and "count up to today" not in page


def _period_fields(page: str) -> str:
    return page.split('id="period-title"', 1)[1].split("</form>", 1)[0]


def test_the_period_fields_show_the_dates_counted(world):
    today = world
    start = today - dt.timedelta(days=29)
    fields = _period_fields(_client().get(reverse("reports:dashboard")).content.decode())
    assert f'name="start" value="{start.isoformat()}"' in fields
    assert f'name="end" value="{today.isoformat()}"' in fields
    fields = _period_fields(
        _client().get(reverse("reports:dashboard"), {"start": "2026-11-03"}).content.decode()
    )
    assert 'name="start" value="2026-11-03"' in fields
    assert f'name="end" value="{today.isoformat()}"' in fields


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        ({"start": "garbage"}, "“garbage” is not a date for “From”: give it as MM/DD/YYYY."),
        (
            {"start": "2026-11-01", "end": "2026-02-30"},
            "“2026-02-30” for “To” is no day of the calendar: choose another.",
        ),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "The period's start comes after its end."),
        # From a QA pass: a year-9999 period was a server error (its last week has no Monday
        # after it), year 1 headed the page "01/01/1", a five-digit year looked ignored.
        ({"start": "9999-12-20", "end": "9999-12-31"}, "cannot end after"),
        ({"start": "0001-01-01", "end": "0001-01-31"}, "cannot start before 01/01/2013"),
        ({"start": "99999-01-01"}, "“99999-01-01” is not a date for “From”"),
        # From a QA pass: an end in January of year 1 counted its default start 30 days back,
        # before the calendar's first day (OverflowError, a server error).
        ({"end": "0001-01-01"}, "cannot end before 01/01/2013"),
        ({"end": "0001-01-29"}, "cannot end before 01/01/2013"),
        ({"start": "2026-11-01", "end": "9999-12-31"}, "cannot end after"),
        ({"start": "9999-12-31"}, "start comes after its end"),
    ],
)
def test_dates_that_make_no_period_say_so_and_the_default_is_counted(world, asked, said):
    today = world
    start = today - dt.timedelta(days=29)
    page = html.unescape(_client().get(reverse("reports:dashboard"), asked).content.decode())
    shown = f"{start:%m/%d/%Y} to {today:%m/%d/%Y}"
    assert f"{said}" in page
    assert f"Showing the last 30 days ({shown}), not the dates entered" in page
    assert shown in page.split('id="period-title"', 1)[0]
    # From QA: the fields were reset to the default period, losing the dates typed; they keep
    # them, so one can be corrected, and no error is said again under each field.
    fields = _period_fields(page)
    for name in ("start", "end"):
        assert f'name="{name}" value="{asked.get(name, "")}"' in fields
    assert "field-error" not in fields


def test_a_start_after_its_end_keeps_both_dates_as_typed(world):
    """From QA: From 12/05/2026 and To 11/01/2026 said "Showing the last 30 days" but reset both
    fields to that period, losing what was typed."""
    asked = {"start": "12/05/2026", "end": "11/01/2026"}
    page = html.unescape(_client().get(reverse("reports:dashboard"), asked).content.decode())
    assert "The period's start comes after its end. Showing the last 30 days (" in page
    fields = _period_fields(page)
    assert 'name="start" value="2026-12-05"' in fields
    assert 'name="end" value="2026-11-01"' in fields


def test_what_is_no_date_stays_in_a_text_box_marked_and_the_problem_is_focused(world):
    """From QA: "garbage" and "2026-13-45" came back in date boxes, which cannot hold them:
    both showed empty, and Show then sent the default period without a word."""
    asked = {"start": "garbage", "end": "2026-13-45"}
    page = html.unescape(_client().get(reverse("reports:dashboard"), asked).content.decode())
    fields = _period_fields(page)
    for name, typed in asked.items():
        box = re.search(rf'<input [^>]*name="{name}"[^>]*>', fields).group(0)
        assert 'type="text"' in box and f'value="{typed}"' in box
        assert 'aria-invalid="true"' in box and 'aria-describedby="period-problem"' in box
    problem = re.search(r'<div class="form-error"[^>]*>', page).group(0)
    assert 'id="period-problem"' in problem and "autofocus" in problem
    # A period that is wrong as a whole keeps its date boxes, both marked.
    asked = {"start": "2026-12-05", "end": "2026-11-01"}
    page = html.unescape(_client().get(reverse("reports:dashboard"), asked).content.decode())
    for name in asked:
        box = re.search(rf'<input [^>]*name="{name}"[^>]*>', _period_fields(page)).group(0)
        assert 'type="date"' in box and 'aria-invalid="true"' in box


def test_each_stage_count_opens_the_same_cases_on_the_case_list(world):
    """From QA: "Cases by stage" counted the period's applications by their status today, and
    nothing on the case list could show them (no received-date filter, no link)."""
    client = _client()
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    page = html.unescape(client.get(reverse("reports:dashboard"), period).content.decode())
    links = dict(
        (label, (href, count))
        for href, label, count in re.findall(
            r'<a href="(/cases/\?[^"]+)" aria-label="([^:"]+): (\d+), on the case list">\d+</a>',
            _stages(page),
        )
    )
    assert set(links) == {label for _, label in CaseStatus.choices}
    href, count = links["In review"]
    assert href == ("/cases/?status=in_review&received_from=2026-11-01&received_to=2026-11-30")
    listed = client.get(href).content.decode()
    assert listed.count('class="case-link"') == int(count) == 1
    href, count = links["Issued"]
    assert client.get(href).content.decode().count('class="case-link"') == int(count)


def _stages(page: str) -> str:
    return page.split('id="chart-stages"', 1)[1].split("</table>", 1)[0]


def test_the_figures_are_kept_a_minute_and_refresh_on_demand(world):
    """At volume each chart is an aggregate over the period's cases: the page computes them at
    most once a minute per period, says when, and recomputes on "Refresh now"."""
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    first = _client().get(reverse("reports:dashboard"), period).content.decode()
    assert "Figures as of" in first and "fresh=1" in first
    CaseFactory(application_received=dt.date(2026, 11, 5), status=CaseStatus.SUBMITTED)
    again = _client().get(reverse("reports:dashboard"), period).content.decode()
    assert _stages(again) == _stages(first)
    fresh = _client().get(reverse("reports:dashboard"), {**period, "fresh": "1"}).content.decode()
    assert _stages(fresh) != _stages(first)
    # The new figures are the ones kept from then on.
    later = _client().get(reverse("reports:dashboard"), period).content.decode()
    assert _stages(later) == _stages(fresh)
    # A chart's CSV asked fresh takes them again too (from QA: it kept the minute's copy).
    CaseFactory(application_received=dt.date(2026, 11, 6), status=CaseStatus.SUBMITTED)
    csv_asked = {**period, "format": "csv", "chart": "stages"}
    kept = _client().get(reverse("reports:dashboard"), csv_asked).content.decode()
    taken = _client().get(reverse("reports:dashboard"), {**csv_asked, "fresh": "1"})
    assert kept != taken.content.decode()
    assert "Submitted,2" in taken.content.decode()


def test_each_period_draws_its_own_charts(world):
    # The drawn charts are kept with the figures, by period: another period never shows them.
    CaseFactory(application_received=dt.date(2026, 11, 5), status=CaseStatus.SUBMITTED)
    november = {"start": "2026-11-01", "end": "2026-11-30"}
    october = {"start": "2026-10-01", "end": "2026-10-31"}
    first = _client().get(reverse("reports:dashboard"), november).content.decode()
    other = _client().get(reverse("reports:dashboard"), october).content.decode()
    assert _stages(other) != _stages(first)
    assert "end=2026-10-31&amp;format=csv&amp;chart=stages" in other
    again = _client().get(reverse("reports:dashboard"), november).content.decode()
    assert _stages(again) == _stages(first)
    assert "end=2026-11-30&amp;format=csv&amp;chart=stages" in again


def test_the_at_risk_chart_shows_the_25_reviewers_with_most_and_the_csv_all(settings):
    today = timezone.localdate()
    for index in range(27):
        reviewer = reviewer_with_profile(f"REV-{index:02d}")
        case = CaseFactory(
            status=CaseStatus.IN_REVIEW,
            due_on=today + dt.timedelta(days=1),
            date_assigned=today,
        )
        Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)
    page = _client().get(reverse("reports:dashboard")).content.decode()
    chart = page.split('id="chart-at_risk_reviewer"', 1)[1].split("</section>", 1)[0]
    assert chart.count("<tr>") == 1 + 25
    assert "The 25 with the most of 27 (the CSV has every one)." in chart
    rows = dashboard_table("at_risk_reviewer", NOVEMBER, today).rows
    assert len(rows) == 27


def test_a_charts_csv_gives_the_figures_the_page_shows():
    """From a QA pass: the page's figures are taken at most once a minute, and the CSV was
    counted afresh: a case assigned in that minute was in the CSV and not on the page."""
    today = timezone.localdate()
    reviewer = reviewer_with_profile("REV-CSV", first_name="Ann", last_name="Lee")
    period = {"start": "2026-11-01", "end": "2026-11-30"}

    def load_csv(**extra):
        response = _client().get(
            reverse("reports:dashboard"), {**period, "format": "csv", "chart": "load", **extra}
        )
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        return {row[1]: row[2] for row in rows[1:]}  # after the "As of" column

    page = _client().get(reverse("reports:dashboard"), period).content.decode()
    assert "Ann Lee (REV-CSV)" in page
    case = CaseFactory(status=CaseStatus.IN_REVIEW, due_on=today + dt.timedelta(days=9))
    Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)

    assert load_csv()["Ann Lee (REV-CSV)"] == "0"  # as the page shows it
    page = _client().get(reverse("reports:dashboard"), {**period, "fresh": "1"}).content.decode()
    assert load_csv()["Ann Lee (REV-CSV)"] == "1"  # refreshed: the page and the CSV alike


def test_two_reviewers_of_one_name_are_two_rows_of_the_at_risk_chart():
    today = timezone.localdate()
    for external_id, cases in (("REV-A", 2), ("REV-B", 1)):
        reviewer = reviewer_with_profile(external_id, first_name="John", last_name="Lee")
        for _ in range(cases):
            case = CaseFactory(
                status=CaseStatus.IN_REVIEW,
                due_on=today + dt.timedelta(days=1),
                date_assigned=today,
            )
            Assignment.objects.create(
                case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED
            )

    rows = dashboard_table("at_risk_reviewer", NOVEMBER, today).rows

    assert rows == [["John Lee (REV-A)", 2, 0, 2], ["John Lee (REV-B)", 1, 0, 1]]


def test_the_case_administrators_home_is_the_dashboard():
    assert _client().get(reverse("casefile:home"))["Location"] == reverse("reports:dashboard")


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.CASE_ADMIN, 200),
        (Role.SYSTEM_ADMIN, 200),
        (Role.QUALITY_REVIEWER, 200),
        (Role.REVIEWER, 403),
    ],
)
def test_who_sees_the_dashboard(role, status):
    assert _client(role).get(reverse("reports:dashboard")).status_code == status


def test_the_monthly_report_as_csv(world):
    text = report_csv(monthly_report(NOVEMBER))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["IMR monthly report to the Administrative Director", "November 2026"]
    assert ["Applications received", "4"] in rows
    # A row that reads alone (from QA: "of which expedited" was not indented under it).
    assert ["Applications received, expedited", "0"] in rows
    assert ["Determinations issued", "2"] in rows
    assert ["Determination letters served", "1"] in rows
    # Lab. Code 4610.6(d): 17 days is on time, 46 days is late.
    assert ["Standard", "1", "1", "0", "50.0%"] in rows
    assert any(
        row[:2]
        == [
            "Timeliness: determinations decided within the statutory time",
            "Lab. Code 4610.6(d); 8 CCR 9792.10.6",
        ]
        for row in rows
    )
    assert ["Opioids", "1", "0", "1", "100.0%"] in rows


def test_the_monthly_report_command_writes_both_files(world, tmp_path):
    out = io.StringIO()
    call_command("ad_monthly_report", "2026-11", str(tmp_path / "reports"), stdout=out)
    csv_path = tmp_path / "reports" / "ad-monthly-report-2026-11.csv"
    pdf_path = tmp_path / "reports" / "ad-monthly-report-2026-11.pdf"
    assert out.getvalue().split() == [str(csv_path), str(pdf_path)]
    assert "Applications received,4" in csv_path.read_text()
    assert pdf_path.read_bytes().startswith(b"%PDF")
    with pytest.raises(CommandError, match="not a month"):
        call_command("ad_monthly_report", "2026-13", str(tmp_path))
    with pytest.raises(CommandError, match="January 1999 is before Independent Medical Review"):
        call_command("ad_monthly_report", "1999-01", str(tmp_path / "early"))
    assert not (tmp_path / "early").exists()


def _pdf_pages(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")


def test_only_the_dashboard_which_draws_bars_speaks_of_bars(world):
    report = monthly_report(NOVEMBER)
    text = "".join(_pdf_pages(report_pdf(report)))
    assert "Outcomes by treatment category" in text
    assert "bars" not in text
    assert "bars" not in report_csv(report)
    page = (
        _client()
        .get(reverse("reports:dashboard"), {"start": "2026-11-01", "end": "2026-11-30"})
        .content.decode()
    )
    chart = page.split('id="chart-outcomes_category"', 1)[1].split("</section>", 1)[0]
    assert "The bars show the share overturned." in chart


@pytest.mark.parametrize("rows_before", range(20, 28))
def test_a_section_heading_never_ends_a_page_of_the_report_alone(world, rows_before):
    """Whatever comes before it, "Timeliness" starts on the page its table starts on (with
    24 or 25 rows before it, it used to sit alone at the foot of page 1)."""
    before = Table(
        "before", "Before", ["Row", "Count"], [[f"row {n}", n] for n in range(rows_before)]
    )
    report = monthly_report(NOVEMBER)
    timeliness = next(table for table in report.tables if table.name == "timeliness")
    report = MonthlyReport(NOVEMBER, [before, timeliness], report.made_at)
    (page,) = [page for page in _pdf_pages(report_pdf(report)) if timeliness.title in page]
    assert "Rule: Lab. Code 4610.6(d)" in page
    assert "On-time rate" in page and "Standard" in page


def test_with_a_shared_cache_every_web_process_reads_the_figures_one_took(settings, world):
    """CACHE_URL: the kept figures live in Redis, so another web process (here: a second
    connection, as another gunicorn worker or host has) finds them and shows the same time."""
    url = "redis://127.0.0.1:6379/13"
    other_process = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        other_process.ping()
    except redis.RedisError as error:
        _service_missing(f"Redis ({url})", error)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    cache.clear()
    try:
        period = {"start": "2026-11-01", "end": "2026-11-30"}
        page = _client().get(reverse("reports:dashboard"), period).content.decode()
        kept = [key for key in other_process.scan_iter("*reports:dashboard:v6:2026-11-01*")]
        assert len(kept) == 2  # the page's tables, and with every row for the CSVs
        taken = page.split("Figures as of ", 1)[1].split(" (", 1)[0]
        again = _client().get(reverse("reports:dashboard"), period).content.decode()
        assert f"Figures as of {taken} (" in again
    finally:
        cache.clear()


def _findings_of_kinds(case_admin):
    """An eligible finding with its notice, one whose Date Assigned was corrected after the
    notice, and an ineligible one."""
    noticed, corrected, ineligible = (CaseFactory() for _ in range(3))
    finding_recorded(noticed, dt.date(2026, 10, 28), eligible=True, date_assigned=D(2026, 10, 27))
    finding_recorded(corrected, dt.date(2026, 10, 28), eligible=True, date_assigned=D(2026, 10, 28))
    with events_written_at(timezone.make_aware(dt.datetime(2026, 11, 3, 9))):
        case_events.case_facts_edited(
            case=corrected,
            actor=case_admin,
            changes=[{"field": "date_assigned", "old": "2026-10-28", "new": "2026-11-02"}],
            moved=[],
        )
    finding_recorded(ineligible, dt.date(2026, 11, 6), eligible=False, codes=("not_signed",))
    return noticed, corrected, ineligible


_FINDING_COLUMNS = tuple(field.name for field in dataclasses.fields(FindingDates))


def _findings_kept() -> list[tuple]:
    return list(EligibilityFinding.objects.order_by("event_id").values_list(*_FINDING_COLUMNS))


def test_findings_recorded_before_their_dates_were_kept_are_dated_alike_by_the_migration(
    case_admin,
):
    """The migration that added the findings' dates replays each case's events: the findings
    get the dates the events functions gave them as they were written."""
    migration = importlib.import_module("cases.migrations.0037_eligibility_finding_dates")
    _findings_of_kinds(case_admin)
    kept = _findings_kept()
    assert [row[-1] for row in kept] == [
        D(2026, 10, 27),  # by its notice
        D(2026, 11, 2),  # by the corrected Date Assigned
        D(2026, 11, 6),  # ineligible: the day recorded
    ]

    EligibilityFinding.objects.all().delete()
    migration.findings_from_events(django_apps, None)

    assert _findings_kept() == kept


@pytest.mark.parametrize(
    "top",
    [
        {},  # the first corrections: the list of changes alone
        {"date_assigned": "2026-11-02"},  # then a copy at the top under the field's name
        {"date_assigned_corrected": "2026-11-02"},  # then under a name of its own
    ],
)
def test_the_migration_reads_a_correction_in_every_shape_it_was_recorded_in(case_admin, top):
    """Date Assigned corrections recorded before the findings' dates were kept moved the
    finding in the monthly report then; the migration dates it by them whatever the shape of
    their event (each has kept the list of changes)."""
    migration = importlib.import_module("cases.migrations.0037_eligibility_finding_dates")
    case = CaseFactory()
    finding_recorded(case, dt.date(2026, 10, 28), eligible=True, date_assigned=D(2026, 10, 28))
    with events_written_at(timezone.make_aware(dt.datetime(2026, 11, 3, 9))):
        case_events.event_record(
            case=case,
            type=EventType.FACTS_EDITED,
            actor=case_admin,
            changes=[{"field": "date_assigned", "old": "2026-10-28", "new": "2026-11-02"}],
            moved=[],
            **top,
        )
    EligibilityFinding.objects.all().delete()

    migration.findings_from_events(django_apps, None)

    finding = EligibilityFinding.objects.get(case=case)
    assert (finding.notice_on, finding.corrected_on, finding.found_on) == (
        D(2026, 10, 28),
        D(2026, 11, 2),
        D(2026, 11, 2),
    )
    assert eligibility_findings(Period(D(2026, 11, 1), D(2026, 11, 30))).get() == finding


def test_the_findings_check_names_each_finding_that_differs_from_its_events_and_repairs_it(
    case_admin,
):
    """`manage.py eligibility_findings` replays the events and compares: a finding row lost,
    one dated differently and one that belongs to no finding are each named by case number,
    the command fails, and with --repair the rows are made again from the events (so the
    monthly report counts them as the events say)."""
    noticed, corrected, ineligible = _findings_of_kinds(case_admin)
    kept = _findings_kept()
    out = io.StringIO()
    call_command("eligibility_findings", stdout=out)
    assert out.getvalue().strip() == "0 eligibility findings differ from their events"

    EligibilityFinding.objects.filter(case=noticed).delete()
    EligibilityFinding.objects.filter(case=corrected).update(found_on=D(2026, 10, 28))
    stray = case_events.event_record(case=ineligible, type=EventType.REMINDER_SENT)
    EligibilityFinding.objects.create(
        event=stray,
        case=ineligible,
        eligible=True,
        recorded_on=D(2026, 11, 7),
        found_on=D(2026, 11, 7),
    )
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 eligibility findings differ"):
        call_command("eligibility_findings", stdout=out)
    lines = out.getvalue().splitlines()
    assert f"{noticed.case_number} event {kept[0][0]}: missing, counts on 2026-10-27" in lines
    assert (
        f"{corrected.case_number} event {kept[1][0]}: dated differently: "
        "found_on 2026-10-28 → 2026-11-02"
    ) in lines
    assert f"{ineligible.case_number} event {stray.pk}: not a finding" in lines
    assert _findings_kept() != kept  # the check alone changes nothing

    out = io.StringIO()
    call_command("eligibility_findings", "--repair", stdout=out)
    assert "3 eligibility findings differ from their events, made again from them" in out.getvalue()
    assert _findings_kept() == kept
    call_command("eligibility_findings", stdout=io.StringIO())


def _findings_drifted(noticed, corrected):
    """Two stored findings no longer as their events say: one lost, one dated back a week."""
    EligibilityFinding.objects.filter(case=noticed).delete()
    EligibilityFinding.objects.filter(case=corrected).update(found_on=D(2026, 10, 28))


def test_beat_checks_the_findings_daily_repairs_them_and_tells_the_system_administrators(
    case_admin, mailoutbox, settings
):
    """Beat's daily run makes each finding that differs again from its events, so November's
    report counts them as the events say, and the system administrators are told (a bell in
    the app and an e-mail naming each case); a run with nothing to mend tells nobody."""
    settings.ELIGIBILITY_FINDINGS_REPAIR = True
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")
    noticed, corrected, _ineligible = _findings_of_kinds(case_admin)
    kept = _findings_kept()
    assert eligibility_findings_check_task() == 0
    assert mailoutbox == [] and not Notification.objects.exists()

    _findings_drifted(noticed, corrected)
    november = Period(D(2026, 11, 1), D(2026, 11, 30))
    assert eligibility_findings(november).count() == 1  # the corrected one counts in October

    assert eligibility_findings_check_task() == 2
    assert _findings_kept() == kept
    assert eligibility_findings(november).count() == 2
    (message,) = mailoutbox
    assert message.to == ["sysadmin@example.org"]
    assert "2 eligibility finding(s) differed" in message.subject
    assert f"- {noticed.case_number} event {kept[0][0]}: missing, counts on 2026-10-27" in (
        message.body
    )
    assert f"{corrected.case_number} event {kept[1][0]}: dated differently" in message.body
    assert "were made again from the events" in message.body
    (bell,) = Notification.objects.filter(user=sysadmin)
    assert "2 eligibility finding(s)" in bell.text and not bell.urgent

    assert eligibility_findings_check_task() == 0  # nothing left: told once
    assert len(mailoutbox) == 1


def test_the_findings_mail_names_the_first_and_counts_the_rest(
    case_admin, mailoutbox, settings, monkeypatch
):
    """Past its length, the mail of findings that differ names the first and counts the
    others, which `manage.py eligibility_findings` lists."""
    settings.ELIGIBILITY_FINDINGS_REPAIR = False
    UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")
    noticed, corrected, _ineligible = _findings_of_kinds(case_admin)
    _findings_drifted(noticed, corrected)
    monkeypatch.setattr(findings_check, "ALERT_LINES", 1)

    assert eligibility_findings_check_task() == 2

    (message,) = mailoutbox
    named = [case for case in (noticed, corrected) if case.case_number in message.body]
    assert len(named) == 1
    assert "\n- and 1 more\n" in message.body


def test_with_repair_off_beat_only_reports_and_the_stored_dates_stand(
    case_admin, mailoutbox, settings
):
    settings.ELIGIBILITY_FINDINGS_REPAIR = False
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")
    noticed, corrected, _ineligible = _findings_of_kinds(case_admin)
    _findings_drifted(noticed, corrected)
    drifted = _findings_kept()

    assert eligibility_findings_check_task() == 2
    assert _findings_kept() == drifted
    assert "manage.py eligibility_findings --repair" in mailoutbox[0].body
    assert Notification.objects.get(user=sysadmin).urgent


def test_a_finding_written_while_the_check_sweeps_is_not_taken_for_a_difference(
    case_admin, mailoutbox, monkeypatch
):
    """The sweep reads the rows and the events without locks, so a finding written between
    its two reads looks missing; each case it names is compared again with the case locked,
    and only what still differs is reported or repaired."""
    noticed, _corrected, _ineligible = _findings_of_kinds(case_admin)
    UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")
    kept = _findings_kept()
    compared = findings_check._compared

    def sweep_then_look_again(case_ids=None):
        if case_ids is None:  # the sweep, as if it read the events before the row was written
            return [findings_check.FindingDifference("missing", kept[0], None)]
        assert case_ids == {noticed.pk}
        return compared(case_ids)

    monkeypatch.setattr(findings_check, "_compared", sweep_then_look_again)
    assert eligibility_findings_check_task() == 0
    assert _findings_kept() == kept
    assert mailoutbox == [] and not Notification.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
def test_the_cases_the_sweep_names_are_compared_again_with_their_rows_locked(case_admin):
    """What the sweep found is only believed once each case it named is read again under the
    lock every writer of a finding holds: the lock comes first, then the second comparison."""
    noticed, corrected, _ineligible = _findings_of_kinds(case_admin)
    _findings_drifted(noticed, corrected)
    with CaptureQueriesContext(connection) as captured:
        check = findings_check.eligibility_findings_check(repair=False)
    assert {d.case_id for d in check.differing} == {noticed.pk, corrected.pk}
    queries = [query["sql"] for query in captured.captured_queries]
    lock = next(
        n for n, sql in enumerate(queries) if sql.endswith("FOR UPDATE") and "cases_case" in sql
    )
    assert str(noticed.pk) in queries[lock] and str(corrected.pk) in queries[lock]
    again = [sql for sql in queries[lock + 1 :] if "cases_eligibilityfinding" in sql]
    assert again and all(str(corrected.pk) in sql for sql in again)


def test_the_beat_schedule_runs_the_findings_check(settings):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    check = schedule["cases.tasks.eligibility_findings_check"]["schedule"]
    # Daily at 02:30 California time, a quiet hour: a repair holds its cases' locks.
    assert (check.hour, check.minute) == ({2}, {30})


# --- From a QA pass on the dashboard and the monthly report ----------------------------------


def _wide_bars(page: str, chart: str) -> dict[str, tuple[int, str]]:
    """The wide drawing of a chart as the page sends it: each bar's label (its lines joined),
    its width in the drawing's units and any mark inside it."""
    svg = page.split(f'id="chart-{chart}"', 1)[1].split("</svg>", 1)[0]
    bars = {}
    for label, width, rest in re.findall(
        r'<text class="bar-chart__label"[^>]*>(.*?)</text>\s*'
        r'(?:<rect class="bar-chart__track"[^>]*></rect>\s*)?'
        r'<rect class="bar-chart__bar[^"]*"[^>]*width="(\d+)"[^>]*></rect>'
        r"(\s*<text class=\"bar-chart__over\"[^>]*>[^<]*</text>)?",
        svg,
        flags=re.S,
    ):
        words = " ".join(re.sub(r"<[^>]+>", " ", label).split())
        bars[html.unescape(words)] = (int(width), re.sub(r"<[^>]+>", "", rest).strip())
    return bars


def _dashboard(period=("2026-11-01", "2026-11-30")) -> str:
    start, end = period
    return html.unescape(
        _client().get(reverse("reports:dashboard"), {"start": start, "end": end}).content.decode()
    )


def test_an_overturned_rate_is_drawn_against_100_percent_not_against_the_highest_rate(world):
    """From a QA pass: each outcome chart scaled its bars to its highest rate, so a specialty at
    50% overturned was a full bar. Here the highest of each chart is 50%: half a bar."""
    Determination.objects.filter(reviewer__reviewer_profile__external_id="REV-O").delete()
    room = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    page = _dashboard()
    assert _wide_bars(page, "outcomes_category")["Pharmaceuticals"] == (room // 2, "")
    assert _wide_bars(page, "outcomes_drug_class")["Opioids"] == (room, "")  # 100.0%
    specialty = _wide_bars(page, "outcomes_specialty")
    assert specialty["Pain Management"] == (round(room / 3), "")  # 33.3%, the highest
    assert specialty["Pain Management"][0] < room / 2
    # Each share's whole is drawn behind its bar, so a half reads as half of something
    svg = page.split('id="chart-outcomes_category"', 1)[1].split("</svg>", 1)[0]
    assert f'class="bar-chart__track" x="{charts.LABEL_WIDTH}"' in svg
    assert f'width="{room}"' in svg


def test_each_reviewers_load_is_drawn_against_their_own_capacity(world):
    """From a QA pass: the bars were drawn against the busiest reviewer, so 1 case of 10 was a
    full bar. Now 1 of 10 is a tenth of one, and a reviewer past capacity a full bar marked
    over, the number saying by how much."""
    reviewer_with_profile("REV-TENTH", max_open_cases=10, carried_open_cases=1, last_name="Ten")
    reviewer_with_profile("REV-OVER", max_open_cases=10, carried_open_cases=12, last_name="Over")
    room = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    page = _dashboard()
    bars = _wide_bars(page, "load")
    assert bars["Jane Ten (REV-TENTH)"] == (room // 10, "")
    assert bars["Jane Roe REV-P (REV-P)"] == (round(room * 0.4), "")  # 2 of 5
    assert bars["Jane Over (REV-OVER)"] == (room, "over capacity")
    svg = page.split('id="chart-load"', 1)[1].split("</svg>", 1)[0]
    assert ">120.0%</text>" in svg
    assert "full bar marked over capacity" in page.split('id="chart-load"', 1)[1]


def test_eligibility_is_drawn_as_each_findings_share_of_the_applications(world):
    """From a QA pass: the bars were drawn against the larger count, so the larger finding was
    a full bar whatever its share. One eligible of three is a third of the room."""
    room = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    page = _dashboard()
    bars = _wide_bars(page, "eligibility")
    assert bars["Eligible"] == (round(room / 3), "")
    assert bars["Ineligible"] == (round(room * 2 / 3), "")
    svg = page.split('id="chart-eligibility"', 1)[1].split("</svg>", 1)[0]
    assert ">33.3%</text>" in svg and ">66.7%</text>" in svg


def test_open_cases_against_no_capacity_are_a_full_bar_said_in_words(world):
    # From a QA pass: a reviewer with a capacity of 0 and open cases had an empty Load cell and
    # no bar, as if idle.
    reviewer_with_profile("REV-NONE", max_open_cases=0, carried_open_cases=2, last_name="None")
    room = charts.WIDTH - charts.LABEL_WIDTH - charts.VALUE_WIDTH
    page = _dashboard()
    assert _wide_bars(page, "load")["Jane None (REV-NONE)"] == (room, "over capacity")
    svg = page.split('id="chart-load"', 1)[1].split("</svg>", 1)[0]
    assert ">no capacity</text>" in svg


def test_a_long_label_is_drawn_whole_on_two_lines():
    """From a QA pass: "Filed by the provider, not an eligible party" was cut to "Filed by the
    provider, not an eligibl…" on the chart, wide or narrow."""
    label = "Filed by the provider, not an eligible party"
    for narrow in (False, True):
        (bar,) = charts.bar_chart("Reasons", [(label, 1, "1")], narrow=narrow).bars
        lines = [bar.label, *(line for _, line in bar.label_more)]
        assert " ".join(lines) == label and "…" not in label
        chars = charts.NARROW_LABEL_CHARS if narrow else charts.LABEL_CHARS
        assert all(len(line) <= chars for line in lines)
    wide = charts.bar_chart("Reasons", [(label, 1, "1"), ("Other", 1, "1")])
    first, second = wide.bars
    assert len(first.label_more) == 1 and second.y > first.label_more[0][0]  # the row grew


@pytest.mark.parametrize("chart", ["load", "at_risk_clock", "at_risk_reviewer"])
def test_the_csv_of_figures_as_of_today_is_named_and_dated_by_today(world, chart):
    """From a QA pass: "load-20271201-20271206.csv" held today's figures under the chosen
    period's dates, and nothing in the file said when they stood."""
    today = world
    response = _client().get(
        reverse("reports:dashboard"),
        {"start": "2026-11-01", "end": "2026-11-30", "format": "csv", "chart": chart},
    )
    assert f'filename="{chart}-asof-{today:%Y%m%d}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "As of" and len(rows) > 1
    assert {row[0] for row in rows[1:]} == {today.isoformat()}
    # A chart of the period keeps the period's name and shape.
    weekly = _client().get(
        reverse("reports:dashboard"),
        {"start": "2026-11-01", "end": "2026-11-30", "format": "csv", "chart": "weekly"},
    )
    assert 'filename="weekly-20261101-20261130.csv"' in weekly["Content-Disposition"]
    assert weekly.content.decode().startswith("Week of,")


def _found_other(world) -> None:
    case = CaseFactory(status=CaseStatus.INELIGIBLE, application_received=D(2026, 11, 12))
    finding_recorded(case, D(2026, 11, 13), eligible=False, codes=("other",))


def test_the_report_names_a_reason_other_without_a_note_its_reader_cannot_see(world):
    """From a QA pass: the report printed "Other (see the note)"; the Administrative Director
    has no access to the note."""
    _found_other(world)
    report = monthly_report(NOVEMBER)
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert ["Other", "1", "33.3%"] in rows
    text = " ".join("".join(_pdf_pages(report_pdf(report))).split())
    assert "Other 1 33.3%" in text
    assert "see the note" not in text and "see the note" not in report_csv(report)
    reasons = _dashboard().split('id="chart-ineligibility_reasons"', 1)[1]
    assert "see the note" not in reasons.split("</section>", 1)[0]


def test_outcomes_by_specialty_give_the_items_decided_each_once(world):
    """From a QA pass: a reviewer certified in several specialties counts an item under each, so
    2 items read as 5 rows of "2 decided items", with only a footnote to say so."""
    Determination.objects.filter(reviewer__reviewer_profile__external_id="REV-O").delete()
    case = CaseFactory(status=CaseStatus.ISSUED, application_received=D(2026, 11, 2))
    many = reviewer_with_profile(
        "REV-MANY",
        certifications=("Pain Management", "Orthopedic Surgery", "Neurology"),
        last_name="Many",
    )
    determination = Determination.objects.create(
        case=case, reviewer=many, status="issued", decision_date=D(2026, 11, 20)
    )
    for position, outcome in enumerate(("upheld", "overturned"), start=1):
        item = DisputedItemFactory(case=case, position=position, category="pt_ot")
        ItemDecision.objects.create(determination=determination, item=item, outcome=outcome)
    # REV-P's 3 items and REV-MANY's 2: 5 items decided, 3 upheld and 2 overturned, once each.
    once = ["Items decided, each once", "5", "3", "2", "40.0%"]
    report = monthly_report(NOVEMBER)
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    section = rows[rows.index(["Outcomes by reviewer specialty", ""]) :]
    assert ["Orthopedic Surgery", "2", "1", "1", "50.0%"] in section
    assert ["Pain Management", "5", "3", "2", "40.0%"] in section
    # Pain Management (REV-P and REV-MANY), then Neurology and Orthopedic Surgery (REV-MANY's
    # 2 items each): 9 decided items in the rows, then the line that counts each once.
    assert [row[0] for row in section[2:5]] == [
        "Pain Management",
        "Neurology",
        "Orthopedic Surgery",
    ]
    assert section[5] == once
    text = " ".join("".join(_pdf_pages(report_pdf(report))).split())
    assert "Items decided, each once 5 3 2 40.0%" in text
    dashboard_csv = _client().get(
        reverse("reports:dashboard"),
        {
            "start": "2026-11-01",
            "end": "2026-11-30",
            "format": "csv",
            "chart": "outcomes_specialty",
        },
    )
    assert list(csv.reader(io.StringIO(dashboard_csv.content.decode())))[-1] == once
    chart = _dashboard().split('id="chart-outcomes_specialty"', 1)[1].split("</section>", 1)[0]
    assert '<td data-label="Specialty">Items decided, each once</td>' in chart
    assert "Items decided, each once" not in chart.split("</svg>", 1)[0]  # not a bar


def _running_headers(pdf: bytes) -> list[str]:
    return [" ".join(page.split()[:40]) for page in _pdf_pages(pdf) if page.strip()]


def test_every_page_of_a_preview_says_whose_report_which_month_and_preview(world):
    """From a QA pass: a preview was marked on page 1 only, and pages 2 and after had no running
    header at all: a page taken alone read as the month's report."""
    long = Table("long", "Long", ["Row", "Count"], [[f"row {n}", n] for n in range(90)])
    made = monthly_report(NOVEMBER, today=D(2026, 11, 20))
    assert made.counted_to == D(2026, 11, 20)
    preview = MonthlyReport(made.period, [long, *made.tables], made.made_at, made.counted_to)
    pages = _running_headers(report_pdf(preview))
    assert len(pages) >= 3
    for page in pages:
        assert "IMR Desk Review Organization" in page
        assert "November 2026" in page
        assert "PREVIEW: counted to 11/20/2026, month not yet ended" in page
    whole = MonthlyReport(NOVEMBER, [long, *made.tables], made.made_at)
    pages = _running_headers(report_pdf(whole))
    assert len(pages) >= 3
    for page in pages:
        assert "IMR Desk Review Organization" in page and "November 2026" in page
        assert "PREVIEW" not in page
