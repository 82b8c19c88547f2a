"""A physician's certification converts a standard review to expedited (8 CCR 9792.10.4(c))."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.lifecycle.expedite import expedited_due_dates
from cases.lifecycle.history import case_history
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import case_expedite
from tests.cases.helpers import event_types
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db

D = dt.date
S = CaseStatus


def test_conversion_while_records_are_awaited_restarts_the_records_clock(case_admin):
    case = CaseFactory(status=S.AWAITING_RECORDS, date_assigned=D(2026, 11, 3))
    DisputedItemFactory(case=case)

    case_expedite(case=case, actor=case_admin, certified_on=D(2026, 11, 10), note="Dr. Lee")

    case.refresh_from_db()
    assert case.priority == "expedited"
    assert case.expedited_on == D(2026, 11, 10)
    # 24 hours from the conversion, not from the notice of 11/03.
    assert case.due_on == D(2026, 11, 11)
    assert event_types(case) == [EventType.CASE_EXPEDITED]
    event = CaseEvent.objects.get(case=case)
    assert event.details["records_due_on"] == "2026-11-11"
    assert any("9792.10.4(c)" in line for line in case_history(case)[0][1])


def test_conversion_in_review_restarts_the_determination_clock(case_admin):
    case = CaseFactory(
        status=S.IN_REVIEW, date_assigned=D(2026, 11, 3), records_complete_on=D(2026, 11, 6)
    )
    DisputedItemFactory(case=case)

    case_expedite(case=case, actor=case_admin, certified_on=D(2026, 11, 20))

    case.refresh_from_db()
    # 3 days from the certification (11/20), not from the records (11/06).
    assert case.due_on == D(2026, 11, 23)
    assert expedited_due_dates(case)[1] == D(2026, 11, 23)
    assert CaseEvent.objects.get(case=case).details["determination_due_on"] == "2026-11-23"


def test_conversion_is_refused_once_submitted_or_already_expedited(case_admin):
    submitted = CaseFactory(status=S.SUBMITTED)
    with pytest.raises(ValidationError, match="submitted cannot be converted"):
        case_expedite(case=submitted, actor=case_admin, certified_on=D(2026, 11, 20))
    expedited = CaseFactory(status=S.RECEIVED, priority="expedited")
    with pytest.raises(ValidationError, match="already expedited"):
        case_expedite(case=expedited, actor=case_admin, certified_on=D(2026, 11, 20))
    early = CaseFactory(status=S.RECEIVED)
    with pytest.raises(ValidationError, match="comes after the application"):
        case_expedite(case=early, actor=case_admin, certified_on=D(2026, 11, 1))
    assert not CaseEvent.objects.exists()


def test_the_case_page_converts_with_the_certification(admin_client):
    case = CaseFactory(status=S.AWAITING_RECORDS, date_assigned=D(2026, 11, 3))
    url = reverse("casefile:case_expedite", args=[case.case_number])

    refused = admin_client.post(url, {"expedite-certified_on": "2026-11-10"})
    assert "only that certification converts a review" in refused.content.decode()

    admin_client.post(url, {"expedite-certified_on": "2026-11-10", "expedite-confirm": "on"})
    case.refresh_from_db()
    assert case.priority == "expedited"
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "Converted to expedited on 11/10/2026" in page.content.decode()
