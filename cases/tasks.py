"""Celery tasks of the case file. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from . import services
from .reminders import clock_notices_send


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def record_inspect(record_id: int) -> int | None:
    record = services.record_inspect_pages(record_id=record_id)
    return record.pages if record else None


@shared_task(acks_late=True)
def clock_reminders_send() -> int:
    """Reminders to reviewers before their due date, escalations to administrators for overdue
    cases; each sent once (SPEC section 3)."""
    return clock_notices_send()
