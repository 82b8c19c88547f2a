"""Celery tasks of the reminders room: beat's schedule, and an administrator's reminders."""

from celery import shared_task

# runs imports this module too: both by module name, each name resolved at call time.
from cases.outbox.tasks import FollowUpTask
from cases.reminders import runs
from cases.reminders.services import clock_notices_send


# Named as before the move, so messages already queued still find it.
@shared_task(name="cases.tasks.clock_reminders_send", acks_late=True)
def clock_reminders_send() -> int:
    """Reminders to reviewers before their due date, escalations to administrators for overdue
    cases; each sent once (SPEC section 3)."""
    return clock_notices_send()


# No automatic retry: the cases done stay done, and a run that stops is resumed from its page
# (or re-sent by the outbox's stuck sweep).
@shared_task(base=FollowUpTask, acks_late=True)
def reminder_run_work(run_id: int) -> bool:
    return runs.reminder_run_work(run_id=run_id)
