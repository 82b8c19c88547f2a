"""The precedent library's page (/precedents/) and its CSV. Views parse, call one selector,
render; with htmx the results fragment only."""

from __future__ import annotations

from django.http import HttpResponse
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
    context = {
        "form": form,
        "stemmed": is_postgresql(),
        "ranked_at_most": f"{RANK_CANDIDATES:,}",
    }
    status = 200
    not_searched = form.not_searched()
    if not_searched:
        # Nothing is listed: every item would look like a match of a search never made.
        context["not_searched"] = not_searched
        # htmx swaps only 2xx answers; a plain GET says what it is.
        status = 200 if request.htmx else 422
    else:
        query = form.query_text()
        context |= {
            "query": query,
            "page": precedent_page(request.user, query, form.filters(), request.GET.get("page")),
            "csv_query": form.query(),
            "is_filtered": form.is_filtered,
        }
    if wants_fragment(request):
        return render(request, "reviews/precedents/search.html#results", context, status=status)
    return render(request, "reviews/precedents/search.html", context, status=status)


@access_required(Ability.SEARCH_PRECEDENTS)
@require_GET
def precedent_search_csv(request):
    """Every item the current search and filters find (all pages), as CSV."""
    form = PrecedentSearchForm(request.GET)
    not_searched = form.not_searched()
    if not_searched:
        # Never every item as if it matched: the search the link asked for cannot be made.
        return HttpResponse(
            "Not searched: " + " ".join(not_searched),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    rows = precedent_csv_rows(form.query_text(), form.filters())
    day = timezone.localdate().isoformat()
    return csv_response(rows, filename=f"precedents-{day}.csv")
