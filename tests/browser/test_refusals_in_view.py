"""A refused form far down a page says why where the user is looking (from QA): its summary of
problems is focused, so scrolled into view, after an htmx swap and after a whole page."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.eligibility.services import case_eligibility_record
from tests.browser.test_reviewer_flow import sign_in
from tests.cases.helpers import add_record, overrides_for
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    UserFactory,
    case_taken_in,
    ready_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_refused_termination_on_a_new_case_is_said_in_view(page, live_server, reference_data):
    """The case page of a new application is long (the eligibility checks and findings): the
    refusal sat about 1,000 px above the window, the focus on the page itself."""
    case = CaseFactory(
        ur_decision_date=dt.date(2026, 9, 1), application_received=dt.date(2026, 11, 2)
    )
    DisputedItemFactory(case=case)
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    page.get_by_text("Terminate the review…").click()

    page.get_by_role("button", name=f"Terminate {case.case_number}").click()

    summary = page.locator("#workflow .form-error")
    expect(summary).to_contain_text("Choose why the review ends.")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()


def test_a_refused_record_upload_is_said_in_view(page, live_server, reference_data, tmp_path):
    """From QA: a file that is not a PDF, refused, redrew the record form with its reason some
    450 px above the window and the focus on the page itself; an administrator could think the
    record was filed."""
    case = CaseFactory(status="awaiting_records", date_assigned=dt.date(2026, 11, 2))
    DisputedItemFactory(case=case)
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    notes = tmp_path / "notes.pdf"
    notes.write_text("Not a PDF at all.")
    page.locator("#record-add input[type=file]").set_input_files(str(notes))

    page.get_by_role("button", name="Upload record").click()

    summary = page.locator("#record-add .form-error")
    expect(summary).to_contain_text("notes.pdf")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()


def test_a_form_sent_in_place_leaves_the_focus_where_the_work_was(
    page, live_server, reference_data
):
    """From QA: after "Mark records complete" sent with the keyboard, the focus fell to the page
    itself, and a keyboard user had to Tab from the top again (some 13 stops)."""
    admin = UserFactory(role="case_admin")
    case = case_taken_in(admin)
    case_eligibility_record(case=case, actor=admin, eligible=True, overrides=overrides_for(case))
    add_record(case, admin)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    button = page.get_by_role("button", name="Mark records complete")
    button.focus()

    page.keyboard.press("Enter")

    expect(page.locator(".badge", has_text="Records complete").first).to_be_visible()
    expect(page.locator("#workflow .form-error")).to_have_count(0)
    page.wait_for_function("() => document.activeElement !== document.body")
    assert page.evaluate("() => document.activeElement.closest('#workflow') !== null")


def test_a_refused_records_complete_date_is_said_beside_it_on_the_facts_page(
    page, live_server, reference_data
):
    """From QA: "Save the dates" said the date's refusal only at the form's top. htmx draws the
    refusal there and the date again beside it, as typed."""
    case = ready_case()  # notice of assignment 11/03/2026, records complete 11/10/2026
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/facts/")
    date = page.get_by_label("Records complete on")
    date.fill("2026-11-01")

    page.get_by_role("button", name="Save the dates").click()

    said = "Records cannot be complete before the notice of assignment."
    expect(page.locator("#refusal-case .form-error")).to_contain_text(said)
    expect(page.locator("#id_records_complete_on_error")).to_have_text(f"Error: {said}")
    expect(date).to_have_value("2026-11-01")
    expect(date).to_have_attribute("aria-invalid", "true")
