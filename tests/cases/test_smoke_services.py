import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.models import CaseEvent, CaseStatus, RecordKind
from tests.factories import pdf_upload


@pytest.mark.django_db
def test_eligible_case_runs_through_records_to_complete(
    case, case_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.record_add(
            case=case, actor=case_admin, uploaded=pdf_upload(pages=3), title="PR-2"
        )
    case = services.case_eligibility_record(
        case=case, actor=case_admin, eligible=True, notice_on=dt.date(2026, 11, 4)
    )
    assert case.status == CaseStatus.AWAITING_RECORDS
    assert case.date_assigned == dt.date(2026, 11, 4)
    record = case.records.get()
    assert record.pages == 3
    services.case_records_complete(case=case, actor=case_admin, on=dt.date(2026, 11, 10))
    case.refresh_from_db()
    assert case.status == CaseStatus.RECORDS_COMPLETE
    assert case.due_on == dt.date(2026, 12, 10)
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert "records_completed" in types and "notice_of_assignment_sent" in types
    assert record.kind == RecordKind.MEDICAL


@pytest.mark.django_db
def test_illegal_transition_is_refused(case, case_admin):
    with pytest.raises(ValidationError, match="cannot become records complete"):
        services.case_records_complete(case=case, actor=case_admin)
