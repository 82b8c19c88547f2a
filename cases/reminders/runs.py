"""A case administrator's reminders to the reviewers of many cases at once (the case list's
"Remind reviewers"): asked in the request, sent by a Celery task (a reviewer's cases together,
in one e-mail), followed on the run's page. 500 e-mails do not belong in a web request."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notify
from cases.access import Ability, may
from cases.formatting import cases_counted
from cases.lifecycle.models import Case
from cases.outbox.runs import WORKING_STATUSES, run_stuck
from cases.outbox.services import follow_up_add
from cases.registry import reviewer_side

# tasks imports this module too: both by module name, each name resolved at call time.
from cases.reminders import tasks
from cases.reminders.models import ReminderRun, ReminderRunStatus
from cases.reminders.services import Reminded, reminder_recipient, reviewer_reminders

logger = logging.getLogger(__name__)

# Cases read from the database at a time (more for a reviewer of more: _chunks).
REMINDER_CHUNK = 100
# Outcomes with nothing recorded, which "Send again" sends again.
NOT_REMINDED = frozenset({Reminded.MAIL_FAILED, Reminded.ERROR})
# Faults that would come again for every case (the database away, the mail server not reached,
# a worker out of memory): the run stops there, to go on from that case when tried again. A
# fault of one case's (its data refused by the database too) is that case's outcome, and the
# others go on.
_STOPS_THE_RUN = (OperationalError, InterfaceError, OSError, MemoryError)


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
            # Nothing to look at: finished as it is asked.
            **({} if numbers else {"status": ReminderRunStatus.FINISHED, "finished_at": now}),
        )
        if numbers:
            follow_up_add(
                task=tasks.reminder_run_work.name,
                args=[run.pk],
                what=f"Reminders for {cases_counted(len(numbers))} will be sent",
            )
    return run


def reminder_run_stuck(run: ReminderRun, *, now: dt.datetime | None = None) -> bool:
    """A run nobody has worked on for REMINDER_RUN_STUCK_MINUTES (its worker died, or the
    broker lost its message): the administrator may resume it."""
    return run_stuck(run, minutes=settings.REMINDER_RUN_STUCK_MINUTES, now=now)


def not_reminded(run: ReminderRun) -> list[str]:
    """The run's cases not reminded for a fault (the mail server refused the message, or a
    fault of the case's): sending again sends them."""
    return [number for number, outcome in run.outcomes.items() if outcome in NOT_REMINDED]


def reminder_run_resume(*, run: ReminderRun) -> ReminderRun:
    """Send a stuck or failed run to the task queue again, or a finished one's cases not
    reminded (not_reminded). The cases done are skipped (each case's outcome is written with
    its reminder), and a reminder recorded is not sent again for the same due date
    (ClockNotice's constraint)."""
    with transaction.atomic():
        run = ReminderRun.objects.select_for_update().get(pk=run.pk)
        again = not_reminded(run)
        # A run at work is left to its worker (from a review: "Send again" from a stale page
        # beside a working run left cases never reminded), unless it is stuck.
        if (run.working and not reminder_run_stuck(run)) or (
            run.status == ReminderRunStatus.FINISHED and not again
        ):
            raise ValidationError(
                "These reminders are not stuck and none is left to send: they are finished or "
                "still being sent."
            )
        for number in again:
            del run.outcomes[number]
        run.status = ReminderRunStatus.QUEUED
        run.heartbeat_at = timezone.now()
        run.error = ""
        run.finished_at = None
        run.save(update_fields=["outcomes", "status", "heartbeat_at", "error", "finished_at"])
        follow_up_add(
            task=tasks.reminder_run_work.name,
            args=[run.pk],
            what="The reminders will be sent on from where they stopped",
            again=True,
        )
    return run


def reminder_run_work(*, run_id: int) -> bool:
    """The task's work: each case not done yet is reminded (cases.reminders.services
    .reviewer_reminders), a reviewer's cases together, and their outcomes written in the same
    transaction. Returns False when there was nothing to do or the run stopped."""
    run = ReminderRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None or not run.working:
        return False
    if not may(run.created_by, Ability.MANAGE_CASES):
        # Asked, then the asker's login was deactivated or their role changed (or the user
        # removed) before a worker came to it: nothing is sent in their name.
        _run_end(
            run,
            failed="Not sent: whoever asked for these reminders may no longer manage cases. "
            "Ask for them again from the case list.",
        )
        return False
    started = ReminderRun.objects.filter(pk=run.pk, status__in=WORKING_STATUSES).update(
        status=ReminderRunStatus.RUNNING, heartbeat_at=timezone.now()
    )
    if not started:
        return False  # ended meanwhile by another delivery of the same run
    number = ""
    try:
        # Read again after each pass: cases sent again meanwhile are not left behind.
        while waiting := _waiting(run):
            for chunk in _chunks(waiting):
                number = ""
                by_number = Case.objects.filter(case_number__in=chunk)
                cases = {case.case_number: case for case in by_number}
                for group in _by_reviewer(run, chunk, cases):
                    number = group[0][0]
                    _cases_remind(run, group)
    except _STOPS_THE_RUN as exc:
        # The run says so and stops; "Try again" goes on from this case. (With the database
        # away this write fails too: the run is left running, and once it has gone untouched
        # for REMINDER_RUN_STUCK_MINUTES its page offers to resume it.)
        logger.exception("reminder run %s stopped at %s", run.pk, number or "a chunk's read")
        _run_end(run, failed=_stopped(run, number, exc))
        return False
    _run_end(run)
    return True


def _chunks(waiting: list[str]) -> Iterator[list[str]]:
    """The waiting cases in chunks of about REMINDER_CHUNK, each reviewer's cases whole in one
    chunk, so that each reviewer gets one e-mail for the run (from QA: a reviewer whose cases
    fell in several chunks of a large run got one e-mail per chunk). A reviewer of more than
    REMINDER_CHUNK has a chunk of their own. In the run's order, by each reviewer's first case;
    the grouping read here is a hint, and _by_reviewer decides whom each case goes to."""
    reviewer_of: dict[str, int] = {}
    for start in range(0, len(waiting), REMINDER_CHUNK):
        ids = dict(
            Case.objects.filter(
                case_number__in=waiting[start : start + REMINDER_CHUNK]
            ).values_list("pk", "case_number")
        )
        reviewers = reviewer_side().current_reviewer_ids(ids)
        reviewer_of.update({ids[pk]: reviewer for pk, reviewer in reviewers.items()})
    groups: dict[object, list[str]] = {}
    for number in waiting:
        key = ("reviewer", reviewer_of[number]) if number in reviewer_of else ("case", number)
        groups.setdefault(key, []).append(number)
    chunk: list[str] = []
    for group in groups.values():
        if chunk and len(chunk) + len(group) > REMINDER_CHUNK:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _waiting(run: ReminderRun) -> list[str]:
    numbers, outcomes = ReminderRun.objects.values_list("case_numbers", "outcomes").get(pk=run.pk)
    return [number for number in numbers if number not in outcomes]


def _stopped(run: ReminderRun, number: str, exc: Exception) -> str:
    """Why the run stopped, in words first; the fault itself last, for support (from QA: the
    sentence opened with "OperationalError")."""
    done = len(ReminderRun.objects.values_list("outcomes", flat=True).get(pk=run.pk))
    if isinstance(exc, DatabaseError):
        why = "the database could not be reached"
    elif isinstance(exc, OSError):
        why = "the mail server could not be reached"
    else:
        why = "the worker ran out of memory"
    where = f" at {number}" if number else ""
    return (
        f"Stopped after {done} of {cases_counted(run.total)}{where}: {why}. The reminders sent are "
        f"kept; trying again goes on from there. (For support: {type(exc).__name__}: {exc})"
    )


def _by_reviewer(
    run: ReminderRun, numbers: list[str], cases: dict[str, Case]
) -> list[list[tuple[str, Case | None]]]:
    """The chunk's cases in groups of one reviewer's, so that each reviewer gets one e-mail for
    all of theirs in the chunk (from QA: a reviewer reminded of nine cases got nine e-mails); a
    case with no one to remind, or not found, is a group of its own. In the chunk's order, by
    first case. A fault of a case's while its reviewer is looked up: each case alone, as
    before grouping (its own fault is then its own outcome)."""
    groups: dict[object, list[tuple[str, Case | None]]] = {}
    try:
        for number in numbers:
            case = cases.get(number)
            reviewer = reminder_recipient(case) if case is not None else None
            key = ("reviewer", reviewer.pk) if reviewer is not None else ("case", number)
            groups.setdefault(key, []).append((number, case))
    except _STOPS_THE_RUN:
        raise
    except Exception:
        logger.exception("reminder run %s: the chunk's reviewers not found; case by case", run.pk)
        return [[(number, cases.get(number))] for number in numbers]
    return list(groups.values())


def _cases_remind(run: ReminderRun, group: list[tuple[str, Case | None]]) -> None:
    """One reviewer's cases reminded and their outcomes on the run, together or not at all.
    The run's row is locked first: a second delivery of the same run (a re-queued message)
    finds the cases done and leaves them. A fault of these cases' alone is their outcome
    (ERROR), and the run goes on."""
    try:
        with transaction.atomic():
            locked = ReminderRun.objects.select_for_update().only("outcomes").get(pk=run.pk)
            todo = [(number, case) for number, case in group if number not in locked.outcomes]
            if not todo:
                return
            found = [case for _number, case in todo if case is not None]
            outcomes = reviewer_reminders(found, actor=run.created_by) if found else {}
            _outcomes_save(
                locked,
                {
                    number: Reminded.NOT_FOUND if case is None else outcomes[case.pk]
                    for number, case in todo
                },
            )
    except _STOPS_THE_RUN:
        raise
    except Exception:
        numbers = [number for number, _case in group]
        logger.exception("reminder run %s: cases %s not reminded", run.pk, ", ".join(numbers))
        if len(group) > 1:
            # Each case alone: a fault of one case's is its own outcome, and its reviewer's
            # other cases are reminded (from a review: the whole group failed, on every try).
            for pair in group:
                _cases_remind(run, [pair])
            return
        with transaction.atomic():
            locked = ReminderRun.objects.select_for_update().only("outcomes").get(pk=run.pk)
            # Unless another delivery did them meanwhile (the lock was let go between).
            _outcomes_save(
                locked,
                {number: Reminded.ERROR for number in numbers if number not in locked.outcomes},
            )


def _outcomes_save(locked: ReminderRun, outcomes: dict[str, Reminded]) -> None:
    locked.outcomes.update({number: str(outcome) for number, outcome in outcomes.items()})
    locked.heartbeat_at = timezone.now()
    locked.save(update_fields=["outcomes", "heartbeat_at"])


def _run_end(run: ReminderRun, *, failed: str = "") -> None:
    """Finished (or failed, saying why). The asker is told under their bell when something is
    left to do (a failure, cases not reminded), since they may have left the run's page."""
    now = timezone.now()
    ended = ReminderRun.objects.filter(pk=run.pk, status__in=WORKING_STATUSES).update(
        status=ReminderRunStatus.FAILED if failed else ReminderRunStatus.FINISHED,
        error=failed,
        finished_at=now,
        heartbeat_at=now,
    )
    run.refresh_from_db()
    left = len(not_reminded(run))
    if not ended or not (failed or left) or not may(run.created_by, Ability.MANAGE_CASES):
        return
    if failed:
        text = f"Reminders stopped after {run.done} of {cases_counted(run.total)}"
    else:
        text = f"Reminders: {left} of {cases_counted(run.total)} not reminded"
    notify(
        [run.created_by],
        text=f"{text}: send them again from the reminders' page",
        link=reverse("casefile:reminder_run", args=[run.pk]),
    )
