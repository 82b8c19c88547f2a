"""Panels read when the user asks for them (issue 12), in a real browser: the Assign page's
excluded reviewers and a reviewer's finished cases load when their panel is opened, in
place, once."""

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
    panel = page.locator("#excluded-panel")
    expect(panel.locator("summary")).to_contain_text("Excluded (1)")
    expect(page.get_by_text("Jane Tied")).to_have_count(0)
    fetches = []
    page.on("request", lambda request: "excluded_page" in request.url and fetches.append(request))
    page.evaluate("window.__same_page = true")
    with page.expect_response(re.compile(r"excluded_page=1")) as fetched:
        panel.locator("summary").click()
    assert fetched.value.ok
    row = panel.get_by_role("row", name=re.compile("Jane Tied"))
    expect(row).to_contain_text("Conflict: affiliated with the employer")
    expect(row.get_by_role("button")).to_have_count(0)  # no override
    expect(page.locator("#excluded-status")).to_have_text(re.compile("1 excluded reviewer listed"))
    # Opened in place: the page was not reloaded, and the summary clicked keeps the focus.
    assert page.evaluate("window.__same_page") is True
    expect(page.locator("#excluded-summary")).to_be_focused()
    page.screenshot(path=str(artifacts / "assign-excluded-opened.png"), full_page=True)
    # Closed and opened again, it is not fetched again.
    page.locator("#excluded-summary").click()
    expect(row).to_be_hidden()
    page.locator("#excluded-summary").click()
    expect(row).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(fetches) == 1


def test_the_finished_cases_load_when_the_reviewer_opens_them(
    page, live_server, reference_data, artifacts
):
    reviewer = reviewer_with_profile("REV-DONE", max_open_cases=10)
    open_case, _, _ = case_in_review(reviewer)
    done, _, determination = case_in_review(reviewer, items=2)
    determination_fill(determination, outcomes=("upheld", "overturned"))
    Determination.objects.filter(pk=determination.pk).update(status=DeterminationStatus.APPROVED)
    sign_in(page, live_server.url, reviewer)
    fetches = []
    page.on("request", lambda request: "finished=1" in request.url and fetches.append(request))
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("row", name=re.compile(open_case.case_number))).to_be_visible()
    panel = page.locator("#finished-panel")
    expect(panel.get_by_role("row")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    assert fetches == []  # the history is not read until it is opened
    page.evaluate("window.__same_page = true")
    with page.expect_response(re.compile(r"finished=1")) as fetched:
        page.locator("#finished-summary").click()
    assert fetched.value.ok
    row = panel.get_by_role("row", name=re.compile(done.case_number))
    expect(row).to_contain_text("Approved; letter being issued")
    expect(row).to_contain_text("Partially Overturned")
    expect(page.locator("#finished-status")).to_have_text("1 finished case listed below.")
    assert page.evaluate("window.__same_page") is True
    expect(page.locator("#finished-summary")).to_be_focused()
    page.screenshot(path=str(artifacts / "dashboard-finished-opened.png"), full_page=True)
    page.locator("#finished-summary").click()
    expect(row).to_be_hidden()
    page.locator("#finished-summary").click()
    expect(row).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(fetches) == 1


def _a_case_and_its_administrator(page, live_server):
    """A case ready to assign, and an administrator ("desk-admin") signed in to read it."""
    case = ready_case()
    sign_in(page, live_server.url, UserFactory(role="case_admin", username="desk-admin"))
    return case


def test_who_read_the_case_loads_when_its_panel_is_opened(
    page, live_server, reference_data, artifacts
):
    case = _a_case_and_its_administrator(page, live_server)
    fetches = []
    page.on("request", lambda request: "panel=readers" in request.url and fetches.append(request))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    panel = page.locator("#readers-panel")
    expect(panel.locator("summary")).to_contain_text("Who read this case")
    expect(panel).not_to_have_attribute("open", "")
    expect(panel.locator("tr")).to_have_count(0)  # not drawn, not merely hidden
    # With JavaScript, opening shows "Loading…" until the rows come, not the link that stands in
    # for the fetch without it (which would reload the page).
    shown = panel.evaluate(
        "p => [...p.querySelectorAll('p')].filter(x => getComputedStyle(x).display !== 'none')"
        ".map(x => x.textContent.trim())"
    )
    assert shown == ["Loading…"]
    page.wait_for_load_state("networkidle")
    assert fetches == []  # the audit log is not read until the panel is opened
    page.evaluate("window.__same_page = true")
    with page.expect_response(re.compile(r"panel=readers")) as fetched:
        page.locator("#readers-summary").click()
    assert fetched.value.ok
    # The administrator's own opening of the page is in the log, named and dated.
    row = panel.get_by_role("row", name=re.compile("desk-admin"))
    expect(row.first).to_contain_text("Case administrator")
    expect(page.locator("#readers-status")).to_have_text("1 read listed below.")
    assert page.evaluate("window.__same_page") is True
    expect(page.locator("#readers-summary")).to_be_focused()
    page.screenshot(path=str(artifacts / "case-readers-opened.png"), full_page=True)
    page.locator("#readers-summary").click()
    expect(row.first).to_be_hidden()
    page.locator("#readers-summary").click()
    expect(row.first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert len(fetches) == 1


def test_a_panel_closed_before_its_rows_come_stays_closed(
    page, live_server, reference_data, artifacts
):
    case = _a_case_and_its_administrator(page, live_server)
    held = []  # the panel's answer, held until the test lets it go
    page.route(re.compile(r"panel=readers"), lambda route: held.append(route))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    panel = page.locator("#readers-panel")
    page.locator("#readers-summary").click()
    expect(panel).to_have_attribute("open", "")
    expect(panel.get_by_text("Loading…")).to_be_visible()
    page.locator("#readers-summary").click()  # closed again before the rows came
    expect(panel).not_to_have_attribute("open", "")
    assert len(held) == 1
    with page.expect_response(re.compile(r"panel=readers")):
        held[0].continue_()
    expect(page.locator("#readers-status")).to_have_text("1 read listed below.")
    # The rows are in, the panel as the user left it: closed. Opening it shows them unfetched.
    expect(panel).not_to_have_attribute("open", "")
    row = panel.get_by_role("row", name=re.compile("desk-admin"))
    expect(row.first).to_be_hidden()
    page.locator("#readers-summary").click()
    expect(row.first).to_be_visible()
    assert len(held) == 1
