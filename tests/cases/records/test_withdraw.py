"""A record filed by mistake (another patient's PDF) is withdrawn with a reason: kept on file,
out of the reviewer's workspace and the letter, struck through for administrators, and in the
history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from cases.lifecycle.history import case_history
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.records.models import MedicalRecord
from cases.records.services import record_withdraw
from reviews.determination.selectors import case_records_for
from reviews.letters.services import letter_request
from tests.cases.helpers import HTMX, add_record
from tests.factories import PASSWORD, CaseFactory, approved_determination, case_in_review
from tests.reviews.letter_utils import body_flat, pdf_text

pytestmark = pytest.mark.django_db

REASON = "Another patient's progress report"


def test_withdrawing_needs_a_reason_and_writes_an_event(case, case_admin):
    record = add_record(case, case_admin, title="PR-2 of J. Smith")
    with pytest.raises(ValidationError, match="Say why"):
        record_withdraw(record=record, actor=case_admin, reason="  ")
    # A reason made only of unseen characters (a zero-width space) says nothing either.
    with pytest.raises(ValidationError, match="Say why"):
        record_withdraw(record=record, actor=case_admin, reason="\u200b\ufeff")
    record_withdraw(record=record, actor=case_admin, reason=REASON)

    record = MedicalRecord.objects.get(pk=record.pk)  # kept, not deleted
    assert record.withdrawn and record.withdrawn_reason == REASON
    assert record.withdrawn_by == case_admin and record.file.storage.exists(record.file.name)
    event = CaseEvent.objects.get(case=case, type=EventType.RECORD_WITHDRAWN)
    assert event.actor == case_admin and event.details["reason"] == REASON
    (lines,) = [
        lines for e, lines, _actor in case_history(case) if e.type == EventType.RECORD_WITHDRAWN
    ]
    assert lines == ["Record: PR-2 of J. Smith", f"Reason: {REASON}"]
    with pytest.raises(ValidationError, match="already withdrawn"):
        record_withdraw(record=record, actor=case_admin, reason=REASON)


def test_a_closed_case_keeps_its_records_as_they_were(case_admin):
    case = CaseFactory(status=CaseStatus.ISSUED)
    record = MedicalRecord.objects.create(case=case, title="PR-2", file="records/x.pdf")
    with pytest.raises(ValidationError, match="amended version"):
        record_withdraw(record=record, actor=case_admin, reason=REASON)


def test_the_reviewer_no_longer_sees_or_opens_a_withdrawn_record(client, case_admin):
    case, reviewer, _ = case_in_review()
    kept = add_record(case, case_admin, title="MRI report")
    wrong = add_record(case, case_admin, title="PR-2 of J. Smith")
    record_withdraw(record=wrong, actor=case_admin, reason=REASON)

    assert [r.title for r in case_records_for(reviewer, case)] == ["MRI report"]
    assert client.login(username=reviewer.username, password=PASSWORD)
    workspace = client.get(
        reverse("determination:workspace_step", args=[case.case_number, 2])
    ).content.decode()
    assert "MRI report" in workspace and "J. Smith" not in workspace
    open_url = reverse("records:case_record", args=[case.case_number, wrong.pk])
    assert client.get(open_url).status_code == 404
    assert client.get(reverse("records:case_record", args=[case.case_number, kept.pk])).status_code
    records_panel = client.get(
        reverse("casefile:case_detail", args=[case.case_number]), {"panel": "records"}, **HTMX
    ).content.decode()
    assert "MRI report" in records_panel and "J. Smith" not in records_panel


def test_administrators_see_it_struck_through_with_the_reason(admin_client, case, case_admin):
    record = add_record(case, case_admin, title="PR-2 of J. Smith")
    url = reverse("casefile:case_record_withdraw", args=[case.case_number, record.pk])
    refused = admin_client.post(url, {"reason": ""}, **HTMX).content.decode()
    assert "Say why the record is withdrawn" in refused
    response = admin_client.post(url, {"reason": REASON}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Trigger-After-Settle"]
    assert '<tr class="record--withdrawn">' in html and "<del>" in html
    assert f"{escape(REASON)}. Kept on file" in html
    assert "withdrawn: kept on file" in html  # the message


def test_only_case_administrators_withdraw(client, reviewer, case, case_admin):
    record = add_record(case, case_admin)
    assert client.login(username=reviewer.username, password=PASSWORD)
    url = reverse("casefile:case_record_withdraw", args=[case.case_number, record.pk])
    assert client.post(url, {"reason": REASON}).status_code == 403
    assert not MedicalRecord.objects.get(pk=record.pk).withdrawn


def test_the_letter_does_not_list_a_withdrawn_record(django_capture_on_commit_callbacks):
    determination = approved_determination(
        records=(("PR-2 progress report", None, 4), ("PR-2 of J. Smith", None, 3))
    )
    wrong = determination.case.records.get(title="PR-2 of J. Smith")
    record_withdraw(record=wrong, actor=None, reason=REASON)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    with letter.party_pdf.open("rb") as handle:
        text = body_flat(pdf_text(handle.read()))
    documents = text.split("DOCUMENTS REVIEWED", 1)[1].split("NOTICES", 1)[0]
    assert "PR-2 progress report" in documents
    assert "J. Smith" not in text


def test_a_reason_longer_than_the_form_allows_is_refused_and_nothing_is_withdrawn(
    admin_client, case, case_admin
):
    # Given a record, and a reason pasted past the box's limit by a page that did not keep it
    record = add_record(case, case_admin, title="PR-2 of J. Smith")
    url = reverse("casefile:case_record_withdraw", args=[case.case_number, record.pk])
    # When it is posted
    html = admin_client.post(url, {"reason": "A" * 100_000}, **HTMX).content.decode()
    # Then the page says why, and the record is still in the review, with no event written
    assert "Keep the reason to 500 characters (this one has 100,000)" in html
    assert 'maxlength="500"' in html
    assert not MedicalRecord.objects.get(pk=record.pk).withdrawn
    assert not CaseEvent.objects.filter(case=case, type=EventType.RECORD_WITHDRAWN).exists()


def test_each_withdraw_control_names_its_record(admin_client, case, case_admin):
    """From an accessibility review: every row's "Withdraw" had the same name, so a screen
    reader's list of buttons could not tell which record each would withdraw."""
    for title in ("MRI report", "PR-2 of J. Smith"):
        add_record(case, case_admin, title=title)
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    html = page.content.decode()
    for title in ("MRI report", "PR-2 of J. Smith"):
        assert f'Withdraw<span class="visually-hidden"> {escape(title)}</span></summary>' in html
        assert f'Withdraw the record<span class="visually-hidden"> {escape(title)}</span>' in html
