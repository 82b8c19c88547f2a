"""The case list's row, written in Python. The list draws fifty a page; as template markup each
row cost about half a millisecond of variable lookups, filters and tags, the largest part of
the page's time at 200,000 cases (issue 12), and Django's lazy-aware escaping and one URL
reversal a row were most of what was left. The markup is the one the template drew;
tests/cases/casefile/test_case_list_rows.py holds it."""

from __future__ import annotations

from functools import lru_cache
from html import escape
from urllib.parse import quote

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe

from cases.formatting import us_date
from cases.templatetags.case_badges import (
    clock_badge,
    clock_row_class,
    priority_badge,
    status_badge,
)

register = template.Library()

_DASH = '<span class="muted">—</span>'
# A stand-in case number: a page's path is reversed once with it and each row's number put in
# its place.
_STAND_IN = "CM00-0000000"


@lru_cache(maxsize=64)
def _path_around(viewname: str, script_prefix: str, urlconf, *rest) -> tuple[str, str]:
    path = reverse(viewname, urlconf=urlconf, args=[_STAND_IN, *rest])
    before, _, after = path.partition(_STAND_IN)
    return before, after


def case_number_path(viewname: str, number: str, *rest) -> str:
    """The path of a page whose first argument is the case number (more arguments, if any, the
    same for every row), as reverse(viewname) gives it, with one reversal a page, not a row."""
    before, after = _path_around(viewname, get_script_prefix(), get_urlconf(), *rest)
    # Quoted as reverse quotes an argument (a case number never needs it: CASE_NUMBER_FORMAT).
    return f"{before}{quote(number, safe=RFC3986_SUBDELIMS + '/~:@')}{after}"


def disputed_items_line(descriptions) -> str:
    """A case's disputed items' descriptions on one line, separated by semicolons, escaped (as
    components/disputed_items.html draws them)."""
    return "; ".join(escape(description) for description in descriptions)


@register.simple_tag
def case_list_row(case, *, selectable: bool = False, selected: bool = False) -> SafeString:
    """One case as a row of the case list: with a selection box when the user may act on
    several cases at once (checked when the page selects all), its stored clock, and the
    outcome the view put on the case (`outcome_label`), if any. Every value from the case is
    escaped (html.escape, which Django's escape calls)."""
    clock = case.list_clock
    number = escape(case.case_number)
    select = (
        f'<td data-label="Select"><input type="checkbox" name="case" value="{number}" '
        f'id="select-{number}" aria-label="Select {number}"{" checked" if selected else ""}></td>'
        if selectable
        else ""
    )
    due = (
        f'<span class="nowrap">{us_date(clock.due_on)}</span> '
        f'<span class="muted small">{escape(clock.running_label)}</span>'
        if clock.due_on
        else _DASH
    )
    outcome = getattr(case, "outcome_label", "")
    href = escape(case_number_path("casefile:case_detail", case.case_number))
    return mark_safe(
        f'<tr class="{clock_row_class(clock)}">{select}'
        f'<td data-label="Case"><a class="case-link" href="{href}">{number}</a></td>'
        f'<td data-label="Worker" class="cell-text">{escape(case.worker_name_listed)}</td>'
        f'<td data-label="Claim number" class="case-table__claim">'
        f"{escape(case.claim_number)}</td>"
        f'<td data-label="Priority">{priority_badge(case)}</td>'
        f'<td data-label="Status">{status_badge(case)}</td>'
        f'<td data-label="Received" class="nowrap case-table__received">'
        f"{us_date(case.application_received)}</td>"
        f'<td data-label="Due">{due}</td>'
        f'<td data-label="Clock">{clock_badge(clock)}</td>'
        f'<td data-label="Outcome">{escape(outcome) if outcome else _DASH}</td>'
        "</tr>"
    )
