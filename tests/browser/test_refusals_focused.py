"""A refusal after a plain form's round trip is focused, so a keyboard or screen reader user
is told at once what went wrong (from QA: the page came back with focus at its top and the
message, or the error, somewhere else)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.clock.models import CalendarName, CalendarVersion, HolidayCalendar
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import CaseFactory, UserFactory, case_in_review, determination_fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_wrong_password_at_sign_and_submit_focuses_the_error(
    page, live_server, reference_data, artifacts
):
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/6/")
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Sign and submit").click()

    summary = page.locator(".ws-sign .form-error")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("That is not your password")
    expect(summary).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "sign-wrong-password-focused.png"))
    summary.get_by_role("link", name="Your password").click()
    expect(page.get_by_label("Your password")).to_be_in_viewport()


@pytest.mark.parametrize(
    "button, said",
    [
        ("Remind reviewers", "Select at least one case."),
        ("Assign…", "Select at least one case to assign."),
    ],
)
def test_a_bulk_action_with_no_case_selected_focuses_its_message(
    page, live_server, reference_data, button, said
):
    CaseFactory()
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("button", name=button).click()
    message = page.locator("#messages .message").filter(has_text=said)
    expect(message).to_be_focused()


def test_a_refused_holiday_change_focuses_its_summary_and_a_saved_one_says_so_in_view(
    page, live_server, reference_data, artifacts
):
    """From QA: the holiday page answers at its calendar's fragment, where the browser skips
    `autofocus`: a refusal came back with the focus on nothing and its summary 2,500 px down a
    phone's page, and the message of a change saved was above the window."""
    # A live_server test starts on a flushed database: the judicial calendar, one version.
    calendar, _ = HolidayCalendar.objects.get_or_create(name=CalendarName.JUDICIAL)
    CalendarVersion.objects.create(
        calendar=calendar, number=calendar.versions.count() + 1, note="For the test."
    )
    sign_in(page, live_server.url, UserFactory(role=Role.SYSTEM_ADMIN))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/settings/holidays/?year=2027")
    section = page.locator("#judicial")
    section.locator("summary", has_text="Change this calendar").click()
    section.get_by_label("Date").fill("2027-03-03")
    section.get_by_role("button", name="Save as version").click()

    summary = page.locator("#judicial .form-error")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "holiday-refused-390.png"))

    section.get_by_label("Name").fill("Founders' Day")
    section.get_by_label("Why").fill("Declared by the governor.")
    section.get_by_role("button", name="Save as version").click()
    message = page.locator("#messages .message").filter(has_text="Saved as version")
    expect(message).to_be_in_viewport()
    # And it takes the focus, though the page opens at the calendar (from QA: it stayed on
    # the page itself), without leaving the calendar.
    expect(message).to_be_focused()
    expect(section.get_by_role("heading", name="2027")).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "holiday-saved-390.png"))


def test_a_summary_link_shows_the_field_with_its_label_on_a_phone(
    page, live_server, reference_data, artifacts
):
    """From QA: following "Application received is required" from the summary scrolled the
    date box itself to the top of a phone's window, its label and error out of view above."""
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_role("button", name="Create case").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Application received").click()
    field = page.locator("#id_application-application_received")
    expect(field).to_be_focused()
    expect(page.locator('label[for="id_application-application_received"]')).to_be_in_viewport()
    expect(page.locator("#id_application-application_received_error")).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "summary-link-label-390.png"))
