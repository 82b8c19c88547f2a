"""Reads of the reminders room."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.access import owned_get_for
from cases.lifecycle.models import Case
from cases.lifecycle.status_table import DRAFT_WITH_REVIEWER_STATUSES
from cases.reminders.models import ReminderRun


def reminder_run_get_for(user, pk: int) -> ReminderRun:
    """The user's own reminder run `pk`, or 404: another administrator's run (its cases may not
    be theirs to see) looks the same as one that does not exist."""
    return owned_get_for(
        user,
        ReminderRun.objects.all(),
        owner_field="created_by",
        missing="No such reminders.",
        pk=pk,
    )


def cases_in_reviewers_hands(cases: QuerySet[Case]) -> int:
    """How many of `cases` have a reviewer a reminder would go to now: the determination in
    their hands (services.reminder_recipient's rule; a deactivated login or a reminder already
    sent for the due date is told case by case in the run's report)."""
    return cases.filter(status__in=DRAFT_WITH_REVIEWER_STATUSES).count()
