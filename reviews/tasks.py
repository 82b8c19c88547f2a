"""Celery tasks of the reviewer side. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from . import notifications


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def assignment_notify(assignment_id: int) -> bool:
    return notifications.assignment_notify(assignment_id=assignment_id)


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def letter_render(letter_id: int) -> str:
    from . import letters

    return letters.letter_produce(letter_id=letter_id)
