"""Celery tasks of the intake room. Each takes ids, fetches, and calls one service."""

from celery import shared_task

# imports imports this module too: both by module name, each name resolved at call time.
from cases.intake import imports
from cases.outbox.tasks import FollowUpTask


# Unrouted: the default queue. No automatic retry: the rows done stay done, and a run that
# stops is resumed from the import page (or re-sent by the outbox's stuck sweep).
@shared_task(base=FollowUpTask, acks_late=True)
def import_run_work(run_id: int) -> bool:
    return imports.import_run_work(run_id=run_id)
