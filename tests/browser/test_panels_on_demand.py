"""Panels read when the user asks for them (issue 12), in a real browser: the Assign page's
excluded reviewers load when the panel is opened, a reviewer's finished cases when they
reach them, each without a page load."""

import re

import pytest
from playwright.sync_api import expect

from reviews.determination.models import Determination, DeterminationStatus
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    UserFactory,
    case_in_review,
    determination_fill,
    ready_case,
    reviewer_with_profile,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_excluded_reviewers_load_when_their_panel_is_opened(
    page, live_server, reference_data, artifacts
):
    case = ready_case()
    reviewer_with_profile("REV-OK", last_name="Able")
    reviewer_with_profile(
        "REV-TIED", last_name="Tied", affiliations=(("employer", "Acme Foods", ""),)
    )
    admin = UserFactory(role="case_admin")
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/assign/")
    expect(page.get_by_role("row", name=re.compile("REV-OK"))).to_be_visible()
    panel = page.locator("details", has=page.locator("#excluded-heading"))
    expect(panel.locator("summary")).to_contain_text("Excluded (1)")
    expect(page.get_by_text("Jane Tied")).to_have_count(0)
    page.evaluate("window.__same_page = true")
    with page.expect_response(re.compile(r"excluded_page=1")) as fetched:
        panel.locator("summary").click()
    assert fetched.value.ok
    row = panel.get_by_role("row", name=re.compile("Jane Tied"))
    expect(row).to_contain_text("Conflict: affiliated with the employer")
    expect(row.get_by_role("button")).to_have_count(0)  # no override
    # Opened in place: the page was not reloaded.
    assert page.evaluate("window.__same_page") is True
    page.screenshot(path=str(artifacts / "assign-excluded-opened.png"), full_page=True)
    # Closed and opened again, it is not fetched twice.
    panel.locator("summary").click()
    panel.locator("summary").click()
    expect(row).to_be_visible()


def test_the_finished_cases_load_when_the_reviewer_reaches_them(
    page, live_server, reference_data, artifacts
):
    reviewer = reviewer_with_profile("REV-DONE", max_open_cases=10)
    open_case, _, _ = case_in_review(reviewer)
    done, _, determination = case_in_review(reviewer, items=2)
    determination_fill(determination, outcomes=("upheld", "overturned"))
    Determination.objects.filter(pk=determination.pk).update(status=DeterminationStatus.APPROVED)
    sign_in(page, live_server.url, reviewer)
    url = f"{live_server.url}/reviews/"
    # The page comes without the history; htmx fetches it when the reviewer reaches it.
    assert "Show your finished cases" in page.request.get(url).text()
    finished = page.locator("#finished")
    with page.expect_response(re.compile(r"finished=1")) as fetched:
        page.goto(url)
        expect(page.get_by_role("row", name=re.compile(open_case.case_number))).to_be_visible()
        finished.scroll_into_view_if_needed()
    assert fetched.value.ok
    row = finished.get_by_role("row", name=re.compile(done.case_number))
    expect(row).to_contain_text("Approved; letter being issued")
    expect(row).to_contain_text("Partially Overturned")
    page.screenshot(path=str(artifacts / "dashboard-finished-loaded.png"), full_page=True)
