"""Celery beat's task of the reminders room."""

from celery import shared_task

from cases.reminders.services import clock_notices_send


# Named as before the move, so messages already queued still find it.
@shared_task(name="cases.tasks.clock_reminders_send", acks_late=True)
def clock_reminders_send() -> int:
    """Reminders to reviewers before their due date, escalations to administrators for overdue
    cases; each sent once (SPEC section 3)."""
    return clock_notices_send()
