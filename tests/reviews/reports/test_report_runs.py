"""The monthly report made in the background: asked for on the dashboard, counted section by
section by the task (eagerly here; by a real worker in test_report_run_worker.py) with its
progress on the run's page, its PDF and CSV stored with their SHA-256 and downloaded from
there; a month already made reused or made again; a stuck or failed run tried again; a bad
month refused with nothing made."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.outbox.models import FollowUp
from reviews.reports import runs
from reviews.reports.forms import last_month
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.reports.monthly import SECTIONS, monthly_report
from reviews.reports.selectors import Period
from tests.factories import UserFactory
from tests.test_query_budgets import operations_add

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOVEMBER = dt.date(2026, 11, 1)


@pytest.fixture
def admin():
    return UserFactory(role=Role.CASE_ADMIN, first_name="Dana", last_name="Counts")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _ask(client, capture=None, **data):
    url = reverse("reports:report_run_request")
    if capture is None:
        return client.post(url, data)
    # Eagerly, the task runs once the request's transaction commits.
    with capture(execute=True):
        return client.post(url, data)


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _running(admin, *, minutes_ago: int = 0) -> ReportRun:
    return ReportRun.objects.create(
        month=NOVEMBER,
        created_by=admin,
        status=ReportRunStatus.RUNNING,
        steps_total=runs.REPORT_STEPS,
        steps_done=3,
        step="Timeliness",
        heartbeat_at=timezone.now() - dt.timedelta(minutes=minutes_ago),
    )


def test_asked_on_the_dashboard_the_report_is_made_in_the_background_and_downloaded(
    world, admin, django_capture_on_commit_callbacks
):
    client = _client(admin)
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert f'action="{reverse("reports:report_run_request")}"' in dashboard

    response = _ask(client, django_capture_on_commit_callbacks, month="2026-11")
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_run", args=[run.pk])
    assert (run.month, run.status, run.created_by) == (NOVEMBER, ReportRunStatus.DONE, admin)
    assert run.steps_done == run.steps_total == len(SECTIONS) + 2
    assert run.pdf.name.startswith("reports/2026-11/") and run.csv.name.endswith(".csv")
    assert FollowUp.objects.get().task == "reviews.reports.tasks.report_run_work"

    page = client.get(response["Location"]).content.decode()
    assert "Monthly report for November 2026" in page and "every 1s" not in page
    download = reverse("reports:report_run_download", args=[run.pk])
    assert f"{download}?format=pdf" in page and f"{download}?format=csv" in page
    assert "Dana Counts" in page  # who asked, in the list of runs

    csv_response = client.get(download, {"format": "csv"})
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="ad-monthly-report-2026-11.csv"' in csv_response["Content-Disposition"]
    csv_bytes = _body(csv_response)
    assert b"Applications received,4" in csv_bytes
    assert hashlib.sha256(csv_bytes).hexdigest() == run.csv_sha256

    pdf_bytes = _body(client.get(download, {"format": "pdf"}))
    assert hashlib.sha256(pdf_bytes).hexdigest() == run.pdf_sha256
    # A format it is not kept in is said, not "Page not found" (from QA).
    doc = client.get(download, {"format": "doc"})
    assert doc.status_code == 400
    assert "“doc” is not a format the monthly report is kept in" in doc.content.decode()
    text = _pdf_text(pdf_bytes)
    assert "INDEPENDENT MEDICAL REVIEW MONTHLY REPORT" in text and "November 2026" in text
    assert "Rule: Lab. Code 4610.6(d)" in text and "Opioids" in text
    # The sections cited set the rules the numbers measure; none of them asks for the table.
    assert "Required by" not in text

    # The old address serves the month's latest made report.
    old = client.get(reverse("reports:monthly_report"), {"month": "2026-11", "format": "pdf"})
    assert _body(old) == pdf_bytes


def test_a_month_asked_again_reuses_its_run_until_it_is_made_again(
    world, admin, django_capture_on_commit_callbacks
):
    client = _client(admin)
    first = _ask(client, month="2026-11")  # queued: nothing runs it here
    second = _ask(_client(UserFactory(role=Role.SYSTEM_ADMIN)), month="2026-11")
    run = ReportRun.objects.get()
    assert first["Location"] == second["Location"] == reverse("reports:report_run", args=[run.pk])
    assert run.status == ReportRunStatus.QUEUED
    page = client.get(first["Location"]).content.decode()
    assert "Waiting for a worker" in page and 'hx-trigger="every 1s"' in page

    runs.report_run_work(run_id=run.pk)
    response = _ask(client, month="2026-11", follow=False)
    assert response["Location"] == reverse("reports:report_run", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "make it again to count what changed since" in page and "Make it again" in page

    again = _ask(client, django_capture_on_commit_callbacks, month="2026-11", again="1")
    newer = ReportRun.objects.first()
    assert newer.pk != run.pk and again["Location"].endswith(f"/{newer.pk}/")
    assert newer.status == ReportRunStatus.DONE and ReportRun.objects.count() == 2
    # The month's address now serves the newer report.
    old = client.get(reverse("reports:monthly_report"), {"month": "2026-11", "format": "csv"})
    assert hashlib.sha256(_body(old)).hexdigest() == newer.csv_sha256
    # and the lists say which run is current (from QA: two "November 2026 … Done" alike)
    listed = client.get(reverse("reports:dashboard")).content.decode()
    rows = listed.split('id="report-title"', 1)[1].split("<tbody>", 1)[1].split("</tr>")
    assert 'badge--approved">Latest<' in rows[0] and f"/{newer.pk}/" in rows[0]
    assert "(made again since)" in rows[1] and f"/{run.pk}/" in rows[1]


def test_the_page_polls_while_the_run_counts_and_shows_where_it_is(admin):
    run = _running(admin)
    url = reverse("reports:report_run", args=[run.pk])
    page = _client(admin).get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    # The bar counts the steps done; the line names the one under way, the next in turn.
    assert "3 of 9 steps done" in page and "Now on step 4: Timeliness." in page
    assert "Try again" not in page and "Download PDF" not in page  # moving, and not done

    panel = _client(admin).get(url, **HTMX).content.decode()
    assert panel.lstrip().startswith('<div id="report-progress"') and "<html" not in panel
    # A file asked for before it is made: the run's page.
    download = reverse("reports:report_run_download", args=[run.pk])
    assert _client(admin).get(download, {"format": "pdf"})["Location"] == url
    old = _client(admin).get(reverse("reports:monthly_report"), {"month": "2026-11"})
    assert old["Location"] == url


def test_a_stuck_run_is_tried_again_from_the_start(
    world, admin, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_RUN_STUCK_MINUTES = 10
    run = _running(admin, minutes_ago=11)
    client = _client(admin)
    url = reverse("reports:report_run", args=[run.pk])
    page = client.get(url).content.decode()
    assert "Stuck" in page and "Try again" in page
    # No longer polled: the swap every second took the focus off "Try again" (from a review).
    assert 'hx-trigger="every 1s"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_run_retry", args=[run.pk]))
    assert response["Location"] == url
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE and run.steps_done == run.steps_total
    response = client.post(reverse("reports:report_run_retry", args=[run.pk]), follow=True)
    assert "has not failed and is not stuck" in response.content.decode()


def test_a_run_moving_recently_is_not_stuck(admin, settings):
    settings.REPORT_RUN_STUCK_MINUTES = 10
    assert not runs.report_run_stuck(_running(admin, minutes_ago=9))


def test_a_failed_run_says_why_and_is_tried_again(
    world, admin, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(report):
        raise RuntimeError("the letter fonts are missing")

    monkeypatch.setattr(runs, "report_pdf", broken)
    run, made = runs.report_run_request(actor=admin, month="2026-11")
    with pytest.raises(RuntimeError):
        runs.report_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert made and run.status == ReportRunStatus.FAILED and not run.pdf
    client = _client(admin)
    page = client.get(reverse("reports:report_run", args=[run.pk])).content.decode()
    assert "RuntimeError: the letter fonts are missing" in page and "Try again" in page
    assert "every 1s" not in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:report_run_retry", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ReportRunStatus.DONE and run.error == ""


@pytest.mark.parametrize(
    ("month", "said"),
    [
        ("November", "“November” is not a month: give it as MM/YYYY or YYYY-MM"),
        ("2026-13", "“2026-13” is not a month"),
        ("13/2026", "“13/2026” is not a month"),
        # From a QA pass: an empty month said "'' is not a month".
        ("", "Give the month to report on, as MM/YYYY or YYYY-MM: for example"),
        ("2999-01", "January 2999 has not begun"),
        ("01/2999", "January 2999 has not begun"),
        ("1999-01", "January 1999 is before Independent Medical Review began"),
        ("2012-12", "choose January 2013 or later"),
    ],
)
def test_a_bad_month_is_refused_beside_its_field_as_typed_and_nothing_is_made(admin, month, said):
    """From QA: the refusal was said above the page and the month put back to last month's.
    It is said beside the month, which keeps what was typed (a browser without a month picker,
    Firefox's, takes any text), on the dashboard at the period it was sent from."""
    response = _client(admin).post(
        reverse("reports:report_run_request"),
        {"month": month, "start": "2026-10-01", "end": "2026-10-31"},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    error = page[page.index('id="report-month_error"') :]
    assert said in error[: error.index("</p>")]
    field = page[page.index('id="report-month"') :]
    assert f'value="{month}"' in field[: field.index(">")]
    assert 'aria-describedby="report-month_error"' in field[: field.index(">")]
    assert "10/01/2026 to 10/31/2026" in page  # the period it was sent from
    # Drawn at the POST's address: its links and period form lead to the dashboard's own (from
    # a review: "Refresh now", each CSV and "Show" answered 405 Method Not Allowed).
    dashboard = reverse("reports:dashboard")
    links = re.findall(r'href="([^"]*\?start=[^"]*)"', page)
    assert len(links) > 10 and all(link.startswith(dashboard) for link in links), links
    assert f'<form method="get" action="{dashboard}"' in page
    assert not ReportRun.objects.exists() and not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "typed", ["2026-11", "11/2026", "11/2026 ", "November 2026", "Nov 2026", "nov. 2026"]
)
def test_a_month_typed_as_people_write_it_is_read(admin, typed):
    # Firefox shows the month box as plain text: a month typed as people write it is read.
    response = _client(admin).post(reverse("reports:report_run_request"), {"month": typed})
    assert response.status_code == 302
    assert ReportRun.objects.get().month == dt.date(2026, 11, 1)


def test_a_refused_month_comes_back_to_the_period_being_viewed(admin):
    """From a QA pass: a refused month redirected to /dashboard/ and the period being viewed
    (?start=...&end=...) was lost: the figures jumped to the last 30 days."""
    client = _client(admin)
    page = client.get(reverse("reports:dashboard"), {"start": "2026-11-01", "end": "2026-11-30"})
    form = page.content.decode().split('action="' + reverse("reports:report_run_request"), 1)[1]
    assert '<input type="hidden" name="start" value="2026-11-01">' in form.split("</form>")[0]
    response = client.post(
        reverse("reports:report_run_request"),
        {"month": "2999-01", "start": "2026-11-01", "end": "2026-11-30"},
    )
    assert response.status_code == 400  # the dashboard again, at that period
    shown = html.unescape(response.content.decode())
    assert "January 2999 has not begun" in shown
    assert "The operation as a whole, 11/01/2026 to 11/30/2026." in shown
    assert not ReportRun.objects.exists()


def _back(page: str) -> str:
    """Where the run page's "Back to the dashboard" leads."""
    return html.unescape(re.search(r'<a href="([^"]*)">Back to the dashboard</a>', page).group(1))


def test_the_run_page_leads_back_to_the_period_the_report_was_asked_from(
    world, admin, django_capture_on_commit_callbacks
):
    """From QA: "Back to the dashboard" on the run's page went to plain /dashboard/, and the
    period being viewed when the report was asked for was lost (the last 30 days instead)."""
    client = _client(admin)
    period = {"start": "2026-11-01", "end": "2026-11-30"}
    asked = _ask(client, django_capture_on_commit_callbacks, month="2026-11", **period)
    run = ReportRun.objects.get()
    url = reverse("reports:report_run", args=[run.pk])
    assert asked["Location"] == f"{url}?start=2026-11-01&end=2026-11-30"
    page = client.get(asked["Location"]).content.decode()
    assert _back(page) == "/dashboard/?start=2026-11-01&end=2026-11-30"
    dashboard = html.unescape(client.get(_back(page)).content.decode())
    assert "The operation as a whole, 11/01/2026 to 11/30/2026." in dashboard
    # Made again from its page, the period goes on with it.
    again = page.split('name="again"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="start" value="2026-11-01">' in again
    # and so does the panel the page asks for again while the run works
    panel = client.get(asked["Location"], headers={"HX-Request": "true"}).content.decode()
    assert '<input type="hidden" name="end" value="2026-11-30">' in panel
    made_again = _ask(client, month="2026-11", again="1", **period)
    assert made_again["Location"].endswith("/?start=2026-11-01&end=2026-11-30")
    retried = client.post(reverse("reports:report_run_retry", args=[run.pk]), period)
    assert retried["Location"] == asked["Location"]
    # The dashboard's list of runs leads to them with its period too.
    listed = dashboard.split('id="report-title"', 1)[1]
    assert f"{url}?start=2026-11-01&end=2026-11-30" in listed
    # Only dates that make a period pass on: anything else, and the dashboard's own default.
    for bad in ({"start": "2026-02-30", "end": "2026-11-30"}, {"start": "<b>", "end": "x"}):
        response = _ask(client, month="2026-10", **bad)
        assert "?" not in response["Location"]
        page = client.get(response["Location"]).content.decode()
        assert _back(page) == reverse("reports:dashboard")
    page = client.get(f"{url}?start=2026-02-30&end=2026-11-30").content.decode()
    assert _back(page) == reverse("reports:dashboard")


def test_a_retried_runs_earlier_worker_writes_nothing_over_the_new_attempt(
    world, admin, monkeypatch
):
    """The run looked stuck and was tried again while its first worker was still alive: when
    that worker fails (or finishes) afterwards, the new attempt is left to its own worker."""
    run, _ = runs.report_run_request(actor=admin, month="2026-11")

    def overtaken(report):
        # Meanwhile the run was retried and a second worker started on it.
        ReportRun.objects.filter(pk=run.pk).update(started_at=timezone.now())
        raise RuntimeError("the first worker's late failure")

    monkeypatch.setattr(runs, "report_pdf", overtaken)
    with pytest.raises(RuntimeError):
        runs.report_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRunStatus.RUNNING and run.error == ""


def test_two_administrators_retrying_the_same_month_get_a_message_not_an_error(admin):
    first = _running(admin, minutes_ago=60)
    ReportRun.objects.filter(pk=first.pk).update(status=ReportRunStatus.FAILED)
    second = ReportRun.objects.create(
        month=NOVEMBER, created_by=admin, status=ReportRunStatus.FAILED, steps_total=9
    )
    runs.report_run_retry(run=second, actor=admin)
    with pytest.raises(ValidationError, match="being made again already"):
        runs.report_run_retry(run=first, actor=admin)
    assert ReportRun.objects.get(pk=first.pk).status == ReportRunStatus.FAILED


def test_the_task_sent_twice_does_nothing_the_second_time(world, admin):
    run, _ = runs.report_run_request(actor=admin, month="2026-11")
    assert runs.report_run_work(run_id=run.pk) is True
    run.refresh_from_db()
    stored = (run.pdf.name, run.csv.name)
    assert runs.report_run_work(run_id=run.pk) is False
    run.refresh_from_db()
    assert (run.pdf.name, run.csv.name) == stored


def test_a_stored_report_that_changed_is_not_served(world, admin):
    run, _ = runs.report_run_request(actor=admin, month="2026-11")
    runs.report_run_work(run_id=run.pk)
    ReportRun.objects.filter(pk=run.pk).update(pdf_sha256="0" * 64)
    response = _client(admin).get(
        reverse("reports:report_run_download", args=[run.pk]), {"format": "pdf"}
    )
    assert response.status_code == 500 and b"%PDF" not in response.content


def _month_field(page: str) -> str:
    return re.search(r'<input type="month" id="report-month"[^>]*>', page).group(0)


def test_the_old_address_for_a_month_never_made_sends_to_the_dashboard_with_it_chosen(admin):
    """From QA: ?month=2026-10&format=pdf for a month never made landed on the dashboard with
    the Month field on last month and no word of October."""
    response = _client(admin).get(
        reverse("reports:monthly_report"), {"month": "2026-10", "format": "pdf"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("reports:dashboard") + "?month=2026-10"
    page = html.unescape(response.content.decode())
    assert 'value="2026-10"' in _month_field(page) and "autofocus" not in _month_field(page)
    said = (
        "The monthly report for October 2026 has not been made yet. To make it, choose “Make "
        "the report” under “Monthly report to the Administrative Director”, where October 2026 "
        "is chosen."
    )
    assert re.search(rf'tabindex="-1" autofocus>\s*<p>{re.escape(said)}</p>', page)


def test_a_month_chosen_in_the_dashboards_address_that_is_none_is_said_beside_it(admin):
    client = _client(admin)
    page = html.unescape(client.get(reverse("reports:dashboard"), {"month": "2999-01"}).text)
    assert "January 2999 has not begun" in page
    assert 'value="2999-01"' in _month_field(page) and 'aria-invalid="true"' in _month_field(page)
    # Without one, the field offers last month, as before.
    last = client.get(reverse("reports:dashboard")).content.decode()
    assert f'value="{last_month(timezone.localdate())}"' in _month_field(last)


@pytest.mark.parametrize(
    ("month", "said"),
    [
        ("2012-01", "January 2012 is before Independent Medical Review began"),
        ("bad", "“bad” is not a month: give it as MM/YYYY or YYYY-MM"),
        ("2999-01", "January 2999 has not begun"),
    ],
)
def test_the_old_address_for_a_bad_month_says_what_is_wrong_with_it(admin, month, said):
    """From a QA pass: ?month=2012-01 answered the site's "Page not found", as if the address
    were wrong, not the month."""
    response = _client(admin).get(reverse("reports:monthly_report"), {"month": month})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert said in page and "Page not found" not in page


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.CASE_ADMIN, True),
        (Role.SYSTEM_ADMIN, True),
        (Role.QUALITY_REVIEWER, True),  # the medical director reads the dashboard
        (Role.REVIEWER, False),
        (Role.API_CLIENT, False),
    ],
)
def test_who_may_ask_for_watch_and_download_the_report(world, admin, role, allowed):
    run, _ = runs.report_run_request(actor=admin, month="2026-11")
    runs.report_run_work(run_id=run.pk)
    client = _client(UserFactory(role=role))
    page = client.get(reverse("reports:report_run", args=[run.pk]))
    download = client.get(reverse("reports:report_run_download", args=[run.pk]), {"format": "csv"})
    asked = client.post(reverse("reports:report_run_request"), {"month": "2026-10"})
    if allowed:
        assert (page.status_code, download.status_code, asked.status_code) == (200, 200, 302)
        assert ReportRun.objects.filter(month=dt.date(2026, 10, 1)).exists()
    else:
        assert page.status_code in (302, 403) and download.status_code in (302, 403)
        assert asked.status_code in (302, 403)
        assert not ReportRun.objects.filter(month=dt.date(2026, 10, 1)).exists()
        assert b"Applications received" not in download.content


def test_counting_the_report_costs_the_same_queries_with_few_and_many_rows():
    """The run's work is outside any page's budget: its counting is pinned here instead."""
    today = timezone.localdate()
    decided = today - dt.timedelta(days=2)  # operations_add's decisions
    period = Period.month(decided.year, decided.month)

    def counted() -> int:
        monthly_report(period)  # the holiday calendars are cached from the first count
        with CaptureQueriesContext(connection) as captured:
            report = monthly_report(period)
        assert report.tables[0].rows[3][1] > 0  # determinations issued: the rows are counted
        return len(captured.captured_queries)

    operations_add(None, 2)
    small = counted()
    operations_add(None, 7)
    # The sections' queries, the items decided each once (the specialty table's total) among them.
    assert (small, counted()) == (12, 12)


def test_the_month_in_progress_is_a_preview_counted_to_today_and_says_so_everywhere(
    world, admin, django_capture_on_commit_callbacks
):
    """From a QA pass: on 12/04/2026 the report for December said "Period: December 2026
    (12/01/2026 to 12/31/2026)" and its CSV "Period,2026-12-01,2026-12-31", as if the month
    were over. Our choice (README): a preview, labelled as one in the page, the PDF and the CSV."""
    today = timezone.localdate()
    client = _client(admin)
    response = _ask(client, django_capture_on_commit_callbacks, month=f"{today:%Y-%m}")
    run = ReportRun.objects.get()
    assert run.status == ReportRunStatus.DONE and run.counted_to == today
    said = (
        f"{today:%B %Y} ({today.replace(day=1):%m/%d/%Y} to {today:%m/%d/%Y}, month not yet ended)"
    )
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert f"Period: {said}" in page and "A preview" in page
    assert f"to {today:%m/%d/%Y} (month not yet ended)" in page  # in the list of runs

    download = reverse("reports:report_run_download", args=[run.pk])
    csv_response = client.get(download, {"format": "csv"})
    stem = f"ad-monthly-report-{today:%Y-%m}-to-{today:%Y-%m-%d}"
    assert f'filename="{stem}.csv"' in csv_response["Content-Disposition"]
    lines = _body(csv_response).decode().splitlines()
    assert lines[0].endswith(f'"{today:%B %Y}, to {today:%m/%d/%Y} (month not yet ended)"')
    assert lines[1] == (
        f"Period,{today.replace(day=1).isoformat()},{today.isoformat()},month not yet ended"
    )
    text = " ".join(_pdf_text(_body(client.get(download, {"format": "pdf"}))).split())
    assert f"Period: {said}" in text
    assert f"Preview: {today:%B %Y} has not ended." in text


def test_a_month_that_has_ended_is_reported_whole_without_a_preview_mark(world):
    november = Period.month(2026, 11)
    report = monthly_report(november, today=dt.date(2026, 12, 1))
    assert report.period == november and report.counted_to is None
    assert report.period_label == "November 2026 (11/01/2026 to 11/30/2026)"
    assert report.file_stem == "ad-monthly-report-2026-11"
    # On its last day a month has not ended: its letters may still be served that day.
    last_day = monthly_report(november, today=dt.date(2026, 11, 30))
    assert last_day.counted_to == dt.date(2026, 11, 30)
    assert last_day.period_label.endswith("11/30/2026, month not yet ended)")


@pytest.mark.parametrize(
    ("asked_on", "anew"),
    [
        (dt.date(2026, 11, 20), False),  # the same day: the preview made is today's
        (dt.date(2026, 11, 25), True),  # five more days to count
        (dt.date(2026, 12, 3), True),  # the month has ended: the whole month
    ],
)
def test_a_preview_made_on_an_earlier_day_is_made_anew_when_asked_again(admin, asked_on, anew):
    """A month already made opens its report, but a preview of a month in progress is out of
    date the next day, and after the month ends the whole month is what is wanted."""
    made = timezone.make_aware(dt.datetime(2026, 11, 20, 9, 0))
    preview = ReportRun.objects.create(
        month=NOVEMBER,
        created_by=admin,
        status=ReportRunStatus.DONE,
        steps_total=runs.REPORT_STEPS,
        steps_done=runs.REPORT_STEPS,
        started_at=made,
        finished_at=made,
    )
    assert preview.counted_to == dt.date(2026, 11, 20)
    run, made_now = runs.report_run_request(actor=admin, month="2026-11", today=asked_on)
    assert made_now is anew and (run.pk != preview.pk) is anew
