"""From QA, in a real browser: a case closed by an action on its page (found ineligible,
terminated) kept its "Add a record" form until the page was reloaded. The records panel that
the action refreshes takes the form away with it."""

import re

import pytest
from playwright.sync_api import expect

from cases.lifecycle.models import CaseStatus
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_upload_form_goes_when_the_case_is_terminated_on_its_page(
    page, live_server, reference_data, artifacts
):
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    upload = page.locator("form#record-add")
    expect(upload).to_be_visible()
    page.evaluate("window.__same_page = true")

    page.get_by_text("Terminate the review…").click()
    page.get_by_label("The application was withdrawn").check()
    page.get_by_label("I understand this closes the case and cannot be undone.").check()
    with page.expect_response(re.compile(r"panel=records")):
        page.get_by_role("button", name=f"Terminate {case.case_number}").click()

    expect(page.locator("#records")).to_be_visible()
    expect(upload).to_have_count(0)
    assert page.evaluate("window.__same_page") is True  # in place, not reloaded
    case.refresh_from_db()
    assert case.status == CaseStatus.TERMINATED
    page.screenshot(path=str(artifacts / "terminated-no-upload.png"), full_page=True)
