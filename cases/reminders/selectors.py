"""Reads of the reminders room."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from cases.reminders.models import ReminderRun


def reminder_run_get_for(user, pk: int) -> ReminderRun:
    """The user's own reminder run `pk`, or 404: another administrator's run (its cases may not
    be theirs to see) looks the same as one that does not exist."""
    return get_object_or_404(ReminderRun, created_by=user, pk=pk)
