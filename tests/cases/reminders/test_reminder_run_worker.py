"""A case administrator's reminders sent by a real Celery worker process (the filesystem broker
and SQLite by default; Redis and PostgreSQL in CI's second run): the run the page follows
reaches "finished", each reviewer reminded once and the case without one named."""

import pytest

from accounts.models import Role
from cases.lifecycle.models import Case, EventType
from cases.reminders.models import ClockNotice, ReminderRun, ReminderRunStatus
from cases.reminders.runs import reminder_run_start
from tests.factories import CaseFactory, UserFactory, case_in_review, reviewer_with_profile

pytestmark = pytest.mark.worker


def test_worker_sends_the_reminders_case_by_case(celery_worker):
    admin = UserFactory(role=Role.CASE_ADMIN)
    in_review = [case_in_review(reviewer_with_profile(f"REV-W{n}"))[0] for n in range(2)]
    waiting = CaseFactory()
    numbers = [case.case_number for case in [*in_review, waiting]]

    run = reminder_run_start(
        actor=admin,
        cases=Case.objects.filter(case_number__in=numbers).order_by("case_number"),
        selected=len(numbers) + 1,
        query="",
    )

    def finished():
        current = ReminderRun.objects.get(pk=run.pk)
        return current.status == ReminderRunStatus.FINISHED and current

    done = celery_worker.wait_for(finished, what="the reminders to be sent")
    assert done.outcomes == {
        in_review[0].case_number: "sent",
        in_review[1].case_number: "sent",
        waiting.case_number: "no_reviewer",
    }
    assert done.refused == 1
    for case in in_review:
        assert ClockNotice.objects.filter(case=case).count() == 1
        assert case.events.get(type=EventType.REMINDER_SENT).actor == admin
