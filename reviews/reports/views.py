"""The operations dashboard (the case administrator's home) and the Administrative Director's
monthly report, made in the background with its progress on its own page. Thin: the numbers
are reviews.reports.selectors', the report is reviews.reports.monthly's, its runs
reviews.reports.runs'."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.responses import page_or_fragment, redirect_after_post
from cases.access import Ability, access_required
from cases.formatting import us_date_at
from cases.integrity.responses import stored_file_response
from cases.spreadsheet import CSV_CONTENT_TYPE, csv_response
from imrsite.errors import bad_input_page
from reviews.reports.charts import charts_drawn
from reviews.reports.forms import PeriodForm, last_month, period_asked
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.reports.monthly import FIRST_MONTH
from reviews.reports.periods import period_reach
from reviews.reports.runs import (
    report_month,
    report_run_request,
    report_run_retry,
    report_run_stuck,
)
from reviews.reports.selectors import (
    REVIEWER_TABLES,
    dashboard_csv_table,
    dashboard_snapshot,
    report_run_get,
    report_run_latest,
    report_runs_recent,
    reviewer_open_cases,
)


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def dashboard(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET, today=today)
    period = form.period()
    if request.GET.get("format") == "csv":
        problems = form.problems()
        if problems:
            # A file has no room for the page's warning: no figures for a period not asked for.
            return HttpResponseBadRequest(
                " ".join([*problems, "No CSV was made: correct the period and download again."]),
                content_type="text/plain; charset=utf-8",
            )
        table = dashboard_csv_table(
            request.GET.get("chart", ""), period, today, fresh=request.GET.get("fresh") == "1"
        )
        if table is None:
            # A script's or an old link's mistake: said, as a bad period is (from QA: "Page
            # not found").
            return HttpResponseBadRequest(
                f"“{request.GET.get('chart', '')[:40]}” is not a chart of the dashboard: use "
                "the “Download as CSV” link under a chart. No CSV was made.",
                content_type="text/plain; charset=utf-8",
            )
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerows(table.csv_rows())
        return csv_response(out.getvalue(), filename=table.csv_filename(period))
    month, month_refused = _month_chosen(request.GET.get("month", ""), today)
    return _dashboard_page(
        request,
        form,
        today,
        fresh=request.GET.get("fresh") == "1",
        month=month,
        month_refused=month_refused,
    )


def _month_chosen(text: str, today) -> tuple[str, str]:
    """The report's month an address chooses (?month=, as the old report address sends a month
    never made), as its field shows it, and why it is refused ("" when it is not)."""
    if not text:
        return "", ""
    try:
        period = report_month(text, today=today)
    except ValidationError as exc:
        return text[:40], " ".join(exc.messages)
    return f"{period.start:%Y-%m}", ""


def _dashboard_page(
    request, form: PeriodForm, today, *, fresh=False, month="", month_refused="", status=200
):
    """The dashboard at the form's period. `month`: the report's month for its field (default
    last month's); `month_refused`: why it was refused, said beside the field with the month as
    typed (from QA: above the page, with the month put back to last month's)."""
    period = form.period()
    snapshot = dashboard_snapshot(period, today, fresh=fresh)
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    return TemplateResponse(
        request,
        "reports/dashboard.html",
        {
            "form": form.showing(),
            "period_problem": form.problem(),
            "period": period,
            "period_reach": period_reach(period, today),
            "today": today,
            "charts": charts_drawn(snapshot, query),
            "taken_at": snapshot.taken_at,
            "query": query,
            "report_month": month if month or month_refused else last_month(today),
            "report_month_refused": month_refused,
            "first_report_month": f"{FIRST_MONTH:%Y-%m}",
            "report_runs": report_runs_recent(limit=3),
            # The runs' pages lead back to this period.
            "run_query": urlencode(query),
        },
        status=status,
    )


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def reviewer_open_cases_view(request, profile_id: int):
    """The open cases the dashboard's load and at-risk rows count for one reviewer, each
    linked to its case and, for the case administrators, to its Assign page to reassign it
    (which comes back here). The dashboard's link carries its period and the table it was in,
    so "Back to the dashboard" returns to them (from QA: it showed the default period)."""
    return TemplateResponse(
        request,
        "reports/reviewer_open_cases.html",
        {
            "reviewer": reviewer_open_cases(request.user, profile_id),
            "now": timezone.localtime(),
            "dashboard_url": _dashboard_at(request.GET),
            "back": request.get_full_path(),
        },
    )


def _dashboard_at(query) -> str:
    """The dashboard at the period and the table a reviewer's link was followed from (the
    dashboard checks the period, as it does any other)."""
    period = {name: query[name] for name in ("start", "end") if query.get(name)}
    chart = query.get("chart") if query.get("chart") in REVIEWER_TABLES else "load"
    return (
        reverse("reports:dashboard")
        + (f"?{urlencode(period)}" if period else "")
        + f"#chart-{chart}"
    )


def _run_file(request, run: ReportRun, file_format: str):
    """A done run's stored PDF or CSV, checked against the SHA-256 recorded when it was made
    (cases.integrity)."""
    if file_format == "pdf":
        return stored_file_response(request, run, "pdf", filename=f"{run.file_stem}.pdf")
    if file_format == "csv":
        return stored_file_response(
            request,
            run,
            "csv",
            filename=f"{run.file_stem}.csv",
            content_type=CSV_CONTENT_TYPE,
        )
    # From QA: an unknown format was "Page not found", as if the report were missing.
    return bad_input_page(
        request,
        f"“{file_format[:20]}” is not a format the monthly report is kept in: ask for "
        "format=pdf or format=csv.",
    )


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def monthly_report_download(request):
    """The latest report made for `month` (YYYY-MM; default last month) as CSV or PDF: the
    stored files of its done run. Not made yet: the run's page while it works, else the
    dashboard with that month chosen, where it is asked for."""
    today = timezone.localdate()
    try:
        period = report_month(request.GET.get("month") or last_month(today), today=today)
    except ValidationError as exc:
        # Scripts and old links: a 400 that says what is wrong, not the site's "Page not found".
        return bad_input_page(request, " ".join(exc.messages))
    run = report_run_latest(period.start)
    if run is None:
        month = f"{period.start:%B %Y}"
        messages.info(
            request,
            f"The monthly report for {month} has not been made yet. To make it, choose “Make "
            "the report” under “Monthly report to the Administrative Director”, where "
            f"{month} is chosen.",
            extra_tags="focus",  # told on the page it leads to (from QA: a silent redirect)
        )
        chosen = urlencode({"month": f"{period.start:%Y-%m}"})
        return redirect(f"{reverse('reports:dashboard')}?{chosen}")
    if run.status != ReportRunStatus.DONE:
        return redirect("reports:report_run", report_id=run.pk)
    return _run_file(request, run, request.GET.get("format") or "csv")


@access_required(Ability.SEE_DASHBOARD)
@require_POST
def report_run_request_view(request):
    """Ask for a month's report: its run (made now, or the one already working or done) is
    counted in the background; its page shows the progress."""
    try:
        run, made = report_run_request(
            actor=request.user,
            month=request.POST.get("month", ""),
            again=request.POST.get("again") == "1",
        )
    except ValidationError as exc:
        # The dashboard again, at the period it was sent from, with the month as typed and
        # why beside it (a browser without a month picker, Firefox's, takes any text).
        today = timezone.localdate()
        period = {name: request.POST.get(name, "") for name in ("start", "end")}
        return _dashboard_page(
            request,
            PeriodForm(period, today=today),
            today,
            month=request.POST.get("month", "")[:40],
            month_refused=" ".join(exc.messages),
            status=400,
        )
    if not made and run.status == ReportRunStatus.DONE:
        messages.info(
            request,
            f"The report for {run.month_label} was made on "
            f"{us_date_at(run.finished_at)}; make it again to "
            "count what changed since.",
        )
    return redirect_after_post(request, _run_url(run, request.POST))


def _run_url(run: ReportRun, sent) -> str:
    """The run's page, carrying the dashboard's period it was asked from (the form's hidden
    start and end), so its "Back to the dashboard" returns to it (from QA: to the default)."""
    period = period_asked(sent, today=timezone.localdate())
    return _with_query(reverse("reports:report_run", args=[run.pk]), period)


def _with_query(url: str, query: dict) -> str:
    return url + (f"?{urlencode(query)}" if query else "")


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def report_run(request, report_id: int):
    """One run: its progress while it works (htmx polls the panel), then its files."""
    run = report_run_get(report_id)
    # The dashboard's period it was asked from, kept by its links and forms (_run_url).
    period = period_asked(request.GET, today=timezone.localdate())
    context = {
        "run": run,
        "stuck": report_run_stuck(run),
        "runs": report_runs_recent(),
        "period_asked": period,
        "run_query": urlencode(period),
        "dashboard_url": _with_query(reverse("reports:dashboard"), period),
    }
    return page_or_fragment(request, "reports/report_run.html", "progress", context)


@access_required(Ability.SEE_DASHBOARD)
@require_POST
def report_run_retry_view(request, report_id: int):
    run = report_run_get(report_id)
    try:
        report_run_retry(run=run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.info(request, f"The report for {run.month_label} is being made again.")
    return redirect_after_post(request, _run_url(run, request.POST))


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def report_run_download(request, report_id: int):
    """One run's PDF or CSV (`format`); a run not done yet answers with its page."""
    run = report_run_get(report_id)
    if run.status != ReportRunStatus.DONE:
        return redirect("reports:report_run", report_id=run.pk)
    return _run_file(request, run, request.GET.get("format", ""))
