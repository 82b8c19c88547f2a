"""The monthly report made by a real Celery worker on the `letters` queue, as in production
(the filesystem broker and SQLite by default; Redis and PostgreSQL in CI's second run): the
run the page polls reaches "done" with both files stored and matching their SHA-256."""

import hashlib

import pytest

from accounts.models import Role
from cases.integrity.stored import stored_file_bytes
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.reports.runs import REPORT_STEPS, report_run_request
from tests.factories import UserFactory


@pytest.mark.worker(queues="letters")
def test_a_real_worker_makes_the_monthly_report_section_by_section(celery_worker, world):
    admin = UserFactory(role=Role.CASE_ADMIN)
    run, made = report_run_request(actor=admin, month="2026-11")
    assert made

    def done():
        current = ReportRun.objects.get(pk=run.pk)
        return current.status == ReportRunStatus.DONE and current

    finished = celery_worker.wait_for(done, what="the report to be made", timeout=90)
    assert finished.steps_done == finished.steps_total == REPORT_STEPS
    pdf = stored_file_bytes(finished, "pdf")
    csv = stored_file_bytes(finished, "csv").decode()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == finished.pdf_sha256
    assert "Applications received,4" in csv and "Opioids" in csv
