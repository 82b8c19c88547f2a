"""Reads that carry rules: who may see which case, what is due, what the eligibility rules say.
Views call these; they never build access rules themselves."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case as DbCase
from django.db.models import F, Q, QuerySet, Value, When
from django.utils import timezone

from cases.access import cases_visible_to
from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import Case, CaseStatus, Priority
from cases.lifecycle.services import CASE_NUMBER_FORMAT
from cases.registry import reviewer_side


def expedited_first():
    """An ordering term that puts expedited cases before standard ones."""
    return DbCase(When(priority=Priority.EXPEDITED, then=Value(0)), default=Value(1))


DUE_FILTERS = {
    "overdue": "Overdue",
    "today": "Due today",
    "week": "Due within 7 days",
    "none": "No clock running",
}


def case_list_for(
    user,
    *,
    status: str = "",
    priority: str = "",
    due: str = "",
    q: str = "",
    today: dt.date | None = None,
) -> QuerySet[Case]:
    """The case list: filtered, searched, what is due first (no clock last)."""
    today = today or timezone.localdate()
    cases = cases_visible_to(user)
    if status == "open":
        cases = cases.exclude(
            status__in=[CaseStatus.INELIGIBLE, CaseStatus.ISSUED, CaseStatus.TERMINATED]
        )
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
    if CASE_NUMBER_FORMAT.fullmatch(q.upper()):
        # A whole case number finds that case through its unique index, not a scan of every
        # case's columns (306 ms at 200,000 cases, issue 12).
        cases = cases.filter(case_number=q.upper())
    elif q:
        # Substring searches use the trigram indexes of migration 'case_search_trigram' on
        # PostgreSQL (UPPER(column) gin_trgm_ops, what icontains compares). A name search
        # narrows with each word ("Ana Ruiz" is Ana Ruiz, not every Ana and every Ruiz):
        # every word must be in the worker's first or last name.
        name = Q()
        for word in q.split():
            name &= Q(worker_last_name__icontains=word) | Q(worker_first_name__icontains=word)
        cases = cases.filter(Q(case_number__icontains=q) | Q(claim_number__icontains=q) | name)
    return cases.order_by(
        F("due_on").asc(nulls_last=True), expedited_first(), "case_number"
    ).prefetch_related("items")


def case_clock_with_letter(case: Case):
    """The case's clock with its issued letter's dates (the appeal and, for overturned items,
    the authorization and reimbursement duties), and the letter's service or None. Only an
    issued case asks the reviewer side, so open cases keep their query counts."""
    service = reviewer_side().letter_service(case) if case.status == CaseStatus.ISSUED else None
    if service is None:
        return case.clock, None
    return case_clock(case, letter=(service.served_on, service.sent_by)), service
