"""The operations dashboard (the case administrator's home) and the Administrative Director's
monthly report download. Thin: the numbers are reviews.reports.selectors', the report is
reviews.reports.monthly's."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.access import Ability, access_required
from reviews.reports.charts import bar_chart
from reviews.reports.forms import PeriodForm, last_month
from reviews.reports.monthly import month_parse, monthly_report, report_csv, report_pdf
from reviews.reports.selectors import dashboard_snapshot, dashboard_table


def _csv_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def dashboard(request):
    today = timezone.localdate()
    form = PeriodForm(request.GET, today=today)
    period = form.period()
    if request.GET.get("format") == "csv":
        table = dashboard_table(request.GET.get("chart", ""), period, today)
        if table is None:
            raise Http404("No such chart.")
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return _csv_response(
            out.getvalue(), f"{table.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
        )
    snapshot = dashboard_snapshot(period, today, fresh=request.GET.get("fresh") == "1")
    charts = [(table, bar_chart(table.title, table.chart_points())) for table in snapshot.tables]
    return TemplateResponse(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "period": period,
            "today": today,
            "charts": charts,
            "taken_at": snapshot.taken_at,
            "query": {"start": period.start.isoformat(), "end": period.end.isoformat()},
            "report_month": last_month(today),
        },
    )


@access_required(Ability.SEE_DASHBOARD)
@require_GET
def monthly_report_download(request):
    """The monthly report for `month` (YYYY-MM; default last month) as CSV or PDF."""
    today = timezone.localdate()
    try:
        period = month_parse(request.GET.get("month") or last_month(today))
    except ValueError as error:
        raise Http404(str(error)) from error
    report = monthly_report(period)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.pdf"'
        return response
    return _csv_response(report_csv(report), f"{report.file_stem}.csv")
