"""The medical director's comments for a return, in a real browser: kept on this computer until
sent (from QA: a reload or a stray click lost them without a word)."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from reviews.determination.models import Determination, ItemComment
from reviews.determination.services import determination_submit
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    totp_code_fresh,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ITEM_COMMENT = "Cite the page of the guideline that sets the criterion."
GENERAL_COMMENT = "Please revise the second paragraph of the summary."
KEPT = "Object.keys(localStorage).filter((key) => key.startsWith('imr-quality:'))"


def submitted():
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    return case, determination


def dialogs_answered(page) -> list:
    """The types of the dialogs the page opens, each accepted (leave the page)."""
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    return dialogs


def test_comments_typed_for_a_return_survive_a_reload_and_go_once_sent(
    page, live_server, reference_data, artifacts
):
    case, determination = submitted()
    version = Determination.objects.get(pk=determination.pk).version
    director = UserFactory(role=Role.QUALITY_REVIEWER)
    sign_in(page, live_server.url, director)
    url = f"{live_server.url}/quality/{case.case_number}/"
    prefix = f"imr-quality:{director.pk}:{case.case_number}:"
    # Comments kept for an earlier version of the determination are about a text since changed.
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"{prefix}v{version - 1}", '{"comments": {"comment": "Old."}, "at": 0}'],
    )
    page.goto(url)
    assert page.evaluate(KEPT) == []

    item_box = page.get_by_label("Comment for the reviewer on this item")
    item_box.click()
    item_box.fill(ITEM_COMMENT)
    general_box = page.locator("#return-form textarea[name=comment]")
    general_box.fill(GENERAL_COMMENT)
    assert page.evaluate(KEPT) == [f"{prefix}v{version}"]

    # Leaving asks first; the page comes back with the comments and says so.
    dialogs = dialogs_answered(page)
    page.reload()
    assert dialogs == ["beforeunload"]
    # In view wherever the reload put the page back (at the window's foot when scrolled).
    expect(page.get_by_text("Restored 2 comments you typed on this computer")).to_be_in_viewport()
    expect(item_box).to_have_value(ITEM_COMMENT)
    expect(general_box).to_have_value(GENERAL_COMMENT)
    page.screenshot(path=str(artifacts / "quality-comments-restored.png"))

    # Sending the return asks nothing, and the comments kept here go once the server has them.
    page.get_by_role("button", name="Return with comments").click()
    expect(page.get_by_text(f"{case.case_number} returned to the reviewer")).to_be_visible()
    assert dialogs == ["beforeunload"]
    assert page.evaluate(KEPT) == []
    assert ItemComment.objects.get(decision__determination=determination).text == ITEM_COMMENT


def test_an_approval_refused_in_place_keeps_the_comments_and_one_sent_forgets_them(
    page, live_server, reference_data, settings
):
    # Approving asks for the password and a code even just after signing in.
    settings.IMR_REAUTH_MINUTES = 0
    case, _ = submitted()
    director = UserFactory(role=Role.QUALITY_REVIEWER)
    sign_in(page, live_server.url, director)
    page.goto(f"{live_server.url}/quality/{case.case_number}/")
    item_box = page.get_by_label("Comment for the reviewer on this item")
    item_box.click()
    item_box.fill(ITEM_COMMENT)
    dialogs = dialogs_answered(page)

    # A wrong password is refused in the approval form alone (htmx): the page stays, and
    # leaving it with the comment unsent still asks.
    approve = page.locator("#approve-form")
    approve.get_by_label("Your password").fill("not-my-password")
    approve.get_by_role("button", name=f"Approve {case.case_number}").click()
    # "Approve" does not send the comment for the reviewer: said first, nothing sent (from QA:
    # approved and issued at once, the return's comments dropped without a word).
    warning = approve.locator(".approve-unsent")
    expect(warning).to_be_focused()
    expect(warning).to_contain_text("You typed a comment for the reviewer. “Approve” does not")
    approve.get_by_role("button", name="Approve anyway").click()
    expect(approve.get_by_text("That is not your password.")).to_be_visible()
    assert dialogs == []
    page.reload()
    assert dialogs == ["beforeunload"]
    expect(item_box).to_have_value(ITEM_COMMENT)

    # Approved: the server sends the page to the queue, which asks nothing and forgets it.
    approve.get_by_label("Your password").fill(PASSWORD)
    approve.get_by_label(re.compile("Code from your authenticator app")).fill(
        totp_code_fresh(director)
    )
    approve.get_by_role("button", name=f"Approve {case.case_number}").click()
    approve.get_by_role("button", name="Approve anyway").click()
    expect(page.get_by_text(f"{case.case_number} approved")).to_be_visible()
    assert dialogs == ["beforeunload"]
    assert page.evaluate(KEPT) == []


def test_the_comment_for_the_file_survives_a_refused_return(
    page, live_server, reference_data, artifacts
):
    """From QA: typed in the approval's "Comment for the file", then "Return with comments"
    with no comment: the refusal drew the page again and the approval's comment was gone."""
    case, _ = submitted()
    sign_in(page, live_server.url, UserFactory(role=Role.QUALITY_REVIEWER))
    page.goto(f"{live_server.url}/quality/{case.case_number}/")
    file_comment = page.locator("#approve-form textarea[name=comment]")
    file_comment.fill("Reviewed against MTUS; no concerns.")
    page.get_by_role("button", name="Return with comments").click()

    expect(page.get_by_text("Say what the reviewer should change")).to_be_visible()
    expect(page.locator("#approve-form textarea[name=comment]")).to_have_value(
        "Reviewed against MTUS; no concerns."
    )
    expect(page.locator("#return-form textarea[name=comment]")).to_have_value("")
    expect(page.get_by_text("Restored a comment you typed on this computer")).to_be_visible()
    page.screenshot(path=str(artifacts / "quality-file-comment-kept.png"))
