"""Celery tasks of the assignment room. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from cases.outbox.tasks import FollowUpTask
from reviews.assignment import notifications


# Named as before the move, so messages already queued still find it.
@shared_task(
    name="reviews.tasks.assignment_notify",
    base=FollowUpTask,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def assignment_notify(assignment_id: int) -> bool:
    return notifications.assignment_notify(assignment_id=assignment_id)
