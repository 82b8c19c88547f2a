"""Celery tasks of quality review. Each takes ids, fetches, and calls one function."""

from celery import shared_task

from cases.outbox.tasks import FollowUpTask
from reviews.quality import notifications


@shared_task(
    base=FollowUpTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def return_notify(review_id: int) -> bool:
    return notifications.return_notify(review_id=review_id)
