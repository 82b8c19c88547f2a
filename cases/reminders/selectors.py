"""Reads of the reminders room."""

from __future__ import annotations

from cases.access import owned_get_for
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
