"""Reads of the precedent library with their rules: a page of results for a user (the link to
a case only where cases.access lets them see it) and the CSV of a search."""

from __future__ import annotations

from collections.abc import Iterator

from accounts.paging import LookaheadPage
from cases.access import cases_visible_to
from cases.spreadsheet import csv_line_writer, csv_row
from reviews.precedents.models import PrecedentItem
from reviews.precedents.search import PrecedentFilters, highlight_items, search_items

ITEMS_PER_PAGE = 20
CSV_CHUNK = 500
CSV_HEADER = (
    "Case number",
    "Source",
    "Decision date",
    "Priority",
    "Reviewer specialty",
    "Case outcome",
    "Item",
    "Item description",
    "Item category",
    "Item outcome",
    "Guideline",
    "Citation",
    "Rationale",
)


def precedent_page(user, query: str, filters: PrecedentFilters, number) -> LookaheadPage:
    """One page of results, best first, with `description_html` and `rationale_html` (the
    query's words in <mark>, all else escaped) and `case_link` (the case's number when the
    user may open it, else ""). No COUNT(*) (accounts.paging)."""
    page = LookaheadPage(search_items(query, filters, highlight=True), ITEMS_PER_PAGE, number)
    highlight_items(page.object_list, query)
    case_ids = {item.decision.case_id for item in page.object_list if item.decision.case_id}
    visible = (
        set(cases_visible_to(user).filter(pk__in=case_ids).values_list("pk", flat=True))
        if case_ids
        else set()
    )
    for item in page.object_list:
        decision = item.decision
        item.case_link = decision.case_number if decision.case_id in visible else ""
    return page


def _row(item: PrecedentItem) -> list[str]:
    decision = item.decision
    values = [
        decision.case_number,
        decision.get_source_display(),
        decision.decided_on.isoformat() if decision.decided_on else "",
        decision.get_priority_display() if decision.priority else "",
        decision.reviewer_specialty,
        decision.get_outcome_display(),
        item.position,
        item.description,
        item.get_category_display() if item.category else "",
        item.get_outcome_display(),
        item.get_guideline_source_display(),
        item.citation,
        item.rationale,
    ]
    return csv_row(values)


def precedent_csv_rows(query: str, filters: PrecedentFilters) -> Iterator[str]:
    """The CSV lines of every item the search finds (header first), in rank order, read in
    chunks as the response streams; the public text only. Every match is ranked (no
    RANK_CANDIDATES sample): an export is all of the search."""
    writer = csv_line_writer()
    yield writer.writerow(CSV_HEADER)
    for item in search_items(query, filters, at_most=None).iterator(chunk_size=CSV_CHUNK):
        yield writer.writerow(_row(item))
