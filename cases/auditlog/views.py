"""The audit log for the system administrator (45 CFR 164.312(b)): search by case, user and
dates; export what was found as CSV, streamed row by row however long the log is."""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.paging import LookaheadPage
from audit.selectors import audit_search
from cases.access import Ability, access_required
from cases.auditlog.forms import AuditSearchForm
from cases.spreadsheet import csv_cell, csv_line_writer, csv_response

CSV_COLUMNS = (
    ("created_at", "When"),
    ("username", "User"),
    ("role", "Role"),
    ("ip_address", "Address"),
    ("client", "Client"),
    ("action", "Action"),
    ("kind", "What"),
    ("case_number", "Case"),
    ("object_id", "Object"),
    ("route", "Endpoint"),
    ("method", "Method"),
    ("path", "Path"),
    ("status_code", "Status"),
    ("details", "Details"),
)


def _searched(request) -> tuple[AuditSearchForm, QuerySet | None]:
    """The search form and the events it finds; None while the form has errors: a search that
    cannot be read finds nothing, rather than the whole log under its error."""
    form = AuditSearchForm(request.GET or None)
    if not form.is_bound:
        return form, audit_search()
    if not form.is_valid():
        return form, None
    return form, audit_search(**form.filters())


def _search_page(request, form, events, *, status: int = 200):
    page = None
    if events is not None:
        # No count: the log grows by every read of every case (millions of rows), and counting
        # a search of it cost more than the page; the pages say "more on the next page".
        page = LookaheadPage(events, settings.AUDIT_EVENTS_PER_PAGE, request.GET.get("page"))
        # The role by its name, as "Who read this case" gives it (the event keeps the code).
        roles = dict(Role.choices)
        for event in page:
            event.role_label = roles.get(event.role, event.role)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "auditlog/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=status,
    )


@access_required(Ability.SEARCH_AUDIT_LOG)
@require_GET
def audit_search_page(request):
    form, events = _searched(request)
    return _search_page(request, form, events)


def _csv_lines(events):
    writer = csv_line_writer()
    yield writer.writerow([label for _field, label in CSV_COLUMNS])
    local = timezone.get_current_timezone()
    for event in events.iterator(chunk_size=2000):
        row = []
        for field, _label in CSV_COLUMNS:
            value = getattr(event, field)
            if field == "created_at":
                value = value.astimezone(local).isoformat()
            elif field == "details":
                value = json.dumps(value, sort_keys=True) if value else ""
            row.append(csv_cell(value))
        yield writer.writerow(row)


@access_required(Ability.SEARCH_AUDIT_LOG)
@require_GET
def audit_export(request):
    form, events = _searched(request)
    if events is None:
        # The search page with the errors to correct, not the whole log as a file.
        return _search_page(request, form, None, status=400)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = csv_response(_csv_lines(events), filename=f"audit-log-{stamp}.csv")
    response["Cache-Control"] = "private, no-store"
    return response
