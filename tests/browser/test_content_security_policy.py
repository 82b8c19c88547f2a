"""In a real browser, the Content Security Policy blocks nothing the pages need: no page logs
a violation, the htmx panels and the reviewer's autosave work, the record viewer and the letter
preview open in their frames (README "Production settings")."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.records.services import record_add
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, case_in_review, pdf_upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_no_page_violates_the_policy_and_autosave_still_works(page, live_server, reference_data):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    case, reviewer, _determination = case_in_review()
    record_add(case=case, actor=None, uploaded=pdf_upload(pages=2), title="PR-2 progress report")
    admin = UserFactory(role=Role.CASE_ADMIN)
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)
    base = live_server.url

    # The case administrator: the list (htmx search), the case page, the print queue, the
    # dashboard.
    sign_in(page, base, admin)
    page.goto(f"{base}/cases/")
    page.get_by_role("searchbox").first.fill(case.case_number)
    expect(page.get_by_role("link", name=case.case_number)).to_be_visible()
    # A column sorted and the search changed again: each answer swaps the list and its
    # out-of-band inputs in. (Playwright's screenshots inject a style the policy blocks, so
    # this test takes none.)
    page.locator("thead").get_by_role("link", name=re.compile("^Case")).first.click()
    expect(page.locator("thead th[aria-sort]")).to_contain_text("Case")
    page.get_by_role("searchbox").first.fill(case.worker_last_name)
    expect(page.get_by_role("link", name=case.case_number)).to_be_visible()
    page.wait_for_timeout(500)
    assert not violations, violations
    page.get_by_role("searchbox").first.fill(case.case_number)
    page.get_by_role("link", name=case.case_number).click()
    expect(page.get_by_role("heading", name=re.compile(case.case_number))).to_be_visible()
    page.goto(f"{base}/letters/print-queue/")
    expect(page.get_by_role("heading", name="Print queue")).to_be_visible()
    # The operations dashboard: its charts are SVG drawn on the server (no script, no style).
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Operations dashboard")).to_be_visible()
    expect(page.locator("svg.bar-chart").first).to_be_visible()
    sign_out(page)

    # The system administrator's pages.
    sign_in(page, base, sysadmin)
    for path, heading in (
        ("/integrity/", "File integrity"),
        ("/settings/holidays/", re.compile("Holiday")),
    ):
        page.goto(base + path)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()
    sign_out(page)

    # The reviewer: the record viewer, autosave by htmx, then the letter preview in its frame.
    sign_in(page, base, reviewer)
    page.goto(f"{base}/reviews/cases/{case.case_number}/step/2/")
    # The record viewer: its empty frame styled by a stylesheet, then a record opened in it.
    viewer = page.frame_locator("iframe.record-viewer")
    expect(viewer.get_by_text("Choose a record above")).to_be_visible()
    with page.expect_response(re.compile(r"/records/\d+")) as opened:
        page.get_by_role("link", name="PR-2 progress report").first.click()
    assert opened.value.status == 200
    summary = page.get_by_label("The summary as the letter prints it")
    summary.press("Control+End")
    summary.press_sequentially(" The worker fell at work.", delay=2)
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    page.reload()
    expect(summary).to_have_value(re.compile("The worker fell at work\\.$"))
    page.goto(f"{base}/reviews/cases/{case.case_number}/step/5/")
    preview = page.frame_locator("iframe.letter-frame")
    expect(preview.get_by_text(re.compile("FINAL DETERMINATION", re.I)).first).to_be_visible()

    assert violations == []
