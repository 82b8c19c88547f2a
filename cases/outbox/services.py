"""Writes of the outbox: add a follow-up inside the change's transaction, publish it after commit,
relay what is waiting or stuck, and mark each run (README, "No lost work")."""

from __future__ import annotations

import contextvars
import datetime as dt
import logging

from celery import current_app
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.lifecycle.models import Case
from cases.outbox.models import OPEN_STATES, FollowUp, FollowUpState, follow_up_key

logger = logging.getLogger(__name__)

# What the broker raises when it cannot be reached (kombu wraps connection errors; a socket
# error may come through as an OSError).
BROKER_ERRORS = (OperationalError, OSError)
# Longest wait between two tries to publish while the broker is down.
PUBLISH_BACKOFF_MAX = dt.timedelta(minutes=5)

# The request being answered (set by FollowUpDelayMiddleware): a follow-up that cannot be
# published tells its user so on the page that answers the action.
current_request: contextvars.ContextVar = contextvars.ContextVar("outbox_request", default=None)


def follow_up_add(
    *, task: str, args: list, what: str, case: Case | None = None, again: bool = False
) -> FollowUp:
    """Record a follow-up in the caller's transaction and publish it once that commits. `task`:
    the Celery task's name; `what`: the sentence the user reads, as "Letter version 2 will be
    rendered" (+ " when the task queue is back"). The same work asked again while it waits or
    is queued is one row; asked again once running or finished (a new serving), or `again` (an
    administrator's retry of stuck or failed work), the row opens again and is published."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("follow_up_add belongs inside the change's transaction.")
    now = timezone.now()
    follow_up, created = FollowUp.objects.select_for_update().get_or_create(
        key=follow_up_key(task, args),
        defaults={"task": task, "args": list(args), "what": what, "case": case},
    )
    if not created:
        if not again and follow_up.state in (FollowUpState.WAITING, FollowUpState.QUEUED):
            return follow_up  # already on its way
        # Finished, failed, or running on an older request: run again for this one.
        follow_up.state = FollowUpState.WAITING
        follow_up.what = what
        follow_up.state_changed_at = follow_up.next_attempt_at = now
        follow_up.publish_failures = follow_up.requeues = 0
        follow_up.finished_at = None
        follow_up.error = ""
        follow_up.save()
    transaction.on_commit(lambda: follow_up_publish(follow_up.pk))
    return follow_up


def _delay_told(follow_up: FollowUp) -> None:
    request = current_request.get()
    if request is not None:
        messages.warning(
            request, f"{follow_up.what} when the task queue is back.", fail_silently=True
        )


def follow_up_publish(follow_up_id: int, *, requeue: bool = False) -> bool:
    """Hand a waiting follow-up (or, with `requeue`, a stuck one) to the task queue. With the
    broker down the row stays waiting, its next try backs off, and the user is told; nothing
    is raised, the change that asked for it stands."""
    follow_up = FollowUp.objects.filter(pk=follow_up_id).first()
    if follow_up is None or follow_up.state not in OPEN_STATES:
        return True
    if follow_up.state != FollowUpState.WAITING and not requeue:
        return True
    task = current_app.tasks.get(follow_up.task)
    try:
        if task is not None:
            task.apply_async(args=follow_up.args, task_id=follow_up.message_id)
        else:
            current_app.send_task(follow_up.task, args=follow_up.args, task_id=follow_up.message_id)
    except BROKER_ERRORS as error:
        failures = follow_up.publish_failures + 1
        backoff = min(dt.timedelta(seconds=5 * 2 ** (failures - 1)), PUBLISH_BACKOFF_MAX)
        FollowUp.objects.filter(pk=follow_up.pk, state__in=OPEN_STATES).update(
            state=FollowUpState.WAITING,
            publish_failures=failures,
            next_attempt_at=timezone.now() + backoff,
            error=f"The task queue could not be reached: {error}"[:2000],
        )
        logger.warning("Task queue unavailable; %s stays waiting for the relay", follow_up)
        _delay_told(follow_up)
        return False
    # A worker may have started (or, eagerly, finished) it already: only a row still waiting
    # (or the stuck row re-queued) becomes queued.
    FollowUp.objects.filter(
        pk=follow_up.pk, state=follow_up.state, state_changed_at=follow_up.state_changed_at
    ).update(state=FollowUpState.QUEUED, state_changed_at=timezone.now(), error="")
    return True


def follow_ups_relay(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run by beat: publish what is waiting and due, and re-queue stuck work (queued or running
    past OUTBOX_STUCK_AFTER_SECONDS: a worker killed mid-task, a broker restarted empty). Work
    stuck OUTBOX_MAX_REQUEUES times is failed for an administrator to retry."""
    now = now or timezone.now()
    published = requeued = failed = 0
    # Read both lists first: what this run publishes is not stuck in the same run.
    waiting = list(
        FollowUp.objects.filter(state=FollowUpState.WAITING, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    stuck_before = now - dt.timedelta(seconds=settings.OUTBOX_STUCK_AFTER_SECONDS)
    stuck = list(
        FollowUp.objects.filter(
            state__in=(FollowUpState.QUEUED, FollowUpState.RUNNING),
            state_changed_at__lt=stuck_before,
        )
    )
    for follow_up_id in waiting:
        if follow_up_publish(follow_up_id):
            published += 1
    for follow_up in stuck:
        if follow_up.requeues >= settings.OUTBOX_MAX_REQUEUES:
            failed += FollowUp.objects.filter(pk=follow_up.pk, state=follow_up.state).update(
                state=FollowUpState.FAILED,
                state_changed_at=now,
                finished_at=now,
                error=(
                    f"Taken {follow_up.runs} time(s) and never finished (a worker stopped or "
                    f"the queue lost it); re-queued {follow_up.requeues} time(s)."
                ),
            )
            continue
        # Counted before publishing, so a worker quick to start finds the row as it is now.
        FollowUp.objects.filter(pk=follow_up.pk).update(requeues=F("requeues") + 1)
        follow_up.refresh_from_db()
        logger.warning("Re-queueing stuck follow-up %s", follow_up)
        if follow_up_publish(follow_up.pk, requeue=True):
            requeued += 1
    return {"published": published, "requeued": requeued, "failed": failed}


@transaction.atomic
def follow_up_retry(*, follow_up: FollowUp) -> FollowUp:
    """An administrator's retry of failed, stuck or waiting work: published again after commit
    (the task finds what was already done and does the rest)."""
    return follow_up_add(
        task=follow_up.task,
        args=follow_up.args,
        what=follow_up.what,
        case=follow_up.case,
        again=True,
    )


# --- Called by the task around each delivery (cases.outbox.tasks.FollowUpTask) ----------------


def follow_up_id_of(message_id: str | None) -> int | None:
    if not message_id or not message_id.startswith("followup-"):
        return None
    try:
        return int(message_id.removeprefix("followup-"))
    except ValueError:
        return None


def follow_up_started(follow_up_id: int) -> bool:
    """A worker took the row's message. False when the work is already done (a second
    delivery: a re-queued message and the original both arrived), so the task does nothing."""
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().filter(pk=follow_up_id).first()
        if follow_up is None:
            return True  # not outbox work (a row removed with its case): run as asked
        if follow_up.state == FollowUpState.DONE:
            return False
        follow_up.state = FollowUpState.RUNNING
        follow_up.state_changed_at = timezone.now()
        follow_up.runs += 1
        follow_up.save(update_fields=["state", "state_changed_at", "runs"])
    return True


def follow_up_finished(follow_up_id: int, *, error: str = "") -> None:
    """The task returned (done) or gave up after its last try (failed, shown with a retry)."""
    now = timezone.now()
    # Only the run under way: a row asked for again meanwhile (waiting or queued) stays open.
    FollowUp.objects.filter(pk=follow_up_id, state=FollowUpState.RUNNING).update(
        state=FollowUpState.FAILED if error else FollowUpState.DONE,
        state_changed_at=now,
        finished_at=now,
        error=error[:2000],
    )


def follow_up_retrying(follow_up_id: int, *, error: str) -> None:
    """The task scheduled another try of its own: still running, not stuck."""
    FollowUp.objects.filter(pk=follow_up_id, state=FollowUpState.RUNNING).update(
        state_changed_at=timezone.now(), error=error[:2000]
    )
