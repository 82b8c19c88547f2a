"""The warning before the inactivity sign-out (static/js/session.js; accounts.session_timeout).
From QA: a physician reading a record made no request, and found the sign-out only at the next
keystroke, with the password and the code to give again. The page's clock is Playwright's; the
server's is real, so the session is ended by hand where the test needs it ended."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def test_the_page_warns_before_the_sign_out_and_stay_signed_in_holds_the_session(
    page, live_server, reference_data, settings, artifacts
):
    settings.IMR_SESSION_IDLE_MINUTES = 15
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.clock.install()
    page.goto(f"{live_server.url}/cases/")
    warning = page.locator("#session-idle")
    asked = []
    page.on("request", lambda request: asked.append(request.url))

    page.clock.run_for("12:00")  # 12 of the 14.5 minutes the session surely holds
    expect(warning).to_be_hidden()
    page.clock.run_for("01:00")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out at")
    expect(warning.locator("[data-idle-at]")).to_have_text(re.compile(r"^\d{1,2}:\d{2} [AP]M$"))
    page.screenshot(path=str(artifacts / "idle-warning.png"))

    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    assert any(url.endswith("/account/session/") for url in asked)
    # Held: 12 more minutes pass without a word.
    page.clock.run_for("12:00")
    expect(warning).to_be_hidden()


def test_at_the_end_the_page_says_the_session_ended_if_it_did(
    page, live_server, reference_data, settings
):
    settings.IMR_SESSION_IDLE_MINUTES = 15
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.clock.install()
    page.goto(f"{live_server.url}/cases/")
    page.clock.run_for("13:00")
    expect(page.locator("#session-idle")).to_be_visible()
    page.context.clear_cookies(name="sessionid")  # the server's sign-out, on its own clock
    page.clock.run_for("02:00")
    expect(page.locator("#session-idle")).to_be_hidden()
    expect(page.locator("#session-ended")).to_be_visible()


def test_a_session_another_tab_kept_going_takes_the_warning_away(
    page, live_server, reference_data, settings
):
    """From the review: activity this page did not see (another tab, a download) kept the
    session; the page said "signed out at" a time past and asked every 5 s. The server says
    how long the session still holds, and the page counts from that."""
    settings.IMR_SESSION_IDLE_MINUTES = 15
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.clock.install()
    page.goto(f"{live_server.url}/cases/")
    page.evaluate("localStorage.removeItem('imr-last-activity')")
    page.clock.run_for("13:00")
    expect(page.locator("#session-idle")).to_be_visible()
    page.clock.run_for("02:00")  # past the end the page counted; the server's session holds
    expect(page.locator("#session-idle")).to_be_hidden()
    expect(page.locator("#session-ended")).to_be_hidden()
    page.clock.run_for("05:00")  # counted again from the server's answer: no warning yet
    expect(page.locator("#session-idle")).to_be_hidden()
