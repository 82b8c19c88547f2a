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
