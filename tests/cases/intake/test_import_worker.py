"""Bulk import by a real Celery worker process (the filesystem broker and SQLite by default;
Redis and PostgreSQL in CI's second run): the run the page polls reaches "finished" with its
cases made and its refused row named."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from cases.intake.imports import import_run_start
from cases.intake.models import ImportRowOutcome, ImportRun, ImportRunStatus
from cases.lifecycle.models import Case
from tests.factories import UserFactory, intake_payload

pytestmark = pytest.mark.worker


def test_worker_imports_an_uploaded_file_case_by_case(celery_worker):
    admin = UserFactory(role=Role.CASE_ADMIN)
    payload = [
        intake_payload(application_id="W-1"),
        intake_payload(application_id="W-2", claim_number=""),
        intake_payload(application_id="W-3", claim_number="05-3"),
    ]
    uploaded = SimpleUploadedFile("w.json", json.dumps(payload).encode())
    run = import_run_start(actor=admin, uploaded=uploaded)

    def finished():
        current = ImportRun.objects.get(pk=run.pk)
        return current.status == ImportRunStatus.FINISHED and current

    done = celery_worker.wait_for(finished, what="the import to finish")
    assert (done.total, done.done, done.failed) == (3, 3, 1)
    assert sorted(Case.objects.values_list("application_id", flat=True)) == ["W-1", "W-3"]
    refused = done.rows.get(outcome=ImportRowOutcome.REFUSED)
    assert refused.application_id == "W-2"
    assert any(reason.startswith("$[1].claim_number") for reason in refused.reasons)
