"""From QA, in a real browser: the case page's letters panel redraws itself every second while a
letter is in the works, and its "Retry now" was drawn anew each time: a keyboard user who had
tabbed to it lost the focus to the page's start before pressing it."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from cases.outbox.models import FollowUp, FollowUpState
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import letter_follow_up, letter_request
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, approved_determination, notice_of_assignment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_retry_now_keeps_the_focus_while_the_panel_redraws(
    page, live_server, reference_data, artifacts
):
    determination = approved_determination(outcomes=("overturned",))
    with transaction.atomic():
        letter = letter_request(determination=determination, actor=None)
    # A worker stopped mid-render long ago: the letter is stuck, the panel polls it.
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.RENDERING)
    FollowUp.objects.filter(pk=letter_follow_up(letter).pk).update(
        state=FollowUpState.RUNNING, state_changed_at=timezone.now() - dt.timedelta(hours=1)
    )
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{determination.case.case_number}/")

    retry = page.locator("#letters").get_by_role("button", name="Retry now")
    retry.focus()
    with page.expect_response(lambda response: "/letters/" in response.url):
        pass  # a redraw of the panel
    with page.expect_response(lambda response: "/letters/" in response.url):
        pass  # and another
    expect(retry).to_be_focused()
    page.screenshot(path=str(artifacts / "letters-retry-focused.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#letters")).not_to_contain_text("Stuck since")


def test_the_amendment_being_typed_survives_the_panels_redraws(
    page, live_server, reference_data, artifacts
):
    """From QA: the letters panel redraws itself every second while a notice is in the works,
    and each redraw closed the amendment's box and dropped the reason being typed. Its own
    refusal still replaces it, said beside the field."""
    determination = approved_determination(outcomes=("overturned",))
    case = determination.case
    with transaction.atomic():
        letter = letter_request(determination=determination, actor=None)
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.SIGNED)
    notice_of_assignment(case, status=LetterStatus.RENDERING)
    # As in a browser without Element.moveBefore (from a review: htmx then takes the kept box
    # out of the page and back, and the focus was dropped on each redraw).
    page.add_init_script("delete Element.prototype.moveBefore")
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    letters = page.locator("#letters")
    letters.get_by_text("Issue an amended letter…").click()
    reason = letters.get_by_label("What the amended version corrects")
    reason.fill("The date of injury was mistyped")
    for _ in range(2):
        with page.expect_response(lambda response: "/letters/" in response.url):
            pass  # a redraw of the panel
    expect(reason).to_be_visible()
    expect(reason).to_have_value("The date of injury was mistyped")
    expect(reason).to_be_focused()
    page.keyboard.type(" in the header")  # typed on, where the caret was
    expect(reason).to_have_value("The date of injury was mistyped in the header")

    letters.get_by_role("button", name="Issue amended version 2").click()
    expect(letters.locator(".field-error, .form-error").first).to_be_visible()
    # The refusal has the focus (from QA: the whole panel had it).
    expect(letters.locator(".form-error")).to_be_focused()
    expect(letters.locator(".form-error")).to_contain_text("Not issued: correct what is marked")
    expect(letters.get_by_label("What the amended version corrects")).to_have_value(
        "The date of injury was mistyped in the header"
    )
    page.screenshot(path=str(artifacts / "letters-amendment-kept.png"))
