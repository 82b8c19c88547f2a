"""Reads that carry rules: who may see which case, what is due, what the eligibility rules say.
Views call these; they never build access rules themselves."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Case as DbCase
from django.db.models import F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.access import cases_visible_to
from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import CLOSED_STATUSES, Case, CaseStatus, expedited_first
from cases.lifecycle.services import CASE_NUMBER_FORMAT
from cases.registry import reviewer_side

DUE_FILTERS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due within 7 days",
    "none": "No clock running",
}


def _workflow_step():
    """A case's status as its place in the workflow (CaseStatus's order: received, the
    screen, records, review, issued), so the list sorts by where cases stand, not by the
    alphabet of the statuses' codes."""
    return DbCase(
        *(When(status=status, then=Value(place)) for place, status in enumerate(CaseStatus)),
        output_field=IntegerField(),
    )


# The columns the case list sorts by (`?sort=name`, `?sort=-name` for descending): the only
# values taken, so a request cannot order by an arbitrary column. Each ends with the case number
# so pages do not overlap.
SORTS = {
    "case": ("case_number",),
    "received": ("application_received", "case_number"),
    "due": ("due_on", "case_number"),
    "status": (_workflow_step(), "case_number"),
}


def sort_valid(sort: str) -> str:
    """The sort as asked if it is one of SORTS (with "-": descending), else "" (due first)."""
    return sort if sort.removeprefix("-") in SORTS else ""


def search_words(q: str) -> list[str]:
    """The words of a name search: "Delgado, Maria" and "maria delgado" give the same words."""
    return [word for word in re.split(r"[\s,]+", q) if word]


# A trigram index finds a substring of at least three characters; a shorter one is looked for
# row by row.
TRIGRAM = 3


def case_list_for(
    user,
    *,
    status: str = "",
    priority: str = "",
    due: str = "",
    q: str = "",
    sort: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list: filtered, searched, what is due first (no clock last) unless sorted by one
    of SORTS. `status` is a status, "open", "closed", or "" / "all" for every case."""
    today = today or timezone.localdate()
    cases = cases_visible_to(user)
    if status == "open":
        cases = cases.exclude(status__in=CLOSED_STATUSES)
    elif status == "closed":
        cases = cases.filter(status__in=CLOSED_STATUSES)
    elif status in CaseStatus.values:
        cases = cases.filter(status=status)
    if priority in ("standard", "expedited"):
        cases = cases.filter(priority=priority)
    if due == "overdue":
        cases = cases.filter(due_on__lt=today)
    elif due == "today":
        cases = cases.filter(due_on=today)
    elif due == "week":
        cases = cases.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=7))
    elif due == "none":
        cases = cases.filter(due_on__isnull=True)
    q = q.strip()
    by_match = False
    if CASE_NUMBER_FORMAT.fullmatch(q.upper()):
        # A whole case number ("cm26-0000101" too) finds that case through its unique index, not
        # a scan of every case's columns (306 ms at 200,000 cases, issue 12).
        cases = cases.filter(case_number=q.upper())
    elif q:
        # Substring searches use the trigram indexes of migration 'case_search_trigram' on
        # PostgreSQL (UPPER(column) gin_trgm_ops, what icontains compares). A name search
        # narrows with each word, in any order ("Delgado, Maria", "maria delgado"):
        # every word must be in the worker's first or last name.
        name = Q()
        for word in search_words(q):
            name &= Q(worker_last_name__icontains=word) | Q(worker_first_name__icontains=word)
        cases = cases.filter(Q(case_number__icontains=q) | Q(claim_number__icontains=q) | name)
        by_match = min(len(word) for word in [q, *search_words(q)]) >= TRIGRAM
    # No row reads its items: the list shows the stored running deadline (Case.list_clock).
    return cases.order_by(*_ordering(sort_valid(sort), by_match=by_match))


def cases_selected_for(user, numbers: list[str]) -> QuerySet[Case]:
    """The selected cases the user may act on (cases.access), by case number; the others are
    left out as if they did not exist."""
    return (
        cases_visible_to(user)
        .filter(case_number__in=[number.upper() for number in numbers])
        .order_by("case_number")
    )


def _ordering(sort: str, *, by_match: bool = False) -> tuple:
    """The list's order: `sort` (one of SORTS), else what is due first. `by_match`: the same
    order, written so that PostgreSQL reads a search's few matches through the trigram index
    and sorts them. Walking the open cases in order (case_open_due_first, which holds the
    searched columns) and testing each one took 2.3 ms for "White" at 200,000 cases, where
    the trigram index took 0.3 ms; a search with a word under three characters, which no
    trigram index serves, still walks them in order (14 ms sorting every open case for "A")."""
    if not sort:
        if by_match:
            # The date no case is due on sorts last, as NULLS LAST does.
            due = Coalesce(F("due_on"), Value(dt.date.max))
            return (due.asc(), expedited_first(), "case_number")
        # The order of index case_open_due_first (cases.lifecycle.models): change both together.
        return (F("due_on").asc(nulls_last=True), expedited_first(), "case_number")
    descending = sort.startswith("-")
    first, *rest = SORTS[sort.removeprefix("-")]
    column = F(first) if isinstance(first, str) else first
    term = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return (term, *rest)


def case_clock_with_letter(case: Case):
    """The case's clock with its issued letter's dates (the appeal and, for overturned items,
    the authorization and reimbursement duties), and the letter's service or None. Only an
    issued case asks the reviewer side, so open cases keep their query counts."""
    service = reviewer_side().letter_service(case) if case.status == CaseStatus.ISSUED else None
    if service is None:
        return case.clock, None
    return case_clock(case, letter=(service.served_on, service.sent_by)), service
