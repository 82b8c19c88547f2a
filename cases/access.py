"""Reads that carry rules: who may see which case, what is due, what the eligibility rules say.
Views call these; they never build access rules themselves."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from cases.lifecycle.models import Case
from cases.registry import reviewer_side


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case a user may see. A reviewer sees only cases assigned to them (current or past
    rounds they took part in); API clients see the cases their system submitted."""
    if not user.is_authenticated or not user.is_active:
        return Case.objects.none()
    if user.role in (Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER):
        return Case.objects.all()
    if user.role == Role.REVIEWER:
        return Case.objects.filter(reviewer_side().reviewer_case_scope(user)).distinct()
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


def record_get_for(user, case: Case, record_id: int):
    record = case.records.filter(pk=record_id).first()
    if record is None or not cases_visible_to(user).filter(pk=case.pk).exists():
        raise Http404("No such record.")
    return record
