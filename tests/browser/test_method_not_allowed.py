"""From a QA pass: a form's address opened in the browser (a GET to a POST-only URL) showed
Chromium's own "HTTP ERROR 405" over Django's empty answer; it shows our page, within the
Content Security Policy, with the way back to the case."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import CaseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_forms_address_opened_directly_shows_our_page(
    page, live_server, reference_data, artifacts
):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    case = CaseFactory()
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    response = page.goto(f"{live_server.url}/cases/{case.case_number}/terminate/")
    assert response.status == 405
    assert response.headers["allow"] == "POST"
    expect(page.get_by_role("heading", name="This address is for a form's button")).to_be_visible()
    assert not violations, violations
    # Playwright's screenshot injects a style the policy blocks: taken after the check.
    page.screenshot(path=str(artifacts / "method-not-allowed.png"))
    page.get_by_role("link", name="Back to the case").click()
    expect(page.get_by_role("heading", name=re.compile(case.case_number))).to_be_visible()
