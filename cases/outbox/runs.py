"""What the pages of background runs share (a bulk import, a case administrator's reminders, a
monthly report): one task works on each run and touches its `heartbeat_at` as it goes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def run_stuck(run, *, minutes: int, now: dt.datetime | None = None) -> bool:
    """A run still working that nobody has touched for `minutes` (its worker died, or the
    broker lost its message): its page offers to resume it or try again."""
    if not run.working:
        return False
    last = run.heartbeat_at or run.created_at
    return (now or timezone.now()) - last > dt.timedelta(minutes=minutes)
