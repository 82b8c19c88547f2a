"""Terminating and remanding a case."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.clock.deadlines import add_calendar_days
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import case_remand, case_terminate
from tests.cases.helpers import event_types
from tests.factories import CaseFactory, DisputedItemFactory

D = dt.date
S = CaseStatus


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
