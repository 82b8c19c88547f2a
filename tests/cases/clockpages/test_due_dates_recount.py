"""After a holiday edit, every open case's stored due date (what the case list shows, sorts and
filters on, and the CSV writes) is counted again on the new calendar version."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.clock import calendars
from cases.clockpages.services import holiday_add, holiday_remove
from cases.lifecycle.models import Case, CaseStatus
from cases.lifecycle.services import DUE_ON_FIELDS, case_due_on_refresh, cases_due_on_recount
from cases.outbox.models import FollowUp, FollowUpState
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

HOLIDAYS = reverse("clock:holidays")


@pytest.fixture
def sysadmin():
    return UserFactory(role=Role.SYSTEM_ADMIN)


def received_case(received: dt.date, **fields) -> Case:
    """A case in its first-day clock: the notice is due 1 working day after receipt (8 CCR
    9792.10.4(b)), counted on the state offices' calendar; its due date stored as services do."""
    case = CaseFactory(status=CaseStatus.RECEIVED, application_received=received, **fields)
    case_due_on_refresh(case)
    case.save(update_fields=list(DUE_ON_FIELDS))
    return case


def next_working_day(day: dt.date) -> dt.date:
    return calendars.state_offices().add_working_days(day, 1)


def test_a_holiday_added_on_the_due_date_moves_the_stored_date_the_list_shows(
    client, sysadmin, django_capture_on_commit_callbacks
):
    received = next_working_day(timezone.localdate() + dt.timedelta(days=7))
    case = received_case(received)
    due = next_working_day(received)
    assert case.due_on == due
    client.force_login(sysadmin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            HOLIDAYS,
            {
                "edit": "state_offices",
                "state_offices-calendar": "state_offices",
                "state_offices-action": "add",
                "state_offices-date": due.isoformat(),
                "state_offices-name": "QA Test Day",
                "state_offices-note": "QA",
            },
        )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.due_on == next_working_day(due) > due
    assert "QA Test Day" in case.due_on_explain
    assert case.due_on_calendar == "state_offices v2"
    page = client.get(response["Location"]).content.decode()
    assert "Open cases&#x27; due dates are being recounted" in page
    listed = client.get(reverse("casefile:case_list"), {"q": case.case_number}).content.decode()
    assert f"{case.due_on:%m/%d/%Y}" in listed and f"{due:%m/%d/%Y}</span>" not in listed
    assert FollowUp.objects.get(task="cases.tasks.due_dates_recount").state == FollowUpState.DONE


def test_a_removed_holiday_brings_the_date_back_and_the_overdue_filter_finds_the_case(
    client, sysadmin
):
    today = timezone.localdate()
    # A working day before today whose next working day is today or later: a holiday on it
    # puts the due date of a case received the working day before at today or later.
    holiday = today - dt.timedelta(days=1)
    while holiday.weekday() >= 5 or calendars.state_offices().day_off(holiday):
        holiday -= dt.timedelta(days=1)
    received = holiday - dt.timedelta(days=1)
    while received.weekday() >= 5 or calendars.state_offices().day_off(received):
        received -= dt.timedelta(days=1)
    holiday_add(calendar="state_offices", date=holiday, name="Closure", note="QA", actor=sysadmin)
    case = received_case(received)
    assert case.due_on >= today  # not overdue while the holiday stands
    client.force_login(UserFactory(role=Role.CASE_ADMIN))

    holiday_remove(calendar="state_offices", date=holiday, note="Mistake", actor=sysadmin)
    cases_due_on_recount()

    case.refresh_from_db()
    assert case.due_on == holiday < today
    overdue = client.get(reverse("casefile:case_list"), {"due": "overdue"}).content.decode()
    assert case.case_number in overdue


def test_the_recount_touches_only_open_cases_whose_date_changed_and_runs_twice(sysadmin):
    received = next_working_day(timezone.localdate() + dt.timedelta(days=7))
    due = next_working_day(received)
    moved = received_case(received)
    closed = received_case(received)
    Case.objects.filter(pk=closed.pk).update(status=CaseStatus.TERMINATED)
    holiday_add(calendar="state_offices", date=due, name="Closure", note="QA", actor=sysadmin)

    assert cases_due_on_recount(batch_size=1) == 1
    assert cases_due_on_recount() == 0  # a second run finds every date counted

    moved.refresh_from_db()
    closed.refresh_from_db()
    assert moved.due_on == next_working_day(due)
    assert closed.due_on == due  # a closed case runs no clock to recount


def test_the_command_recounts_when_no_worker_did(sysadmin, capsys):
    received = next_working_day(timezone.localdate() + dt.timedelta(days=7))
    case = received_case(received)
    due = case.due_on
    holiday_add(calendar="state_offices", date=due, name="Closure", note="QA", actor=sysadmin)
    # The edit's follow-up was never published (not committed in this test's transaction).
    case.refresh_from_db()
    assert case.due_on == due

    call_command("due_dates_recount")

    case.refresh_from_db()
    assert case.due_on == next_working_day(due)
    assert "1 open cases' due dates changed" in capsys.readouterr().out
