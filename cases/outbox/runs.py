"""What the pages of background runs share (a bulk import, a case administrator's reminders, a
monthly report): one task works on each run and touches its `heartbeat_at` as it goes."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

# Each run's `status` has its own choices, but all of them hold these two values while the task
# has work to do (waiting for a worker, then at work); the others say how the run ended.
WORKING_STATUSES = ("queued", "running")


class BackgroundRun(models.Model):
    """What every background run records besides its own work: who asked and when, why it
    failed, the task's heartbeat (touched as it goes: run_stuck reads it) and when it ended.
    Each run adds its own `status`, working while it is one of WORKING_STATUSES."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def working(self) -> bool:
        return self.status in WORKING_STATUSES


def run_stuck(run, *, minutes: int, now: dt.datetime | None = None) -> bool:
    """A run still working that nobody has touched for `minutes` (its worker died, or the
    broker lost its message): its page offers to resume it or try again."""
    if not run.working:
        return False
    last = run.heartbeat_at or run.created_at
    return (now or timezone.now()) - last > dt.timedelta(minutes=minutes)
