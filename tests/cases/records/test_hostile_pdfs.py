"""Hostile PDFs: every door that takes a record (the case page, the API, import_cases) refuses a
file that is not a PDF from its first byte, is encrypted, damaged, empty or over the page limit,
with a message, and writes nothing. A file that passes but cannot be counted within the memory
and time limits is marked "could not be counted" with the reason (the limit that stopped it)."""

import base64
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import NameObject, NumberObject
from rest_framework.test import APIClient

from cases.intake.services import cases_import
from cases.lifecycle.models import Case, CaseEvent, EventType
from cases.records.models import MedicalRecord
from cases.records.services import record_add
from tests.factories import api_token_for, intake_payload, minimal_pdf


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def encrypted_pdf(user_password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    # An empty user password: any viewer opens it without asking, yet it is encrypted.
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_without_pages() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def pdf_of(pages: int, *, declared: int | None = None) -> bytes:
    """A PDF of `pages` blank pages; with `declared`, its page tree states that total instead."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    if declared is not None:
        writer._root_object["/Pages"][NameObject("/Count")] = NumberObject(declared)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# An HTML page that carries a PDF after its markup: PDF readers find the header within the first
# 1,024 bytes, a browser sniffing it sees HTML.
POLYGLOT = b"<html><body><script>alert(1)</script></body></html>\n" + minimal_pdf(1)

HOSTILE = [
    pytest.param(POLYGLOT, "this is not a PDF file", id="html-pdf-polyglot"),
    pytest.param(b"<html>not a pdf</html>", "this is not a PDF file", id="html"),
    pytest.param(encrypted_pdf(), "the PDF is encrypted", id="encrypted-empty-password"),
    pytest.param(encrypted_pdf("secret"), "the PDF is encrypted", id="encrypted"),
    pytest.param(b"%PDF-1.7\n" + b"\x00garbage" * 100, "the PDF is damaged", id="garbage"),
    pytest.param(minimal_pdf(2)[:300], "the PDF is damaged", id="truncated"),
    pytest.param(pdf_without_pages(), "no page could be found", id="zero-pages"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_service_refuses_a_hostile_file_and_writes_nothing(
    case, case_admin, settings, content, message
):
    upload = SimpleUploadedFile("report.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError, match=message):
        record_add(case=case, actor=case_admin, uploaded=upload, title="Report")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []
    assert not CaseEvent.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_record_over_the_page_limit_is_refused(case, case_admin, settings):
    settings.RECORD_MAX_PAGES = 2
    upload = SimpleUploadedFile("big.pdf", minimal_pdf(3))
    with pytest.raises(ValidationError, match="the PDF has 3 pages; the limit is 2 pages"):
        record_add(case=case, actor=case_admin, uploaded=upload, title="Big")
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []
    # At the limit it is taken.
    record_add(
        case=case,
        actor=case_admin,
        uploaded=SimpleUploadedFile("ok.pdf", minimal_pdf(2)),
        title="Two pages",
    )
    assert MedicalRecord.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), HOSTILE[:4:2])
def test_the_case_page_shows_why_a_file_is_refused(admin_client, case, settings, content, message):
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": SimpleUploadedFile("report.pdf", content),
            "record-title": "Report",
            "record-kind": "medical",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "message"), HOSTILE)
def test_the_api_refuses_a_hostile_file_with_a_json_error(
    api_client_user, settings, content, message
):
    (result,) = cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    case = Case.objects.get(case_number=result.case_number)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(api_client_user)}")
    response = client.post(
        f"/api/v1/cases/{case.case_number}/records/",
        data=json.dumps({"title": "Report", "content": base64.b64encode(content).decode()}),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert errors[0]["path"] == "$.content"
    assert message in errors[0]["message"]
    assert not MedicalRecord.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_import_cases_refuses_an_encrypted_record_and_imports_nothing(tmp_path, settings):
    (tmp_path / "ur.pdf").write_bytes(encrypted_pdf())
    payload = intake_payload(application_id="A-1")
    payload["records"] = [{"title": "UR decision", "file": "ur.pdf"}]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(payload))
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_cases", str(path), stdout=StringIO(), stderr=err)
    assert "$.records[0].file" in err.getvalue()
    assert "the PDF is encrypted" in err.getvalue()
    assert not Case.objects.exists()
    assert stored_files(settings) == []


# --- the bounded page count -----------------------------------------------------------------


@pytest.fixture(scope="session")
def page_tree_bomb(tmp_path_factory) -> bytes:
    """A 12 MB PDF of 100,000 pages whose page tree claims one: it passes the upload check
    (which reads only the declared total and the first page) and must be stopped by the count.
    Built once a session (about 8 s)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.pdf"
    path.write_bytes(pdf_of(100_000, declared=1))
    return path.read_bytes()


def _add_and_count(case, case_admin, content, capture) -> MedicalRecord:
    """Adds the record and runs its page count; the problem it records says which limit
    stopped the count (no wall-clock assertion: the limits are the product's, and a loaded
    machine only makes the count slower)."""
    with capture(execute=True):
        record = record_add(
            case=case,
            actor=case_admin,
            uploaded=SimpleUploadedFile("bomb.pdf", content),
            title="Hostile record",
        )
    record.refresh_from_db()
    return record


@pytest.mark.django_db
def test_a_page_tree_bomb_hits_the_memory_limit_and_is_marked_could_not_be_counted(
    case, case_admin, settings, page_tree_bomb, django_capture_on_commit_callbacks
):
    assert len(page_tree_bomb) > 10_000_000
    settings.RECORD_PAGE_COUNT_MEMORY_BYTES = 128 * 1024 * 1024
    settings.RECORD_PAGE_COUNT_SECONDS = 60
    record = _add_and_count(case, case_admin, page_tree_bomb, django_capture_on_commit_callbacks)
    assert record.pages == 0
    assert record.pages_problem == "counting the pages needs more than the 128 MB allowed."
    event = CaseEvent.objects.get(case=case, type=EventType.RECORD_INSPECTED)
    assert event.details["problem"] == record.pages_problem


@pytest.mark.django_db
def test_a_page_tree_bomb_hits_the_time_limit_and_is_marked_could_not_be_counted(
    admin_client, case, case_admin, settings, page_tree_bomb, django_capture_on_commit_callbacks
):
    settings.RECORD_PAGE_COUNT_MEMORY_BYTES = 2 * 1024 * 1024 * 1024
    settings.RECORD_PAGE_COUNT_SECONDS = 1.5
    record = _add_and_count(case, case_admin, page_tree_bomb, django_capture_on_commit_callbacks)
    assert record.pages == 0
    assert record.pages_problem == "counting the pages took longer than 1.5 seconds."
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    html = page.content.decode()
    assert "could not be counted" in html
    assert "counting the pages took longer than 1.5 seconds." in html


@pytest.mark.django_db
def test_a_pdf_with_more_pages_than_it_declares_is_not_counted_past_the_limit(
    case, case_admin, settings, django_capture_on_commit_callbacks
):
    settings.RECORD_MAX_PAGES = 3
    record = _add_and_count(
        case, case_admin, pdf_of(5, declared=1), django_capture_on_commit_callbacks
    )
    assert record.pages == 0
    assert record.pages_problem == "the PDF has 5 pages; the limit is 3."


@pytest.mark.django_db
def test_a_record_dated_before_1900_is_refused_at_the_case_page_and_the_api(
    admin_client, case, api_client_user
):
    """From a QA pass: a record dated 01/01/1800 was taken (only the future was refused), and
    the letter would list it so."""
    response = admin_client.post(
        reverse("casefile:case_record_add", args=[case.case_number]),
        {
            "record-file": SimpleUploadedFile("report.pdf", minimal_pdf()),
            "record-title": "Report",
            "record-kind": "medical",
            "record-document_date": "1800-01-01",
        },
    )
    assert "The document date is before 01/01/1900." in response.content.decode()

    (result,) = cases_import(payload=intake_payload(), actor=api_client_user, source="api")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(api_client_user)}")
    refused = api.post(
        f"/api/v1/cases/{result.case_number}/records/",
        data=json.dumps(
            {
                "title": "Report",
                "document_date": "1800-01-01",
                "content": base64.b64encode(minimal_pdf()).decode(),
            }
        ),
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0] == {
        "path": "$.document_date",
        "message": "1800-01-01 is before 1900-01-01",
    }
    assert not MedicalRecord.objects.exists()
