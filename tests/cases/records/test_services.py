"""Adding medical records: the upload check, the hash, the page count."""

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import case_terminate
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from tests.cases.helpers import event_types
from tests.factories import CaseFactory, minimal_pdf, pdf_upload

D = dt.date
S = CaseStatus


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- records -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_record_is_stored_with_its_hash_and_pages_are_counted(
    case, case_admin, django_capture_on_commit_callbacks
):
    upload = pdf_upload("pr2-progress-report.pdf", pages=3)
    content = upload.read()
    upload.seek(0)
    with django_capture_on_commit_callbacks(execute=True):
        record = record_add(
            case=case,
            actor=case_admin,
            uploaded=upload,
            title=" PR-2 progress report ",
            document_date=D(2026, 10, 19),
        )
    record.refresh_from_db()
    assert record.title == "PR-2 progress report"
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.size == len(content)
    assert record.pages == 3
    assert record.original_filename == "pr2-progress-report.pdf"
    assert record.uploaded_by == case_admin
    with record.file.open("rb") as handle:
        assert handle.read() == content
    assert event_types(case) == [EventType.RECORD_ADDED, EventType.RECORD_INSPECTED]
    inspected = CaseEvent.objects.get(case=case, type=EventType.RECORD_INSPECTED)
    assert inspected.details["pages"] == 3


@pytest.mark.django_db
def test_a_pdf_is_recognised_by_its_content_not_its_name(case, case_admin, settings):
    record = record_add(
        case=case,
        actor=case_admin,
        uploaded=SimpleUploadedFile("scan.txt", minimal_pdf(1)),
        title="Scanned report",
    )
    assert record.original_filename == "scan.txt"
    # Stored as what it is: the name it was uploaded under never decides how it is served.
    assert record.file.name.endswith(".pdf")
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("report.pdf", b"<html>not a pdf</html>"), "not a PDF"),
        (SimpleUploadedFile("report.pdf", b""), "empty"),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_written(
    case, case_admin, settings, upload, message
):
    with pytest.raises(ValidationError, match=message):
        record_add(case=case, actor=case_admin, uploaded=upload, title="Report")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []
    assert event_types(case) == []


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_and_nothing_is_written(case, case_admin, settings):
    settings.RECORD_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="the limit is"):
        record_add(case=case, actor=case_admin, uploaded=pdf_upload(pages=2), title="Big report")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.TERMINATED, S.INELIGIBLE, S.ISSUED])
def test_no_record_can_be_added_to_a_closed_case(case_admin, settings, status):
    closed = CaseFactory(status=status)
    with pytest.raises(ValidationError, match="closed case"):
        record_add(case=closed, actor=case_admin, uploaded=pdf_upload(), title="Late")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_case_closed_since_it_was_opened_on_screen_takes_no_record(case, case_admin, settings):
    on_screen = Case.objects.get(pk=case.pk)
    case_terminate(case=case, actor=case_admin, reason="withdrawn")
    with pytest.raises(ValidationError, match="closed case"):
        record_add(case=on_screen, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []
