"""Each computed deadline records which holiday-calendar version it used (issue 9): a letter
keeps the versions of the dates it printed, whatever later edits of the calendars do."""

import datetime as dt

import pytest
from django.urls import reverse

from accounts.models import Role
from cases.casefile.exports import case_export
from cases.clock.calendars import judicial, state_offices
from cases.clockpages.services import holiday_add
from reviews.letters.models import LetterStatus
from reviews.letters.services import letter_request
from tests.factories import PASSWORD, UserFactory, approved_determination

pytestmark = pytest.mark.django_db


def test_an_issued_letter_keeps_the_calendar_versions_it_printed_with(
    client, django_capture_on_commit_callbacks
):
    determination = approved_determination()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    printed_judicial, printed_offices = judicial().label, state_offices().label
    assert letter.calendar_versions == {
        "appeal_deadline": printed_judicial,
        "authorization_due_on": printed_offices,
        "reimbursement_due_on": printed_judicial,
    }

    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    for calendar in ("judicial", "state_offices"):
        holiday_add(
            calendar=calendar,
            date=dt.date(2030, 8, 14),
            name="A new holiday",
            note="The Legislature added a day.",
            actor=admin,
        )
    assert judicial().label != printed_judicial
    assert state_offices().label != printed_offices

    letter.refresh_from_db()
    assert letter.calendar_versions["appeal_deadline"] == printed_judicial
    assert letter.calendar_versions["authorization_due_on"] == printed_offices
    exported = case_export(letter.case)["letters"][0]
    assert exported["calendar_versions"]["appeal_deadline"] == printed_judicial
    manager = UserFactory(role=Role.CASE_ADMIN)
    client.login(username=manager.username, password=PASSWORD)
    panel = client.get(
        reverse("letters:case_letters", args=[letter.case.case_number]),
        headers={"HX-Request": "true"},
    )
    text = panel.content.decode()
    assert f"{printed_judicial} (appeal)" in text
    assert f"{printed_offices} (authorization)" in text
    assert judicial().label not in text
