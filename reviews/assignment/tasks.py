"""Celery tasks of the assignment room. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from cases.outbox.tasks import FollowUpTask

# services imports this module too: both by module name, each name resolved at call time.
from reviews.assignment import notifications, services


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


@shared_task(
    base=FollowUpTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def unassignment_notify(assignment_id: int) -> bool:
    return notifications.unassignment_notify(assignment_id=assignment_id)


@shared_task(
    base=FollowUpTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def decline_notify(assignment_id: int) -> bool:
    return notifications.decline_notify(assignment_id=assignment_id)


@shared_task(
    base=FollowUpTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def acceptance_escalation_notify(assignment_id: int) -> bool:
    return notifications.acceptance_escalation_notify(assignment_id=assignment_id)


# Unrouted: the default queue. No automatic retry: a failure is shown on the batch page with
# a button to work the plan out again.
@shared_task(base=FollowUpTask, acks_late=True)
def plan_work_out(run_id: int) -> bool:
    return services.plan_work_out(run_id=run_id)


@shared_task(name="reviews.assignment.tasks.acceptances_escalate", acks_late=True)
def acceptances_escalate() -> int:
    """Run by beat: assignments not accepted in time are escalated to the administrators, once."""
    return services.acceptances_escalate()
