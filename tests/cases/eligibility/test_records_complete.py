"""Marking the records complete, or proceeding without them once overdue."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.clock.deadlines import add_calendar_days
from cases.eligibility.services import case_eligibility_record, case_records_complete
from cases.intake.services import case_create
from cases.intake.validation import record_kind_infer
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.records.models import RecordKind
from cases.records.services import record_add
from tests.cases.helpers import intake_data, overrides_for
from tests.factories import pdf_upload

D = dt.date
S = CaseStatus
NOTICE_ON = D(2026, 11, 4)


def awaiting_records_case(admin, *, notice_on=NOTICE_ON, **intake):
    case = case_create(data=intake_data(**intake), actor=admin)
    return case_eligibility_record(
        case=case, actor=admin, eligible=True, overrides=overrides_for(case), notice_on=notice_on
    )


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
    with pytest.raises(ValidationError, match="UR decision or the application alone"):
        case_records_complete(
            case=case, actor=case_admin, on=D(2026, 11, 10), proceed_without=proceed_without
        )
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS


@pytest.mark.django_db
def test_records_complete_with_no_record_at_all_is_refused(case_admin):
    case = awaiting_records_case(case_admin)
    with pytest.raises(ValidationError, match="UR decision or the application alone"):
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


@pytest.mark.django_db
@pytest.mark.parametrize("title", ["IMR application", "Application for IMR"])
def test_the_application_form_alone_is_not_a_medical_record(case_admin, title):
    # 8 CCR 9792.10.6(b)(2): like the UR decision, the application is not a record to decide on.
    case = awaiting_records_case(case_admin, notice_on=D(2026, 10, 1), **old_dates())
    record_add(
        case=case,
        actor=case_admin,
        uploaded=pdf_upload(),
        title="UR decision",
        kind=RecordKind.UR_DECISION,
    )
    record_add(
        case=case,
        actor=case_admin,
        uploaded=pdf_upload(),
        title=title,
        kind=record_kind_infer(title),
    )
    for proceed_without in (False, True):
        with pytest.raises(ValidationError, match="the application alone"):
            case_records_complete(
                case=case, actor=case_admin, on=D(2026, 11, 10), proceed_without=proceed_without
            )
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2 progress report")
    case_records_complete(case=case, actor=case_admin, on=D(2026, 11, 10))
    case.refresh_from_db()
    assert case.status == S.RECORDS_COMPLETE
