"""Adding and opening medical records from the case page."""

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent, AuditKind
from cases.records.services import record_inspect_pages
from reviews.assignment.models import Assignment
from tests.cases.helpers import HTMX, add_record
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


# --- Records ----------------------------------------------------------------------------------


def test_record_download_opens_the_pdf_inline_and_records_the_opening(
    admin_client, case, case_admin
):
    record = add_record(case, case_admin)
    response = admin_client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "pr2.pdf" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    opened = AuditEvent.objects.get(kind=AuditKind.RECORD)
    assert (opened.actor, opened.action, opened.case_number, opened.object_id) == (
        case_admin,
        AuditAction.DOWNLOAD,
        case.case_number,
        str(record.pk),
    )


def test_record_pages_show_counting_until_inspected(admin_client, case, case_admin):
    record = add_record(case, case_admin)
    url = reverse("casefile:case_detail", args=[case.case_number])
    assert "counting…" in admin_client.get(url).content.decode()
    record_inspect_pages(record_id=record.pk)
    html = admin_client.get(url, {"panel": "records"}, **HTMX).content.decode()
    assert "counting…" not in html and "every 3s" not in html


def test_assigned_reviewer_sees_the_case_page_without_actions(client, reviewer, case, case_admin):
    Assignment.objects.create(case=case, reviewer=reviewer, assigned_by=case_admin)
    assert client.login(username=reviewer.username, password=PASSWORD)
    page = client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    assert case.case_number in page
    assert "Record eligible" not in page
    assert "MRI of the right shoulder without contrast" in page
