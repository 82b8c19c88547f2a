"""case_create: one function creates a case with its parties, items and records."""

import datetime as dt

import pytest

from cases.intake.services import case_create
from cases.intake.validation import IntakeInvalid
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType, SentBy
from tests.cases.helpers import event_types, intake_data

D = dt.date
S = CaseStatus


# --- intake ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_create_stores_the_worker_parties_and_items(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    # Received Mon 11/02/2026: the finding and notice are due one business day later, and the
    # case list sorts by that from the first day (8 CCR 9792.10.4(b)).
    assert case.due_on == D(2026, 11, 3)
    assert case.worker_name == "Ana Ruiz"
    assert case.created_by == case_admin
    parties = {party.role: party for party in case.parties.all()}
    assert set(parties) == {
        "employer",
        "claims_administrator",
        "requesting_provider",
        "ur_organization",
    }
    provider = parties["requesting_provider"]
    assert (provider.name, provider.identifier, provider.specialty) == (
        "Dr. Lee Park",
        "1234567890",
        "Orthopedic Surgery",
    )
    mri, therapy = case.items.all()
    assert (mri.position, mri.category, mri.ur_citation_kind) == (1, "diagnostic_imaging", "mtus")
    assert (therapy.position, therapy.ur_citation_kind) == (2, "non_mtus")
    assert therapy.was_modified and not mri.was_modified


@pytest.mark.django_db
def test_case_create_writes_one_case_received_event(case_admin):
    case = case_create(data=intake_data(), actor=case_admin, source="api")
    event = CaseEvent.objects.get(case=case)
    assert event.type == EventType.CASE_RECEIVED
    assert event.actor == case_admin
    assert event.details == {"source": "api"}


@pytest.mark.django_db
def test_a_duplicate_application_id_writes_nothing(case_admin):
    case_create(data=intake_data(application_id="A-1"), actor=case_admin)
    with pytest.raises(IntakeInvalid):
        case_create(data=intake_data(application_id="A-1"), actor=case_admin)
    assert Case.objects.count() == 1
    assert CaseEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_case_arriving_with_date_assigned_awaits_records(case_admin):
    case = case_create(
        data=intake_data(date_assigned=D(2026, 11, 4), notice_sent_by=SentBy.ELECTRONIC),
        actor=case_admin,
        source="import",
    )
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS
    assert case.date_assigned == D(2026, 11, 4)
    assert case.notice_sent_by == SentBy.ELECTRONIC
    assert case.due_on == D(2026, 11, 16)  # 12 days after an electronic notice
    assert event_types(case) == [
        EventType.CASE_RECEIVED,
        EventType.ELIGIBILITY_RECORDED,
        EventType.NOTICE_OF_ASSIGNMENT_SENT,
    ]
    notice = CaseEvent.objects.get(case=case, type=EventType.NOTICE_OF_ASSIGNMENT_SENT)
    assert notice.details["date_assigned"] == "2026-11-04"
    assert notice.details["records_due_on"] == "2026-11-16"
    assert notice.details["from_status"] == S.ELIGIBLE
    assert notice.details["to_status"] == S.AWAITING_RECORDS
