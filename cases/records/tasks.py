"""Celery tasks of the records room. Each takes ids, fetches, and calls one service."""

from celery import shared_task
from django.conf import settings

from cases.outbox.tasks import FollowUpTask
from cases.records import services


# Named as before the move, so messages already queued still find it.
@shared_task(
    name="cases.tasks.record_inspect",
    base=FollowUpTask,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    # On the `records` queue (settings.CELERY_TASK_ROUTES); the child process that counts has
    # its own limits, these are the worker's backstop.
    soft_time_limit=settings.RECORD_COUNT_TASK_SOFT_SECONDS,
    time_limit=settings.RECORD_COUNT_TASK_HARD_SECONDS,
)
def record_inspect(record_id: int) -> int | None:
    record = services.record_inspect_pages(record_id=record_id)
    return record.pages if record else None
