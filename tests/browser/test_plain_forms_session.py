"""A form that is not htmx's, sent after the session ended: the page says so and keeps what was
typed (static/js/session.js asks accounts.views.session_alive first). From QA: the letter
settings went to the sign-in form, the paragraph typed was lost, and the sign-in page said
"Your drafts are saved"."""

import pytest
from playwright.sync_api import expect

from reviews.letters.render import letter_text_current
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_letter_paragraphs_sent_after_the_session_ended_are_kept_and_saved_after_signing_in(
    page, live_server, artifacts
):
    sysadmin = UserFactory(role="system_admin")
    base = live_server.url
    sign_in(page, base, sysadmin)
    page.goto(f"{base}/settings/organization/")
    paragraph = page.locator("#paragraphs textarea").first
    typed = "{org} sent the case file to a reviewer; typed while the session ended, and kept."
    paragraph.fill(typed)
    before = letter_text_current().version

    # The session ends (another tab signed out, or the inactivity timeout)
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Save as a new version").click()

    # The page stays, says so, and keeps the paragraph; nothing was saved
    expect(page.locator("#session-ended")).to_be_visible()
    expect(page.locator("#session-ended")).to_be_focused()
    # One paragraph, the link on one line (from QA: the notice's loose text and link were laid
    # out as three columns, the link a few letters a line on a phone)
    link = page.locator("#session-ended > p > a")
    expect(link).to_have_text("Sign in again")
    assert link.bounding_box()["height"] < 40
    assert page.url.endswith("/settings/organization/")
    expect(paragraph).to_have_value(typed)
    page.screenshot(path=str(artifacts / "plain-form-session-ended.png"), full_page=True)
    assert letter_text_current().version == before

    # Signed in again in another tab, the same button saves what was typed
    other = page.context.new_page()
    sign_in(other, base, sysadmin)
    other.close()
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text(f"Saved as version {before + 1}.")).to_be_visible()
    assert letter_text_current().version == before + 1


def test_a_plain_form_clicked_twice_while_the_session_is_asked_about_is_sent_once(
    page, live_server
):
    # From a review: each click started its own session check and each answer sent the form,
    # so a double click could post twice (a conflict on the letter paragraphs, two reminders).
    sysadmin = UserFactory(role="system_admin")
    base = live_server.url
    sign_in(page, base, sysadmin)
    page.goto(f"{base}/settings/organization/")
    page.locator("#paragraphs textarea").first.fill(
        "{org} sent the case file to a reviewer; sent with two clicks."
    )
    posts = []
    page.on(
        "request",
        lambda request: (
            posts.append(request.url)
            if request.method == "POST" and "/settings/organization/" in request.url
            else None
        ),
    )
    page.get_by_role("button", name="Save as a new version").dblclick()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    assert len(posts) == 1
    assert letter_text_current().version == 2
