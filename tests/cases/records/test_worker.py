"""Tasks run by a real Celery worker process, on the same database and broker kind as the app
(SQLite and the filesystem broker by default; PostgreSQL and Redis in CI's second run)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import CaseEvent, EventType
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from cases.reminders.models import ClockNotice
from cases.reminders.tasks import clock_reminders_send
from tests.cases.helpers import overrides_for
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory, pdf_upload

pytestmark = pytest.mark.worker


def test_worker_counts_the_pages_of_an_uploaded_record(celery_worker):
    admin = UserFactory(role=Role.CASE_ADMIN)
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)

    record = record_add(
        case=case, actor=admin, uploaded=pdf_upload(pages=3), title="PR-2 progress report"
    )
    assert record.pages is None  # not counted in the request: the worker does it

    def inspected():
        pages = MedicalRecord.objects.get(pk=record.pk).pages
        event = CaseEvent.objects.filter(case=case, type=EventType.RECORD_INSPECTED).first()
        return pages is not None and event is not None and (pages, event)

    pages, event = celery_worker.wait_for(inspected, what="the record to be inspected")
    assert pages == 3
    assert event.details["pages"] == 3
    assert event.details["record_id"] == record.pk


def test_beat_task_escalates_an_overdue_case_once(celery_worker):
    admin = UserFactory(role=Role.CASE_ADMIN, email="intake@imr.example")
    today = timezone.localdate()
    case = CaseFactory(
        application_received=today - dt.timedelta(days=40),
        ur_decision_date=today - dt.timedelta(days=45),
    )
    DisputedItemFactory(case=case, position=1)
    # Notice sent 38 days ago electronically: the records were due 12 days after it.
    case = case_eligibility_record(
        case=case,
        actor=admin,
        eligible=True,
        overrides=overrides_for(case),
        notice_on=today - dt.timedelta(days=38),
    )
    assert case.clock.overdue

    first = clock_reminders_send.delay()
    assert celery_worker.task_outcome(first) == "1"
    notice = ClockNotice.objects.get(case=case)
    assert notice.kind == ClockNotice.Kind.RECORDS_OVERDUE
    assert notice.recipient == "intake@imr.example"

    second = clock_reminders_send.delay()
    assert celery_worker.task_outcome(second) == "0"
    assert ClockNotice.objects.filter(case=case).count() == 1
    mails = celery_worker.mails()
    assert len(mails) == 1
    assert f"OVERDUE: {case.case_number}" in mails[0]
    assert "To: intake@imr.example" in mails[0]
    assert CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT).count() == 1
