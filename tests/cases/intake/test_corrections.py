"""Correcting case facts before issue (issue 10): the same rules as intake, an event with the
old and new values, and the deadlines a correction moves."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.intake.corrections import case_facts_edit
from cases.intake.services import case_create
from cases.intake.validation import intake_validate
from cases.lifecycle.history import case_history
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from tests.cases.helpers import HTMX
from tests.factories import intake_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(case_admin):
    """A case taken in through intake whose notice of assignment went out electronically."""
    (data,), errors = intake_validate(
        intake_payload(date_assigned="2016-11-04", notice_sent_by="electronic")
    )
    assert not errors
    case = case_create(data=data, actor=case_admin)
    assert case.status == CaseStatus.AWAITING_RECORDS
    return case


def test_a_correction_records_old_and_new_values_and_the_deadline_it_moved(noticed, case_admin):
    records_due = noticed.clock.records_due_on
    result = case_facts_edit(
        case=noticed,
        actor=case_admin,
        changes={
            "notice_sent_by": "mail",
            "claim_number": "05-654321",
            "employer": {"name": "Acme Foods, Inc."},
            "diagnoses": ["right shoulder contusion", "cervical strain"],
            "items": {0: {"description": "MRI of the right shoulder with contrast"}},
        },
    )
    noticed = Case.objects.get(pk=noticed.pk)  # its clock afresh
    assert noticed.notice_sent_by == "mail" and noticed.claim_number == "05-654321"
    assert noticed.party("employer").name == "Acme Foods, Inc."
    assert noticed.items.get().description == "MRI of the right shoulder with contrast"
    # 8 CCR 9792.10.5(a)(1): 15 days after a mailed notice, 12 after an electronic one.
    new_due = noticed.clock.records_due_on
    assert new_due != records_due
    assert noticed.due_on == new_due

    event = CaseEvent.objects.get(case=noticed, type=EventType.FACTS_EDITED)
    assert event.actor == case_admin
    assert {"field": "notice_sent_by", "old": "electronic", "new": "mail"} in event.details[
        "changes"
    ]
    assert {"field": "claim_number", "old": "05-123456", "new": "05-654321"} in event.details[
        "changes"
    ]
    assert event.details["moved"] == [
        {"deadline": "Records due", "from": records_due.isoformat(), "to": new_due.isoformat()}
    ]
    moved = f"Records due moved from {records_due:%m/%d/%Y} to {new_due:%m/%d/%Y}"
    assert moved + "." in result.message
    (lines,) = [
        entry.lines for entry in case_history(noticed) if entry.event.type == EventType.FACTS_EDITED
    ]
    assert "claim_number: 05-123456 → 05-654321" in lines and moved in lines


def test_a_correction_is_refused_with_intakes_message_and_nothing_changes(noticed, case_admin):
    with pytest.raises(ValidationError) as refused:
        case_facts_edit(case=noticed, actor=case_admin, changes={"date_of_injury": "2016-12-01"})
    assert refused.value.messages == [
        "$.date_of_injury: the injury (2016-12-01) cannot be after the UR decision (2016-11-03)"
    ]
    with pytest.raises(ValidationError, match="is not a way of sending the notice"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"notice_sent_by": "fax"})
    noticed.refresh_from_db()
    assert str(noticed.date_of_injury) == "2016-10-13"
    assert not CaseEvent.objects.filter(type=EventType.FACTS_EDITED).exists()


def test_an_issued_case_is_corrected_only_by_an_amended_letter(noticed, case_admin):
    noticed.status = CaseStatus.ISSUED
    noticed.save()
    with pytest.raises(ValidationError, match="only an amended letter corrects it"):
        case_facts_edit(case=noticed, actor=case_admin, changes={"claim_number": "X-1"})


def test_the_facts_page_edits_by_plain_post_and_htmx(admin_client, noticed):
    url = reverse("casefile:case_facts_edit", args=[noticed.case_number])
    page = admin_client.get(url)
    assert page.status_code == 200 and "05-123456" in page.content.decode()

    refused = admin_client.post(url, {"section": "case", "date_of_injury": "2016-12-01"}, **HTMX)
    assert "cannot be after the UR decision" in refused.content.decode()

    done = admin_client.post(
        url,
        {
            "section": "case",
            "claim_number": "05-654321",
            "notice_sent_by": "mail",
        },
    )
    assert done.status_code == 302
    noticed.refresh_from_db()
    assert noticed.claim_number == "05-654321"
    case_page = admin_client.get(done["Location"]).content.decode()
    assert "Records due moved from" in case_page
