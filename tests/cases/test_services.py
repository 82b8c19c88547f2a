"""Writes to the case file (cases/services.py): numbers, intake, eligibility, records, the
records-complete step, termination, remand, the event log, and two people acting at once."""

import datetime as dt
import hashlib
import itertools
import re
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.utils import timezone

from accounts.models import Role
from cases.clock.deadlines import add_calendar_days
from cases.eligibility.services import case_eligibility_record, case_records_complete
from cases.intake.services import case_create
from cases.intake.validation import IntakeInvalid
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseEvent, CaseNumberCounter, CaseStatus, EventType
from cases.lifecycle.services import case_remand, case_terminate
from cases.records.models import MedicalRecord, RecordKind
from cases.records.services import record_add
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory, minimal_pdf, pdf_upload

D = dt.date
S = CaseStatus
CASE_NUMBER = re.compile(r"^CM\d{2}-\d{7}$")
_application_ids = itertools.count(1)
NOTICE_ON = D(2026, 11, 4)


def intake_data(**overrides) -> dict:
    """Cleaned intake data (SPEC section 7, dates as `date` objects) as case_create takes it."""
    data = {
        "application_id": f"A-2026-{next(_application_ids):06d}",
        "priority": "standard",
        "application_received": D(2026, 11, 2),
        "ur_decision_date": D(2026, 10, 20),
        "date_of_injury": D(2025, 7, 22),
        "claim_number": "05-123456",
        "injured_worker": {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": D(1968, 2, 1),
            "sex": "female",
        },
        "employer": {"name": "Acme Foods Inc."},
        "claims_administrator": {"name": "Pacific Claims Services"},
        "requesting_provider": {
            "name": "Dr. Lee Park",
            "specialty": "Orthopedic Surgery",
            "npi": "1234567890",
        },
        "ur_organization": {"name": "Coastal UR"},
        "diagnoses": ["right shoulder contusion"],
        "items": [
            {
                "description": "MRI of the right shoulder without contrast",
                "category": "diagnostic_imaging",
                "ur_citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
            },
            {
                "description": "Physical therapy, 12 visits",
                "category": "pt_ot",
                "original_request": "12 visits",
                "authorized_portion": "6 visits",
                "ur_citation": {"kind": "non_mtus", "text": "ODG Shoulder"},
            },
        ],
    }
    data.update(overrides)
    return data


def event_types(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def awaiting_records_case(admin, *, notice_on=NOTICE_ON, **intake):
    case = case_create(data=intake_data(**intake), actor=admin)
    return case_eligibility_record(case=case, actor=admin, eligible=True, notice_on=notice_on)


# --- case numbers ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_numbers_are_cm_year_and_seven_digits_in_sequence(case_admin):
    first = case_create(data=intake_data(), actor=case_admin)
    second = case_create(data=intake_data(), actor=case_admin)
    assert CASE_NUMBER.match(first.case_number)
    assert (first.case_number, second.case_number) == ("CM26-0000001", "CM26-0000002")


@pytest.mark.django_db
def test_case_number_year_is_the_year_the_application_was_received(case_admin):
    case = case_create(
        data=intake_data(application_received=D(2025, 12, 30), ur_decision_date=D(2025, 12, 15)),
        actor=case_admin,
    )
    assert case.case_number == "CM25-0000001"
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000001")


@pytest.mark.django_db
def test_an_imported_high_number_moves_the_counter_past_it(case_admin):
    imported = case_create(
        data=intake_data(case_number="CM26-0000500"), actor=case_admin, source="import"
    )
    assert imported.case_number == "CM26-0000500"
    case_create(data=intake_data(case_number="CM26-0000100"), actor=case_admin)
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000501")


@pytest.mark.django_db
def test_a_number_already_taken_by_a_case_is_skipped(case_admin):
    CaseFactory(case_number="CM26-0000002")  # written without the counter (e.g. by hand)
    numbers = [case_create(data=intake_data(), actor=case_admin).case_number for _ in range(2)]
    assert numbers == ["CM26-0000001", "CM26-0000003"]


@pytest.mark.django_db
def test_a_number_is_never_reused_even_after_its_case_is_gone(case_admin):
    case_create(data=intake_data(), actor=case_admin)
    case_create(data=intake_data(), actor=case_admin).delete()
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000003")
    assert CaseNumberCounter.objects.get(year=26).last_number == 3


@pytest.mark.django_db
def test_an_imported_number_already_in_use_is_refused(case_admin):
    case_create(data=intake_data(case_number="CM16-0213037"), actor=case_admin)
    with pytest.raises(IntakeInvalid) as refused:
        case_create(data=intake_data(case_number="CM16-0213037"), actor=case_admin)
    assert [str(error) for error in refused.value.errors] == [
        "$.case_number: Case number CM16-0213037 is already in use."
    ]
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["16-0213037", "CM16-213037", "CMXX-0213037", "cm16-0213037"])
def test_an_imported_number_of_the_wrong_shape_is_refused(case_admin, number):
    with pytest.raises(IntakeInvalid) as refused:
        case_create(data=intake_data(case_number=number), actor=case_admin)
    assert {error.path for error in refused.value.errors} == {"$.case_number"}
    assert Case.objects.count() == 0
    assert not CaseNumberCounter.objects.exists()


# --- intake ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_create_stores_the_worker_parties_and_items(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.due_on is None
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
        data=intake_data(date_assigned=D(2026, 11, 4)), actor=case_admin, source="import"
    )
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS
    assert case.date_assigned == D(2026, 11, 4)
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


# --- eligibility -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_eligible_sends_the_notice_and_starts_the_records_clock(case, case_admin):
    result = case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        reasons=["Timely; UR decision attached."],
        notice_on=D(2026, 11, 4),
        electronic=False,
    )
    case.refresh_from_db()
    assert result.status == case.status == S.AWAITING_RECORDS
    assert case.date_assigned == D(2026, 11, 4)
    assert not case.notice_sent_electronically
    assert case.due_on == D(2026, 11, 19)  # 15 days after a mailed notice
    eligibility = CaseEvent.objects.get(case=case, type=EventType.ELIGIBILITY_RECORDED)
    assert eligibility.details["eligible"] is True
    assert eligibility.details["reasons"] == ["Timely; UR decision attached."]
    assert eligibility.details["late_application"] is False
    notice = CaseEvent.objects.get(case=case, type=EventType.NOTICE_OF_ASSIGNMENT_SENT)
    assert notice.details["records_due_on"] == "2026-11-19"
    assert notice.details["electronic"] is False


@pytest.mark.django_db
def test_the_notice_is_dated_today_when_no_date_is_given(case, case_admin):
    case_eligibility_record(case=case, actor=case_admin, eligible=True)
    case.refresh_from_db()
    assert case.date_assigned == timezone.localdate()


@pytest.mark.django_db
def test_a_late_application_must_be_confirmed_before_it_is_eligible(case_admin):
    late = CaseFactory(application_received=D(2026, 11, 20), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=late, position=1)
    with pytest.raises(ValidationError, match=r"30-day deadline \(11/19/2026\)"):
        case_eligibility_record(
            case=late, actor=case_admin, eligible=True, notice_on=D(2026, 11, 23)
        )
    late.refresh_from_db()
    assert late.status == S.RECEIVED
    assert event_types(late) == []

    case_eligibility_record(
        case=late, actor=case_admin, eligible=True, notice_on=D(2026, 11, 23), late_accepted=True
    )
    late.refresh_from_db()
    assert late.status == S.AWAITING_RECORDS
    event = CaseEvent.objects.get(case=late, type=EventType.ELIGIBILITY_RECORDED)
    assert event.details["late_application"] is True


@pytest.mark.django_db
def test_an_application_on_day_30_needs_no_confirmation(case_admin):
    on_time = CaseFactory(application_received=D(2026, 11, 19), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=on_time, position=1)
    case_eligibility_record(
        case=on_time, actor=case_admin, eligible=True, notice_on=D(2026, 11, 19)
    )
    on_time.refresh_from_db()
    assert on_time.status == S.AWAITING_RECORDS


@pytest.mark.django_db
def test_a_case_with_no_disputed_item_cannot_be_eligible(case_admin):
    empty = CaseFactory()
    with pytest.raises(ValidationError, match="no disputed item"):
        case_eligibility_record(
            case=empty, actor=case_admin, eligible=True, notice_on=D(2026, 11, 4)
        )
    empty.refresh_from_db()
    assert empty.status == S.RECEIVED


@pytest.mark.django_db
def test_the_notice_cannot_be_dated_before_the_application_was_received(case, case_admin):
    with pytest.raises(ValidationError, match="before the application was received"):
        case_eligibility_record(
            case=case, actor=case_admin, eligible=True, notice_on=D(2026, 11, 1)
        )
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.date_assigned is None


@pytest.mark.django_db
@pytest.mark.parametrize("reasons", [None, [], ["", "   "]])
def test_ineligible_needs_a_reason(case, case_admin, reasons):
    with pytest.raises(ValidationError, match="at least one reason"):
        case_eligibility_record(case=case, actor=case_admin, eligible=False, reasons=reasons)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


@pytest.mark.django_db
def test_ineligible_closes_the_case_with_its_reasons(case, case_admin):
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=False,
        reasons=["  The dispute is not about medical necessity. "],
    )
    case.refresh_from_db()
    assert case.status == S.INELIGIBLE
    assert not case.is_open
    assert case.due_on is None
    event = CaseEvent.objects.get(case=case, type=EventType.ELIGIBILITY_RECORDED)
    assert event.actor == case_admin
    assert event.details["eligible"] is False
    assert event.details["reasons"] == ["The dispute is not about medical necessity."]
    assert (event.details["from_status"], event.details["to_status"]) == (S.RECEIVED, S.INELIGIBLE)


@pytest.mark.django_db
def test_eligibility_cannot_be_recorded_twice(case, case_admin):
    case_eligibility_record(case=case, actor=case_admin, eligible=True, notice_on=D(2026, 11, 4))
    with pytest.raises(ValidationError, match="awaiting records cannot become ineligible"):
        case_eligibility_record(
            case=case, actor=case_admin, eligible=False, reasons=["Changed my mind"]
        )
    with pytest.raises(ValidationError, match="awaiting records cannot become eligible"):
        case_eligibility_record(
            case=case, actor=case_admin, eligible=True, notice_on=D(2026, 11, 5)
        )
    case.refresh_from_db()
    assert case.date_assigned == D(2026, 11, 4)


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


# --- records complete --------------------------------------------------------------------------


@pytest.mark.django_db
def test_records_complete_starts_the_determination_clock(case_admin):
    case = awaiting_records_case(case_admin)
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))
    case.refresh_from_db()
    assert case.status == S.RECORDS_COMPLETE
    assert case.records_complete_on == D(2026, 11, 10)
    assert case.due_on == D(2026, 12, 10)
    event = CaseEvent.objects.get(case=case, type=EventType.RECORDS_COMPLETED)
    assert event.actor == case_admin
    assert event.details["determination_due_on"] == "2026-12-10"
    assert event.details["complete"] is True
    assert event.details["late"] is False


@pytest.mark.django_db
def test_records_complete_counts_from_the_application_when_it_came_later(case_admin):
    # An imported case whose notice (from the other system) predates our receipt.
    case = case_create(
        data=intake_data(application_received=D(2026, 11, 12), date_assigned=D(2026, 11, 4)),
        actor=case_admin,
    )
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))
    case.refresh_from_db()
    assert case.due_on == D(2026, 12, 14)  # 30 days after 11/12 is a Saturday


@pytest.mark.django_db
def test_records_cannot_be_complete_on_a_future_date(case_admin):
    case = awaiting_records_case(case_admin)
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="future date"):
        case_records_complete(case=case, actor=case_admin, on=tomorrow)
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS
    assert case.records_complete_on is None


@pytest.mark.django_db
def test_records_cannot_be_complete_before_the_notice(case_admin):
    case = awaiting_records_case(case_admin)
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    with pytest.raises(ValidationError, match="before the notice of assignment"):
        case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 3))


@pytest.mark.django_db
@pytest.mark.parametrize("proceed_without", [False, True])
def test_a_review_never_rests_on_the_ur_decision_alone(case_admin, proceed_without):
    # Notice weeks ago: the records are overdue, so only the UR-decision rule can refuse.
    case = awaiting_records_case(case_admin, notice_on=D(2026, 10, 1), **old_dates())
    record_add(
        case=case,
        actor=case_admin,
        uploaded=pdf_upload(),
        title="UR decision",
        kind=RecordKind.UR_DECISION,
    )
    with pytest.raises(ValidationError, match="UR decision alone"):
        case_records_complete(
            case=case, actor=case_admin, on=D(2026, 11, 10), proceed_without=proceed_without
        )
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS


@pytest.mark.django_db
def test_records_complete_with_no_record_at_all_is_refused(case_admin):
    case = awaiting_records_case(case_admin)
    with pytest.raises(ValidationError, match="UR decision alone"):
        case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))


def old_dates() -> dict:
    return {"application_received": D(2026, 9, 28), "ur_decision_date": D(2026, 9, 15)}


@pytest.mark.django_db
def test_proceeding_without_records_is_refused_before_they_are_due(case_admin):
    today = timezone.localdate()
    case = awaiting_records_case(
        case_admin,
        notice_on=today,
        application_received=today - dt.timedelta(days=2),
        ur_decision_date=today - dt.timedelta(days=10),
    )
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    with pytest.raises(ValidationError, match="not overdue yet"):
        case_records_complete(case=case, actor=case_admin, proceed_without=True)
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS


@pytest.mark.django_db
def test_proceeding_without_records_is_allowed_once_they_are_overdue(case_admin):
    today = timezone.localdate()
    case = awaiting_records_case(
        case_admin,
        notice_on=today - dt.timedelta(days=30),
        application_received=today - dt.timedelta(days=35),
        ur_decision_date=today - dt.timedelta(days=40),
    )
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    case_records_complete(case=case, actor=case_admin, proceed_without=True)
    case.refresh_from_db()
    assert case.status == S.RECORDS_COMPLETE
    assert case.records_complete_on == today
    assert case.due_on == add_calendar_days(today, 30)
    event = CaseEvent.objects.get(case=case, type=EventType.RECORDS_COMPLETED)
    assert event.details["complete"] is False
    assert event.details["late"] is True


# --- terminate and remand ----------------------------------------------------------------------

OPEN = sorted(set(S) - {S.INELIGIBLE, S.ISSUED, S.TERMINATED})
CLOSED = [S.INELIGIBLE, S.ISSUED, S.TERMINATED]


def case_in(status, **fields):
    defaults = {
        "date_assigned": D(2026, 11, 4),
        "records_complete_on": D(2026, 11, 10),
        "due_on": D(2026, 12, 10),
    }
    defaults.update(fields)
    case = CaseFactory(status=status, **defaults)
    DisputedItemFactory(case=case, position=1)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("status", OPEN)
def test_an_open_case_can_be_terminated(case_admin, status):
    case = case_in(status)
    case_terminate(case=case, actor=case_admin, reason="authorized", note=" Paid. ")
    case.refresh_from_db()
    assert case.status == S.TERMINATED
    assert case.due_on is None
    event = CaseEvent.objects.get(case=case)
    assert event.type == EventType.CASE_TERMINATED
    assert event.actor == case_admin
    assert event.details == {
        "reason": "authorized",
        "note": "Paid.",
        "from_status": status,
        "to_status": S.TERMINATED,
    }


@pytest.mark.django_db
def test_termination_needs_a_known_reason(case_admin):
    case = case_in(S.IN_REVIEW)
    with pytest.raises(ValidationError, match="treatment authorized, or withdrawn"):
        case_terminate(case=case, actor=case_admin, reason="bored")
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW
    assert event_types(case) == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", CLOSED)
def test_a_closed_case_cannot_be_terminated(case_admin, status):
    case = case_in(status)
    with pytest.raises(ValidationError, match="cannot become terminated"):
        case_terminate(case=case, actor=case_admin, reason="withdrawn")
    case.refresh_from_db()
    assert case.status == status
    assert event_types(case) == []


@pytest.mark.django_db
def test_an_issued_case_is_remanded_into_a_new_round(case_admin):
    case = case_in(S.ISSUED, due_on=None)
    case_remand(case=case, actor=case_admin, note="WCAB order of 11/20/2026")
    case.refresh_from_db()
    today = timezone.localdate()
    assert case.status == S.REMANDED
    assert case.round == 2
    assert case.records_complete_on == today
    assert case.due_on == add_calendar_days(today, 30)
    event = CaseEvent.objects.get(case=case)
    assert event.type == EventType.CASE_REMANDED
    assert event.actor == case_admin
    assert event.details["round"] == 2
    assert (event.details["from_status"], event.details["to_status"]) == (S.ISSUED, S.REMANDED)


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.APPROVED, S.IN_REVIEW, S.TERMINATED, S.REMANDED])
def test_only_an_issued_case_can_be_remanded(case_admin, status):
    case = case_in(status)
    with pytest.raises(ValidationError, match="cannot become remanded"):
        case_remand(case=case, actor=case_admin)
    case.refresh_from_db()
    assert case.status == status
    assert case.round == 1
    assert event_types(case) == []


# --- the event log -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_transition_writes_exactly_one_event_with_its_states_and_actor(case_admin):
    other_admin = UserFactory(role=Role.CASE_ADMIN)
    case = case_create(data=intake_data(), actor=case_admin)
    transitions = []

    def step(action, actor):
        seen = set(CaseEvent.objects.filter(case=case).values_list("pk", flat=True))
        before = Case.objects.get(pk=case.pk).status
        action()
        after = Case.objects.get(pk=case.pk).status
        new = CaseEvent.objects.filter(case=case).exclude(pk__in=seen)
        moves = [event for event in new if "to_status" in event.details]
        transitions.append((before, after, [event.type for event in moves]))
        for event in moves:
            assert event.actor == actor
        return moves

    moves = step(
        lambda: case_eligibility_record(
            case=case, actor=other_admin, eligible=True, notice_on=D(2026, 11, 4)
        ),
        other_admin,
    )
    # Two transitions (received -> eligible -> awaiting records), one event each.
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.RECEIVED, S.ELIGIBLE),
        (S.ELIGIBLE, S.AWAITING_RECORDS),
    ]
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    moves = step(
        lambda: case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10)),
        case_admin,
    )
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.AWAITING_RECORDS, S.RECORDS_COMPLETE)
    ]
    moves = step(
        lambda: case_terminate(case=case, actor=other_admin, reason="withdrawn"),
        other_admin,
    )
    assert [(m.details["from_status"], m.details["to_status"]) for m in moves] == [
        (S.RECORDS_COMPLETE, S.TERMINATED)
    ]
    assert transitions == [
        (
            S.RECEIVED,
            S.AWAITING_RECORDS,
            [EventType.ELIGIBILITY_RECORDED, EventType.NOTICE_OF_ASSIGNMENT_SENT],
        ),
        (S.AWAITING_RECORDS, S.RECORDS_COMPLETE, [EventType.RECORDS_COMPLETED]),
        (S.RECORDS_COMPLETE, S.TERMINATED, [EventType.CASE_TERMINATED]),
    ]


@pytest.mark.django_db
def test_a_refused_transition_changes_nothing_and_writes_no_event(case, case_admin):
    with pytest.raises(ValidationError, match="received cannot become records complete"):
        case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))
    with pytest.raises(ValidationError, match="received cannot become remanded"):
        case_remand(case=case, actor=case_admin)
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.records_complete_on is None
    assert event_types(case) == []


@pytest.mark.django_db
def test_events_are_append_only(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)
    event = CaseEvent.objects.get(case=case)
    event.details = {"source": "forged"}
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).details == {"source": "ui"}


@pytest.mark.django_db
def test_an_unknown_event_type_is_refused(case):
    with pytest.raises(ValueError, match="Unknown case event type"):
        events.event_record(case=case, type="case_vanished")


# --- two people at once ------------------------------------------------------------------------


def run_together(*actions):
    """Run each action in its own thread (its own database connection), all starting at once;
    return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # reported to the test, which decides
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_administrators_recording_eligibility_at_once_only_one_succeeds():
    first_admin = UserFactory(role=Role.CASE_ADMIN)
    second_admin = UserFactory(role=Role.CASE_ADMIN)
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)
    # Each has the page open: both hold the case as it was, still received.
    seen_by_first = Case.objects.get(pk=case.pk)
    seen_by_second = Case.objects.get(pk=case.pk)

    results = run_together(
        lambda: case_eligibility_record(
            case=seen_by_first, actor=first_admin, eligible=True, notice_on=D(2026, 11, 4)
        ),
        lambda: case_eligibility_record(
            case=seen_by_second,
            actor=second_admin,
            eligible=False,
            reasons=["Not a medical-necessity dispute."],
        ),
    )

    succeeded = [result for result in results if isinstance(result, Case)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(succeeded) == 1, results
    assert len(refused) == 1, results
    assert "cannot become" in refused[0].messages[0]
    case.refresh_from_db()
    assert case.status == succeeded[0].status
    assert CaseEvent.objects.filter(case=case, type=EventType.ELIGIBILITY_RECORDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_cases_created_at_once_get_different_numbers():
    admin = UserFactory(role=Role.CASE_ADMIN)
    payloads = [intake_data(), intake_data()]
    results = run_together(
        *(lambda data=data: case_create(data=data, actor=admin) for data in payloads)
    )
    assert all(isinstance(result, Case) for result in results), results
    assert sorted(result.case_number for result in results) == ["CM26-0000001", "CM26-0000002"]
