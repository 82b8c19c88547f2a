"""The letter settings' two forms (the organization details; the letter paragraphs) each save
alone, and the page comes back with the other as saved. From QA: saving one threw away unsaved
edits in the other without a word, and a refused paragraphs save showed no error in view."""

import pytest
from playwright.sync_api import expect

from reviews.letters.render import letter_text_current
from reviews.organization.services import organization_current
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPED = "{org} sent the case file to a reviewer; typed and not yet saved."


def dialogs_answered(page, accept: bool) -> list:
    """Each dialog the page opens, as (type, message): a confirm answered `accept`, the
    question on leaving answered "stay"."""
    dialogs = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        if accept and dialog.type != "beforeunload":
            dialog.accept()
        else:
            dialog.dismiss()

    page.on("dialog", answer)
    return dialogs


def test_saving_the_details_with_paragraphs_unsaved_asks_first_and_leaving_asks_too(
    page, live_server, artifacts
):
    sysadmin = UserFactory(role="system_admin")
    sign_in(page, live_server.url, sysadmin)
    page.goto(f"{live_server.url}/settings/organization/")
    paragraph = page.locator("#paragraphs textarea").first
    paragraph.fill(TYPED)
    page.get_by_label("Signatory title").fill("Chief Medical Officer")
    before = letter_text_current().version

    # Saving the details would reload the page without the paragraph: it asks, naming it; no.
    dialogs = dialogs_answered(page, accept=False)
    page.get_by_role("button", name="Save organization details").click()
    expect(paragraph).to_be_focused()
    assert [kind for kind, _ in dialogs] == ["confirm"]
    assert "Your changes to the letter paragraphs are not saved" in dialogs[0][1]
    expect(paragraph).to_have_value(TYPED)
    assert organization_current().signatory_title != "Chief Medical Officer"

    # Leaving the page with the paragraph unsaved asks too; staying keeps it.
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(500)
    assert [kind for kind, _ in dialogs] == ["confirm", "beforeunload"]
    assert page.url.endswith("/settings/organization/")
    expect(paragraph).to_have_value(TYPED)

    # Saving the paragraphs themselves asks nothing (the details are as saved now).
    page.get_by_label("Signatory title").fill(organization_current().signatory_title)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_text(f"Saved as version {before + 1}.")).to_be_visible()
    assert [kind for kind, _ in dialogs] == ["confirm", "beforeunload"]
    page.screenshot(path=str(artifacts / "letter-settings-saved.png"))


def test_saving_one_form_when_agreed_saves_it_once(page, live_server):
    sysadmin = UserFactory(role="system_admin")
    sign_in(page, live_server.url, sysadmin)
    page.goto(f"{live_server.url}/settings/organization/")
    page.locator("#paragraphs textarea").first.fill(TYPED)
    page.get_by_label("Signatory title").fill("Chief Medical Officer")
    dialogs = dialogs_answered(page, accept=True)
    page.get_by_role("button", name="Save organization details").click()
    expect(page.get_by_text("Organization details saved")).to_be_visible()
    # Asked once (not again when session.js sends the form on), and not again on leaving.
    assert [kind for kind, _ in dialogs] == ["confirm"]
    assert organization_current().signatory_title == "Chief Medical Officer"


def test_a_refused_paragraphs_save_lists_every_problem_focused_at_its_top(
    page, live_server, artifacts
):
    sysadmin = UserFactory(role="system_admin")
    sign_in(page, live_server.url, sysadmin)
    page.goto(f"{live_server.url}/settings/organization/")
    page.get_by_label("Clinical case summary lead-in").fill("")
    page.get_by_label("Binding determination notice").fill("{Org} issues this determination.")
    page.get_by_role("button", name="Save as a new version").click()

    summary = page.locator("#paragraphs .form-error")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("Clinical case summary lead-in: This paragraph prints nothing")
    expect(summary).to_contain_text("Binding determination notice: “{Org}” would print as it is")
    page.screenshot(path=str(artifacts / "letter-settings-refused.png"))
    # Each problem links to its box.
    summary.get_by_role("link", name="Binding determination notice").click()
    expect(page.get_by_label("Binding determination notice")).to_be_focused()
    expect(page.get_by_label("Binding determination notice")).to_be_in_viewport()
