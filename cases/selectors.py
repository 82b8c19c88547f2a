"""Reads that carry rules: who may see which case, what is due, what the eligibility rules say.
Views call these; they never build access rules themselves."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Case as DbCase
from django.db.models import F, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from accounts.models import Role

from .models import Case, CaseStatus, DisputedItem, MedicalRecord, Priority, RecordKind


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case a user may see. A reviewer sees only cases assigned to them (current or past
    rounds they took part in); API clients see the cases their system submitted."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.role in (Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER):
        return Case.objects.all()
    if user.role == Role.REVIEWER:
        from reviews.models import VISIBLE_ASSIGNMENT_STATUSES

        return Case.objects.filter(
            assignments__reviewer=user, assignments__status__in=VISIBLE_ASSIGNMENT_STATUSES
        ).distinct()
    if user.role == Role.API_CLIENT:
        return Case.objects.filter(created_by=user)
    return Case.objects.none()


def case_get_for(user, case_number: str) -> Case:
    """The case, or 404 when it does not exist or the user may not see it (no difference is
    shown, so a reviewer cannot probe for case numbers)."""
    case = (
        cases_visible_to(user)
        .filter(case_number=case_number)
        .prefetch_related("parties", "items")
        .first()
    )
    if case is None:
        raise Http404("No such case.")
    return case


def record_get_for(user, case: Case, record_id: int) -> MedicalRecord:
    record = MedicalRecord.objects.filter(case=case, pk=record_id).first()
    if record is None or not cases_visible_to(user).filter(pk=case.pk).exists():
        raise Http404("No such record.")
    return record


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
    if q:
        # A name search narrows with each word ("Ana Ruiz" is Ana Ruiz, not every Ana and
        # every Ruiz): every word must be in the worker's first or last name.
        name = Q()
        for word in q.split():
            name &= Q(worker_last_name__icontains=word) | Q(worker_first_name__icontains=word)
        cases = cases.filter(Q(case_number__icontains=q) | Q(claim_number__icontains=q) | name)
    return cases.order_by(
        F("due_on").asc(nulls_last=True), expedited_first(), "case_number"
    ).prefetch_related("items")


@dataclass(frozen=True)
class EligibilityCheck:
    label: str
    ok: bool
    detail: str


def _normalize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def prior_imr_items(case: Case) -> list[tuple[DisputedItem, Case]]:
    """Items of this case already decided (or under review) in another IMR of the same worker
    and claim: a prior IMR of the same item."""
    mine = {_normalize(item.description): item for item in case.items.all()}
    others = (
        DisputedItem.objects.filter(
            case__claim_number=case.claim_number,
            case__worker_last_name__iexact=case.worker_last_name,
        )
        .exclude(case=case)
        .exclude(case__status__in=[CaseStatus.INELIGIBLE, CaseStatus.TERMINATED])
        .select_related("case")
    )
    found = []
    for other in others:
        item = mine.get(_normalize(other.description))
        if item is not None:
            found.append((item, other.case))
    return found


def eligibility_checks(case: Case) -> list[EligibilityCheck]:
    """What the rules say about the application; the administrator records the finding."""
    clock = case.clock
    checks = [
        EligibilityCheck(
            "Filed within 30 days of the UR decision",
            not clock.filed_late,
            (
                f"Received {case.application_received:%m/%d/%Y}; the deadline was "
                f"{clock.application_deadline:%m/%d/%Y} (8 CCR 9792.10.1(b)(1))."
            )
            + (" Filed late: decide whether to accept it." if clock.filed_late else ""),
        ),
    ]
    has_ur = case.records.filter(kind=RecordKind.UR_DECISION).exists()
    checks.append(
        EligibilityCheck(
            "UR decision attached",
            has_ur,
            "A record of kind 'UR decision' is on file."
            if has_ur
            else "No UR decision among the records: upload it or ask the applicant for it.",
        )
    )
    count = case.items.count()
    checks.append(
        EligibilityCheck(
            "Disputed items present",
            count > 0,
            f"{count} disputed item(s)." if count else "The application names no disputed item.",
        )
    )
    priors = prior_imr_items(case)
    checks.append(
        EligibilityCheck(
            "No prior IMR of the same item",
            not priors,
            "; ".join(f"'{item.description}' was in {other.case_number}" for item, other in priors)
            if priors
            else "No other IMR of this worker and claim covers these items.",
        )
    )
    return checks
