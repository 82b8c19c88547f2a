"""Reads with rules on the reviewer side."""

from .models import VISIBLE_ASSIGNMENT_STATUSES, Assignment


def current_assignment_for(case) -> Assignment | None:
    return (
        Assignment.objects.filter(
            case=case, round=case.round, status__in=VISIBLE_ASSIGNMENT_STATUSES
        )
        .select_related("reviewer")
        .first()
    )


def current_reviewer_for(case):
    assignment = current_assignment_for(case)
    return assignment.reviewer if assignment else None


def cases_waiting_for_reviewer():
    """Cases ready for a reviewer and without one: expedited first, then what is due first."""
    from django.db.models import F

    from cases.models import Case, CaseStatus
    from cases.selectors import expedited_first

    return (
        Case.objects.filter(status__in=[CaseStatus.RECORDS_COMPLETE, CaseStatus.REMANDED])
        .prefetch_related("parties", "items")
        .order_by(expedited_first(), F("due_on").asc(nulls_last=True), "case_number")
    )


def assignments_for_reviewer(user):
    """A reviewer's own live assignments, what is due first."""
    from django.db.models import F

    from .models import AssignmentStatus

    return (
        Assignment.objects.filter(
            reviewer=user,
            status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
        )
        .select_related("case")
        .prefetch_related("case__items")
        .order_by(F("case__due_on").asc(nulls_last=True), "case__case_number")
    )


def case_waits_for_reviewer(case) -> bool:
    from cases.models import CaseStatus

    return case.status in (CaseStatus.RECORDS_COMPLETE, CaseStatus.REMANDED)
