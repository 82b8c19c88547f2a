"""Celery tasks of the clock pages. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from cases.lifecycle.services import cases_due_on_recount
from cases.outbox.tasks import FollowUpTask


# Unrouted: the default queue. Asked for by each holiday edit through the outbox, so a worker
# that dies mid-run is re-queued by its stuck sweep; `manage.py due_dates_recount` does the same
# by hand. A second run finds every date counted and writes nothing.
@shared_task(name="cases.tasks.due_dates_recount", base=FollowUpTask, acks_late=True)
def due_dates_recount() -> int:
    return cases_due_on_recount()
