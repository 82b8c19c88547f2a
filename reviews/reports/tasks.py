"""Celery tasks of the reports room. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from cases.outbox.tasks import FollowUpTask

# runs imports this module too: both by module name, each name resolved at call time.
from reviews.reports import runs


# Routed to the "letters" queue by CELERY_TASK_ROUTES (it renders a PDF with WeasyPrint). No
# automatic retry: a failure is shown on the run's page with "Try again".
@shared_task(name="reviews.reports.tasks.report_run_work", base=FollowUpTask, acks_late=True)
def report_run_work(run_id: int) -> bool:
    return runs.report_run_work(run_id=run_id)
