"""The precedent library's page (/precedents/) and its CSV. Views parse, call one selector,
render; with htmx the results fragment only."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.responses import wants_fragment
from cases.access import Ability, access_required
from cases.spreadsheet import csv_response
from reviews.precedents.forms import PrecedentSearchForm
from reviews.precedents.search import RANK_CANDIDATES, is_postgresql
from reviews.precedents.selectors import precedent_csv_rows, precedent_page


@access_required(Ability.SEARCH_PRECEDENTS)
@require_GET
def precedent_search(request):
    form = PrecedentSearchForm(request.GET)
    query = form.query_text()
    page = precedent_page(request.user, query, form.filters(), request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "page": page,
        "csv_query": form.query(),
        "is_filtered": form.is_filtered,
        "stemmed": is_postgresql(),
        "ranked_at_most": f"{RANK_CANDIDATES:,}",
    }
    if wants_fragment(request):
        return render(request, "reviews/precedents/search.html#results", context)
    return render(request, "reviews/precedents/search.html", context)


@access_required(Ability.SEARCH_PRECEDENTS)
@require_GET
def precedent_search_csv(request):
    """Every item the current search and filters find (all pages), as CSV."""
    form = PrecedentSearchForm(request.GET)
    rows = precedent_csv_rows(form.query_text(), form.filters())
    day = timezone.localdate().isoformat()
    return csv_response(rows, filename=f"precedents-{day}.csv")
