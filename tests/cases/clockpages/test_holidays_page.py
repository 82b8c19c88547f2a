"""The holiday tables: read by administrators, edited by system administrators, each edit a new
version that later calculations use while the old version stays."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.clock.calculator import calculate
from cases.clock.calendars import judicial
from cases.clock.models import CalendarVersion, Holiday
from cases.clockpages.services import holiday_add, holiday_remove, holiday_rename
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("clock:holidays")
NOTICE = {"notice_sent_on": "2025-03-14", "notice_sent_by": "mail"}


@pytest.fixture
def sysadmin():
    return UserFactory(role=Role.SYSTEM_ADMIN)


def versions(calendar: str) -> list[int]:
    return list(
        CalendarVersion.objects.filter(calendar__name=calendar)
        .order_by("number")
        .values_list("number", flat=True)
    )


def test_the_page_shows_both_calendars_for_the_year_asked(client):
    client.force_login(UserFactory(role=Role.CASE_ADMIN))

    page = client.get(URL, {"year": "2022"}).content.decode()

    assert "Judicial holidays" in page and "State office holidays" in page
    assert "Fri 09/23/2022" in page  # Native American Day, judicial since 2022
    assert "Lincoln Day" in page
    assert "Change this calendar" not in page  # a case administrator only reads


def test_adding_a_holiday_on_the_due_date_moves_it_and_names_the_new_version(client, sysadmin):
    assert calculate(NOTICE)["records_due_on"] == "2025-04-01"
    client.force_login(sysadmin)

    response = client.post(
        URL,
        {
            "edit": "judicial",
            "judicial-calendar": "judicial",
            "judicial-action": "add",
            "judicial-date": "2025-04-01",
            "judicial-name": "Court closure",
            "judicial-note": "Judicial Council order 25-01",
        },
    )

    assert response.status_code == 302
    assert versions("judicial") == [1, 2]
    result = calculate(NOTICE)
    assert result["records_due_on"] == "2025-04-02"
    assert "and Tue 04/01 (Court closure)" in result["explain"]["records_due_on"]
    assert result["calendar_versions"]["records_due_on"] == "judicial v2"
    # The old version is kept whole, so a deadline that named it can still be explained.
    old = Holiday.objects.filter(version__calendar__name="judicial", version__number=1)
    assert not old.filter(date=dt.date(2025, 4, 1)).exists()
    assert (
        old.count()
        == Holiday.objects.filter(version__number=2, version__calendar__name="judicial").count() - 1
    )
    page = client.get(response["Location"]).content.decode()
    assert "Saved as version 2" in page
    assert "Judicial Council order 25-01" in page


def test_a_holiday_added_on_a_weekend_is_saved_with_a_word_that_it_moves_nothing(client, sysadmin):
    """From QA: a Saturday was added silently, though no deadline counts it as a working day."""
    client.force_login(sysadmin)
    added = {"edit": "state_offices", "state_offices-calendar": "state_offices"}
    added |= {"state_offices-action": "add", "state_offices-name": "Office party"}
    added |= {"state_offices-note": "QA"}

    saturday = client.post(URL, {**added, "state_offices-date": "2026-12-12"}, follow=True)
    monday = client.post(URL, {**added, "state_offices-date": "2026-12-14"}, follow=True)

    assert "12/12/2026 is a Saturday, which no deadline counts as a working day already" in (
        saturday.content.decode()
    )
    assert "due dates are being recounted" not in saturday.content.decode()
    assert "Saved as version" in monday.content.decode()
    # Each takes the focus (from QA: it stayed on the page itself).
    for saved, level in ((saturday, "warning"), (monday, "success")):
        told = rf'<div class="message message--{level}" tabindex="-1" autofocus>\s*<p>Saved as'
        assert re.search(told, saved.content.decode())
    # The note ends as a sentence before the next (from QA: "…QA Deadlines computed…")
    assert "Office party. QA. Deadlines computed from now on use it" in monday.content.decode()
    assert "which no deadline counts as a working day" not in monday.content.decode()


def test_remove_and_rename_make_new_versions_with_the_change(sysadmin):
    renamed = holiday_rename(
        calendar="state_offices",
        date=dt.date(2025, 3, 31),
        name="César Chávez Day",
        note="CalHR spelling",
        actor=sysadmin,
    )
    removed = holiday_remove(
        calendar="state_offices", date=dt.date(2025, 3, 31), note="test", actor=sysadmin
    )

    assert (renamed.number, removed.number) == (2, 3)
    assert renamed.holidays.get(date=dt.date(2025, 3, 31)).name == "César Chávez Day"
    assert not removed.holidays.filter(date=dt.date(2025, 3, 31)).exists()
    assert removed.holidays.count() == renamed.holidays.count() - 1
    assert removed.created_by == sysadmin
    assert versions("judicial") == [1]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"date": dt.date(2012, 12, 31), "name": "Old", "note": "n"}, "date"),
        ({"date": dt.date(2025, 3, 31), "name": "Twice", "note": "n"}, "date"),
        ({"date": dt.date(2025, 4, 1), "name": "  ", "note": "n"}, "name"),
        ({"date": dt.date(2025, 4, 1), "name": "Day", "note": " "}, "note"),
        # Characters that print nothing are no name and no note (a QA pass saved a blank name).
        ({"date": dt.date(2025, 4, 1), "name": "\u200b", "note": "n"}, "name"),
        ({"date": dt.date(2025, 4, 1), "name": "Day", "note": "\u2060"}, "note"),
    ],
)
def test_bad_additions_are_refused_and_change_nothing(sysadmin, change, field):
    with pytest.raises(ValidationError) as refused:
        holiday_add(calendar="judicial", actor=sysadmin, **change)

    assert field in refused.value.message_dict
    assert versions("judicial") == [1]


def test_the_page_shows_a_refusal_beside_the_field(client, sysadmin):
    client.force_login(sysadmin)

    response = client.post(
        URL,
        {
            "edit": "judicial",
            "judicial-calendar": "judicial",
            "judicial-action": "add",
            "judicial-date": "2025-03-31",
            "judicial-name": "Again",
            "judicial-note": "test",
        },
    )

    assert response.status_code == 422
    assert "03/31/2025 is already a holiday here: Cesar Chavez Day." in response.content.decode()
    assert versions("judicial") == [1]


@pytest.mark.parametrize("role", [Role.CASE_ADMIN, Role.REVIEWER])
def test_only_a_system_administrator_edits(client, role):
    client.force_login(UserFactory(role=role))

    response = client.post(
        URL,
        {
            "edit": "judicial",
            "judicial-calendar": "judicial",
            "judicial-action": "remove",
            "judicial-date": "2025-03-31",
            "judicial-note": "test",
        },
    )

    assert response.status_code == 403
    assert versions("judicial") == [1]


def test_reviewers_cannot_read_the_tables(client):
    client.force_login(UserFactory(role=Role.REVIEWER))

    assert client.get(URL).status_code == 403


def test_a_year_past_the_tables_is_added_from_the_rules_as_a_new_version():
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    before = judicial()
    assert before.tables_last_year == 2036
    version = holiday_add(
        calendar="judicial",
        date=dt.date(2037, 8, 14),
        name="A new holiday",
        note="The Legislature added a day.",
        actor=admin,
    )
    assert version.note.startswith("Extended with 2037 from the judicial rules. Added 08/14/2037")
    days = set(
        Holiday.objects.filter(version=version, date__year=2037).values_list("name", flat=True)
    )
    assert {"New Year's Day", "Lincoln Day", "Native American Day", "A new holiday"} <= days
    after = judicial()
    assert after.tables_last_year == 2037
    assert after.label_through(dt.date(2037, 12, 1)) == after.label


def test_a_refused_change_is_summed_up_at_the_top_of_its_form_and_focused(client, sysadmin):
    """From QA: the page came back at the calendar's table, the error far below, no sign of it
    where the user looked; "This field is required." for the date."""
    client.force_login(sysadmin)
    page = client.post(
        f"{URL}?year=2026",
        {"edit": "judicial", "year": "2026", "calendar": "judicial", "action": "add", "note": ""},
    ).content.decode()
    summary = page.split('<div class="form-error" role="alert" tabindex="-1" autofocus>', 1)[1]
    summary = summary.split("</div>", 1)[0]
    assert "Give the holiday&#x27;s date (MM/DD/YYYY)." in summary
    assert "Say why the calendar changes" in summary


def test_the_name_is_labelled_as_needed_to_add_or_rename(client, sysadmin):
    """From QA: "Name (optional)", though a holiday added without one was refused ("Give the
    holiday's name."); only a removal goes without it."""
    client.force_login(sysadmin)
    page = client.get(URL).content.decode()
    field = page.split('<label class="label" for="id_judicial-name">', 1)[1].split("</div>", 1)[0]
    assert field.startswith("Name</label>") and "(optional)" not in field
    assert "Needed to add or rename a holiday, not to remove one." in field
