"""Reads of assignments: the assignment in force, the cases waiting for a reviewer, a reviewer's
assignments."""

from django.db.models import Case as DbCase
from django.db.models import F, Q, Value, When

from cases.lifecycle.models import Case, Priority, expedited_first
from cases.lifecycle.status_table import Action, allowed_actions, statuses_allowing
from reviews.assignment.models import VISIBLE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus


def reviewer_case_scope(user) -> Q:
    """The cases a reviewer may see: those offered to them or that they took (any round)."""
    return Q(assignments__reviewer=user, assignments__status__in=VISIBLE_ASSIGNMENT_STATUSES)


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


def current_reviewer_ids(case_ids) -> dict[int, int]:
    """{case id: reviewer id} of the assignment in force on each of `case_ids` that has one."""
    return dict(
        Assignment.objects.filter(
            case_id__in=case_ids, round=F("case__round"), status__in=VISIBLE_ASSIGNMENT_STATUSES
        ).values_list("case_id", "reviewer_id")
    )


def cases_waiting_for_reviewer():
    """Cases ready for a reviewer and without one: expedited first, then what is due first."""

    return (
        Case.objects.filter(status__in=statuses_allowing(Action.ASSIGN_REVIEWER))
        .prefetch_related("parties", "items")
        .order_by(expedited_first(), F("due_on").asc(nulls_last=True), "case_number")
    )


def assignments_for_reviewer(user):
    """A reviewer's own live assignments, what is due first."""

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

    return Action.ASSIGN_REVIEWER in allowed_actions(case)


def expedited_first_on_case():

    return DbCase(When(case__priority=Priority.EXPEDITED, then=Value(0)), default=Value(1))
