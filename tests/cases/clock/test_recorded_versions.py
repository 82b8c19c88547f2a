"""The case's stored deadline keeps its computation and the calendar version it used until it
is recomputed (issue 9: each computed deadline records which version it used); the events that
move a deadline write the new date with its version."""

import datetime as dt

import pytest

from accounts.models import Role
from cases.clock.calendars import state_offices
from cases.clockpages.services import holiday_add
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType
from cases.lifecycle.services import DUE_ON_FIELDS, case_due_on_refresh, case_expedite
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refresh(case: Case) -> Case:
    case_due_on_refresh(case)
    case.save(update_fields=list(DUE_ON_FIELDS))
    case.refresh_from_db()
    return case


def test_the_stored_due_date_keeps_its_version_until_recomputed():
    case = _refresh(CaseFactory(status=CaseStatus.RECEIVED))
    before = state_offices().label
    assert case.due_on == dt.date(2026, 11, 3)
    assert case.due_on_calendar == before
    assert case.due_on_explain.startswith("1 working day after receipt of the application")
    assert "8 CCR 9792.10.4(b)" in case.due_on_explain

    holiday_add(
        calendar="state_offices",
        date=dt.date(2026, 11, 3),
        name="Election Day",
        note="A test edit.",
        actor=UserFactory(role=Role.SYSTEM_ADMIN),
    )
    after = state_offices().label
    assert after != before
    case.refresh_from_db()
    assert (case.due_on, case.due_on_calendar) == (dt.date(2026, 11, 3), before)
    case.__dict__.pop("clock", None)
    assert case.clock.calendar_versions["notice_due_on"] == after  # the live clock moved on

    case = _refresh(case)
    assert (case.due_on, case.due_on_calendar) == (dt.date(2026, 11, 4), after)
    assert "Election Day" in case.due_on_explain


def test_a_conversion_writes_the_new_dates_with_their_versions(case_admin):
    case = CaseFactory(
        status=CaseStatus.AWAITING_RECORDS,
        date_assigned=dt.date(2026, 11, 3),
        notice_sent_by="mail",
    )
    case_expedite(case=case, actor=case_admin, certified_on=dt.date(2026, 11, 5))
    details = CaseEvent.objects.get(case=case, type=EventType.CASE_EXPEDITED).details
    assert details["records_due_on"] == "2026-11-06"
    # 24 hours run through weekends and holidays: no calendar was used.
    assert details["records_due_on_calendar"] is None
    case.refresh_from_db()
    assert case.due_on == dt.date(2026, 11, 6)
    assert case.due_on_calendar == ""
    assert "24 hours after the conversion to expedited" in case.due_on_explain
