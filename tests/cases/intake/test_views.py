"""The guided intake form."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.intake.forms import ApplicationForm, ItemForm
from cases.lifecycle.models import ADDRESS_MAX, Case, CaseStatus, Party
from cases.records.models import MedicalRecord
from tests.cases.helpers import HTMX
from tests.factories import CaseFactory, pdf_upload

pytestmark = pytest.mark.django_db


# --- New application --------------------------------------------------------------------------


def intake_post(**overrides):
    """What the intake form posts for a complete, valid application with one record."""
    data = {
        "application-application_id": "A-2026-000500",
        "application-priority": "standard",
        "application-application_received": "2026-11-03",
        "application-ur_decision_date": "2026-10-27",
        "application-ur_decision_served_on": "",
        "application-date_of_injury": "2025-07-22",
        "application-claim_number": "05-123456",
        "worker-first_name": "Ana",
        "worker-last_name": "Ruiz",
        "worker-date_of_birth": "1968-02-01",
        "worker-age": "",
        "worker-sex": "female",
        "worker-email": "",
        "worker-address": "",
        "employer-name": "Acme Foods Inc.",
        "employer-identifier": "94-1234567",
        "claims_administrator-name": "Pacific Claims Services",
        "requesting_provider-name": "Dr. Lee Park",
        "requesting_provider-specialty": "Orthopedic Surgery",
        "requesting_provider-identifier": "1234567890",
        "ur_organization-name": "Coastal UR",
        "attorney-name": "Dana Whitfield, Esq.",
        "diagnoses-diagnoses": "right shoulder contusion\n\nrotator cuff strain\n",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "MRI of the right shoulder without contrast",
        "items-0-category": "diagnostic_imaging",
        "items-0-ur_citation_kind": "mtus",
        "items-0-ur_citation_text": "MTUS Shoulder Complaints 2004",
        "items-1-description": "Physical therapy, remaining 6 sessions",
        "items-1-category": "pt_ot",
        "items-1-ur_citation_kind": "non_mtus",
        "items-1-ur_citation_text": "ODG Shoulder",
        "items-1-original_request": "12 sessions of physical therapy",
        "items-1-authorized_portion": "6 sessions",
        "items-1-formulary_dispute": "",
        "records-TOTAL_FORMS": "2",
        "records-INITIAL_FORMS": "0",
        "records-0-file": pdf_upload("ur-decision.pdf"),
        "records-0-title": "UR decision",
        "records-0-document_date": "2026-10-27",
        "records-0-kind": "ur_decision",
        "records-1-title": "",
        "records-1-kind": "medical",
    }
    data.update(overrides)
    return data


def test_intake_form_has_the_guided_sections(admin_client):
    page = admin_client.get(reverse("intake:case_new")).content.decode()
    for heading in (
        "Application",
        "Injured worker",
        "Parties",
        "Diagnoses",
        "Disputed items",
        "Medical records",
    ):
        assert heading in page
    assert 'enctype="multipart/form-data"' in page
    assert 'name="add_items"' in page and 'hx-get="/cases/new/items/row/"' in page
    # From QA: the citation's hint said to leave it empty while "UR cited" stood on MTUS.
    assert "When UR cited nothing, choose “No citation” under “UR cited”" in page
    assert "Leave empty when UR cited nothing" not in page
    # From QA: marked "(optional)", each of these left "Not stated" blocked the finding.
    for name in ("filed_by", "application_signed", "ur_decision_basis", "liability_disputed"):
        label = page.split(f'for="id_application-{name}"', 1)[1].split("</label>", 1)[0]
        assert "(optional)" not in label, name
        hint = page.split(f'id="id_application-{name}_helptext"', 1)[1].split("</p>", 1)[0]
        assert "Left “Not stated”, the eligibility finding asks for it." in hint, name


def test_intake_creates_the_case_with_items_parties_and_records(
    admin_client, case_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("intake:case_new"), intake_post())

    case = Case.objects.get(application_id="A-2026-000500")
    assert response.status_code == 302
    assert response["Location"] == reverse("casefile:case_detail", args=[case.case_number])
    assert case.case_number.startswith("CM26-")
    assert case.status == CaseStatus.RECEIVED
    assert case.created_by == case_admin and case.source == "ui"
    assert case.diagnoses == ["right shoulder contusion", "rotator cuff strain"]
    items = list(case.items.all())
    assert [item.category for item in items] == ["diagnostic_imaging", "pt_ot"]
    assert items[1].original_request == "12 sessions of physical therapy"
    assert items[1].authorized_portion == "6 sessions"
    assert items[1].ur_citation_kind == "non_mtus"
    parties = {party.role: party for party in case.parties.all()}
    assert parties["requesting_provider"].identifier == "1234567890"
    assert parties["requesting_provider"].specialty == "Orthopedic Surgery"
    assert parties["attorney"].name == "Dana Whitfield, Esq."
    assert "ur_physician" not in parties
    record = case.records.get()
    assert (record.title, record.kind, record.pages) == ("UR decision", "ur_decision", 1)

    page = admin_client.get(response["Location"]).content.decode()
    # Said where the focus lands: Create case is at the foot of a long form.
    assert re.search(rf'tabindex="-1" autofocus[^>]*>\s*<p>Case {case.case_number} created', page)
    assert "MRI of the right shoulder without contrast" in page
    assert "Dr. Lee Park" in page and "UR decision" in page
    assert "11/03/2026" in page  # dates as MM/DD/YYYY


def test_a_record_left_untitled_is_titled_by_its_files_name_as_on_the_case_page(
    admin_client, django_capture_on_commit_callbacks
):
    """From QA: intake refused a record with no title ("Record 1: Title is required.") while
    the case page's "Add a record" takes it, titled by its file's name."""
    page = admin_client.get(reverse("intake:case_new")).content.decode()
    label = page.split('for="id_records-0-title"', 1)[1].split("</label>", 1)[0]
    assert "(optional)" in label
    hint = page.split('id="id_records-0-title_helptext"', 1)[1].split("</p>", 1)[0]
    assert "Left empty, each record is titled by its file&#x27;s name" in hint

    data = intake_post(
        **{
            "records-0-file": pdf_upload("PR-2_progress_report.pdf"),
            "records-0-title": "",
            # A row with a date and no file asks for the file only, not a title as well.
            "records-1-document_date": "2026-10-20",
        }
    )
    response = admin_client.post(reverse("intake:case_new"), data)
    page = response.content.decode()
    assert "Record 2: Choose the record&#x27;s PDF file (only a PDF is kept)." in page
    assert "Title is required" not in page and not Case.objects.exists()

    data["records-0-file"] = pdf_upload("PR-2_progress_report.pdf")
    data["records-1-document_date"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("intake:case_new"), data)

    assert response.status_code == 302
    record = Case.objects.get().records.get()
    assert (record.title, record.original_filename) == (
        "PR-2 progress report",
        "PR-2_progress_report.pdf",
    )


def test_invalid_intake_creates_nothing_and_says_what_is_wrong(admin_client):
    bad_file = SimpleUploadedFile("notes.txt", b"just text", content_type="application/pdf")
    data = intake_post(**{"application-claim_number": "", "records-0-file": bad_file})

    response = admin_client.post(reverse("intake:case_new"), data)

    assert response.status_code == 200
    assert not Case.objects.exists()
    assert not MedicalRecord.objects.exists()
    page = response.content.decode()
    # From QA: "nothing was saved" sat beside the draft's "Saved": the draft keeps it all.
    assert "problems to fix: the case was not created" in page
    assert "What you typed is kept in this draft" in page
    assert 'href="#id_application-claim_number"' in page  # the summary links to the field
    # The form speaks intake's messages, the same as import_cases and the API.
    assert "Claim number is required" in page
    assert "this is not a PDF file" in page
    assert "choose the file again" in page  # the browser lost the chosen file
    assert 'value="Ana"' in page  # what was typed is kept


def test_the_problems_are_listed_in_the_order_of_the_page(admin_client):
    """From QA: the claim number, second on the page, was listed after the date of injury, in
    the order intake's checker found them."""
    data = intake_post(
        **{
            "application-claim_number": "",
            "application-date_of_injury": "2030-01-01",
            "application-application_id": "",
        }
    )
    page = admin_client.post(reverse("intake:case_new"), data).content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'<a href="#id_application-(\w+)">', summary) == [
        "application_id",
        "claim_number",
        "date_of_injury",
        "date_of_injury",
    ]
    # Every part of the form lists its fields as the page lays them out.
    ids = re.findall(r'id="id_([\w-]+?)"', page)
    for prefix, form in [("application", ApplicationForm()), ("items-0", ItemForm())]:
        shown = [i.split("-")[-1] for i in ids if i.startswith(prefix + "-")]
        assert [name for name in shown if name in form.fields] == list(form.fields)


def test_intake_needs_a_described_disputed_item_but_not_a_birth_date(admin_client):
    # As in the JSON door: the age may stand for the date of birth, and neither is required
    # (the workspace then says "not given"); a disputed item needs its description.
    data = intake_post(
        **{
            "items-TOTAL_FORMS": "1",
            "items-0-description": "",
            "items-0-category": "diagnostic_imaging",
            "worker-date_of_birth": "",
        }
    )
    page = admin_client.post(reverse("intake:case_new"), data).content.decode()
    assert not Case.objects.exists()
    assert "Disputed item 1: Treatment requested is required" in page
    assert "Injured worker: Date of birth" not in page


def test_intake_refuses_an_application_id_already_on_file(admin_client):
    existing = CaseFactory(application_id="A-2026-000500")
    page = admin_client.post(reverse("intake:case_new"), intake_post()).content.decode()
    assert f"already on file as case {existing.case_number}" in page
    assert Case.objects.count() == 1


def test_add_item_without_javascript_keeps_what_was_typed(admin_client):
    data = intake_post(add_items="1")
    response = admin_client.post(reverse("intake:case_new"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Case.objects.exists()
    assert "Disputed item 3" in page
    assert 'name="items-TOTAL_FORMS" value="3"' in page
    assert "MRI of the right shoulder without contrast" in page
    assert "This field is required" not in page  # no judging while the form is being filled


def test_add_item_with_htmx_returns_one_numbered_row(admin_client):
    response = admin_client.get(
        reverse("intake:case_new_row", args=["items"]), {"items-TOTAL_FORMS": "2"}, **HTMX
    )
    html = response.content.decode()
    assert "Disputed item 3" in html
    assert 'name="items-2-description"' in html
    assert 'id="id_items-TOTAL_FORMS"' in html and 'value="3"' in html and "hx-swap-oob" in html
    assert "<html" not in html


def test_added_blank_rows_are_ignored(admin_client):
    # What a browser sends for a row added and left alone: only the preset choices.
    blank_rows = {
        "items-TOTAL_FORMS": "3",
        "items-2-ur_citation_kind": "mtus",
        "records-TOTAL_FORMS": "3",
        "records-2-kind": "medical",
    }
    data = intake_post(**blank_rows)
    response = admin_client.post(reverse("intake:case_new"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.items.count() == 2 and case.records.count() == 1


def test_intake_form_refuses_a_formulary_dispute_on_a_non_drug_item(admin_client):
    data = intake_post(**{"items-1-formulary_dispute": "on"})
    response = admin_client.post(reverse("intake:case_new"), data)
    assert response.status_code == 200
    assert "only a pharmaceuticals item can be a drug-formulary dispute" in (
        response.content.decode()
    )
    assert not Case.objects.exists()


def test_the_same_pdf_chosen_twice_in_one_application_is_refused(admin_client):
    # From QA: the form, the API and the import each filed the same PDF twice in one new case
    # (listed twice among the letter's documents reviewed), where the case page refuses it.
    data = intake_post(
        **{
            "records-1-file": pdf_upload("ur-decision copy.pdf"),
            "records-1-title": "PR-2 copy",
            "records-1-document_date": "2026-10-27",
        }
    )
    response = admin_client.post(reverse("intake:case_new"), data)
    assert response.status_code == 200
    assert (
        "Record 2: is the same PDF as “UR decision”, an earlier record of this application; "
        "send each record once"
    ) in response.content.decode()
    assert not Case.objects.exists() and not MedicalRecord.objects.exists()


def test_every_email_input_of_the_form_stops_at_the_length_the_case_stores(admin_client):
    """From QA: the inputs took 320 characters (maxlength="320"), the case stores 254, and a
    longer address was refused only after the whole form was sent."""
    stored = {
        Case._meta.get_field("worker_email").max_length,
        Party._meta.get_field("email").max_length,
    }
    assert stored == {254}

    page = admin_client.get(reverse("intake:case_new")).content.decode()

    inputs = re.findall(r'<input type="email"[^>]*>', page)
    assert len(inputs) >= 2
    assert all('maxlength="254"' in tag for tag in inputs), inputs


def test_every_address_input_of_the_form_stops_at_the_length_the_case_stores(admin_client):
    # From QA: the address boxes took any length, refused only after the whole form was sent.
    page = admin_client.get(reverse("intake:case_new")).content.decode()
    boxes = re.findall(r'<textarea name="[a-z_]+-address"[^>]*>', page)
    assert len(boxes) >= 2
    assert all(f'maxlength="{ADDRESS_MAX}"' in tag for tag in boxes), boxes
