"""A case administrator's reminders to the reviewers of many cases at once (the case list's
"Send a reminder"): asked in the request, sent by a Celery task case by case, followed on the
run's page. Each reminder is an e-mail; 500 of them do not belong in a web request."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import pluralize
from django.utils import timezone

# tasks imports this module too: both by module name, each name resolved at call time.
from cases.lifecycle.models import Case
from cases.outbox.runs import run_stuck
from cases.outbox.services import follow_up_add
from cases.reminders import tasks
from cases.reminders.models import ReminderRun, ReminderRunStatus
from cases.reminders.services import reviewer_remind

logger = logging.getLogger(__name__)

# The outcome of a selected case gone by the time the task came to it (removed meanwhile).
NOT_FOUND = "not_found"
# Cases read from the database at a time.
REMINDER_CHUNK = 100


def reminder_run_start(*, actor, cases: QuerySet[Case], selected: int, query: str) -> ReminderRun:
    """Record the reminders asked for `cases` (those of the `selected` the actor may act on)
    and hand them to the task queue (through the outbox, in this transaction). With none to
    look at, the run is finished at once: its page says why nothing was sent."""
    numbers = list(cases.values_list("case_number", flat=True))
    now = timezone.now()
    with transaction.atomic():
        run = ReminderRun.objects.create(
            created_by=actor,
            query=query[:2000],
            case_numbers=numbers,
            refused=max(selected - len(numbers), 0),
            heartbeat_at=now,
        )
        if not numbers:
            ReminderRun.objects.filter(pk=run.pk).update(
                status=ReminderRunStatus.FINISHED, finished_at=now
            )
            run.refresh_from_db()
            return run
        follow_up_add(
            task=tasks.reminder_run_work.name,
            args=[run.pk],
            what=f"Reminders for {len(numbers)} case{pluralize(len(numbers))} will be sent",
        )
    return run


def reminder_run_stuck(run: ReminderRun, *, now: dt.datetime | None = None) -> bool:
    """A run nobody has worked on for REMINDER_RUN_STUCK_MINUTES (its worker died, or the
    broker lost its message): the administrator may resume it."""
    return run_stuck(run, minutes=settings.REMINDER_RUN_STUCK_MINUTES, now=now)


def reminder_run_resume(*, run: ReminderRun) -> ReminderRun:
    """Send a stuck or failed run to the task queue again. The cases done are skipped (each
    case's outcome is written with its reminder), and no reviewer is reminded twice for one due
    date (ClockNotice's constraint)."""
    with transaction.atomic():
        run = ReminderRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ReminderRunStatus.FAILED and not reminder_run_stuck(run):
            raise ValidationError(
                "These reminders are not stuck: they are finished or still being sent."
            )
        run.status = ReminderRunStatus.QUEUED
        run.heartbeat_at = timezone.now()
        run.error = ""
        run.finished_at = None
        run.save(update_fields=["status", "heartbeat_at", "error", "finished_at"])
        follow_up_add(
            task=tasks.reminder_run_work.name,
            args=[run.pk],
            what="The reminders will be sent on from where they stopped",
            again=True,
        )
    return run


def reminder_run_work(*, run_id: int) -> bool:
    """The task's work: each case not done yet is reminded (cases.reminders.services
    .reviewer_remind) and its outcome written in the same transaction. Returns False when there
    was nothing to do."""
    run = ReminderRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None or not run.working:
        return False
    ReminderRun.objects.filter(pk=run.pk).update(
        status=ReminderRunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    waiting = [number for number in run.case_numbers if number not in run.outcomes]
    number = ""
    try:
        for start in range(0, len(waiting), REMINDER_CHUNK):
            chunk = waiting[start : start + REMINDER_CHUNK]
            cases = {case.case_number: case for case in Case.objects.filter(case_number__in=chunk)}
            for number in chunk:
                _case_remind(run, number, cases.get(number))
    except Exception as exc:
        # The run says so and stops; "Try again" goes on from the case it stopped at. (With the
        # database away this write fails too: the run is left running, and once it has gone
        # untouched for REMINDER_RUN_STUCK_MINUTES its page offers the same.)
        logger.exception("reminder run %s stopped at %s", run.pk, number)
        done = len(ReminderRun.objects.values_list("outcomes", flat=True).get(pk=run.pk))
        ReminderRun.objects.filter(pk=run.pk).update(
            status=ReminderRunStatus.FAILED,
            finished_at=timezone.now(),
            error=(
                f"Stopped after {done} of {run.total} cases: {number} could not be reminded "
                f"({type(exc).__name__}: {exc}). The reminders sent are kept."
            ),
        )
        return False
    ReminderRun.objects.filter(pk=run.pk, status=ReminderRunStatus.RUNNING).update(
        status=ReminderRunStatus.FINISHED, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )
    return True


def _case_remind(run: ReminderRun, number: str, case: Case | None) -> None:
    """One case's reminder and its outcome on the run, together or not at all. The run's row
    is locked first: a second delivery of the same run (a re-queued message) finds the case
    done and leaves it."""
    with transaction.atomic():
        locked = ReminderRun.objects.select_for_update().only("outcomes").get(pk=run.pk)
        if number in locked.outcomes:
            return
        outcome = NOT_FOUND if case is None else reviewer_remind(case, actor=run.created_by)
        locked.outcomes[number] = str(outcome)
        locked.heartbeat_at = timezone.now()
        locked.save(update_fields=["outcomes", "heartbeat_at"])
