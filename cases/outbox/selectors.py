"""Reads of the outbox: the work of a case not done yet, and whether it is stuck."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from cases.lifecycle.models import Case
from cases.outbox.models import FollowUp, FollowUpState, follow_up_key

STUCK_STATES = (FollowUpState.QUEUED, FollowUpState.RUNNING)


def follow_up_stuck_at(follow_up: FollowUp) -> dt.datetime:
    """When queued or running work counts as stuck (and is queued again by itself)."""
    return follow_up.state_changed_at + dt.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)


def follow_up_stuck(follow_up: FollowUp, *, now: dt.datetime | None = None) -> bool:
    """Taken (or queued) longer than OUTBOX_STUCK_AFTER_SECONDS without finishing."""
    now = now or timezone.now()
    return follow_up.state in STUCK_STATES and follow_up_stuck_at(follow_up) < now


def follow_up_retryable(follow_up: FollowUp, *, now: dt.datetime | None = None) -> bool:
    """An administrator may push it again: failed, stuck, or waiting for the queue."""
    return follow_up.state in (FollowUpState.FAILED, FollowUpState.WAITING) or follow_up_stuck(
        follow_up, now=now
    )


def follow_ups_open_for(case: Case) -> list[FollowUp]:
    """The case's follow-ups not done yet (waiting for the queue, queued, running, stuck,
    failed), each marked `stuck` and `retryable` for the case page. Read once per case object:
    the case page and its letters panel both show them."""
    if not hasattr(case, "follow_ups_open"):
        prefetch_related_objects(
            [case],
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.exclude(state=FollowUpState.DONE),
                to_attr="follow_ups_open",
            ),
        )
        now = timezone.now()
        for row in case.follow_ups_open:
            row.stuck = follow_up_stuck(row, now=now)
            row.retryable = follow_up_retryable(row, now=now)
            row.stuck_at = follow_up_stuck_at(row)
    return case.follow_ups_open


def follow_up_for(task: str, args: list) -> FollowUp | None:
    """The row of one piece of work (a letter's render), if it was ever asked for."""
    return FollowUp.objects.filter(key=follow_up_key(task, args)).first()
