"""A form that is not htmx's, sent after the session ended: the page says so and keeps what was
typed (static/js/session.js asks accounts.views.session_alive first). From QA: the letter
settings and the Assign page's unassign went to the sign-in form and what was typed was lost.
The sign-in that comes back to the form's page is tested in tests/accounts."""

import pytest
from playwright.sync_api import expect

from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.assignment.services import reviewer_assign
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, ready_case, reviewer_with_profile

# A page that hangs ends the test with its stack rather than holding the run.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(180),
]


def _assign_page(page, base):
    """An administrator signed in, on the Assign page of a case with a reviewer on it."""
    admin = UserFactory(role="case_admin")
    case = ready_case()
    reviewer_assign(case=case, reviewer=reviewer_with_profile("REV-HELD"), actor=admin)
    sign_in(page, base, admin)
    page.goto(f"{base}/cases/{case.case_number}/assign/")
    return case


def test_an_unassign_sent_after_the_session_ended_keeps_the_reason_and_changes_nothing(
    page, live_server, reference_data, artifacts
):
    base = live_server.url
    case = _assign_page(page, base)
    reason = page.get_by_label("Reason (e-mailed to the reviewer")
    reason.fill("Typed while the session ended, and kept.")

    # The session ends (another tab signed out, or the inactivity timeout)
    page.context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Unassign or reassign").click()

    # The page stays, says so, and keeps the reason; nothing was sent
    notice = page.locator("#session-ended")
    expect(notice).to_be_visible()
    expect(notice).to_be_focused()
    link = notice.locator("p > a")
    expect(link).to_have_text("Sign in again")
    expect(link).to_have_attribute(
        "href", f"/login/?next=%2Fcases%2F{case.case_number}%2Fassign%2F"
    )
    # One paragraph, the link on one line (from QA: laid out as three columns)
    assert link.bounding_box()["height"] < 40
    assert page.url == f"{base}/cases/{case.case_number}/assign/"
    expect(reason).to_have_value("Typed while the session ended, and kept.")
    page.screenshot(path=str(artifacts / "plain-form-session-ended.png"), full_page=True)
    assert Assignment.objects.get(case=case).status == AssignmentStatus.ASSIGNED


def test_a_plain_form_clicked_twice_while_the_session_is_asked_about_is_sent_once(
    page, live_server, reference_data
):
    # From a review: each click started its own session check and each answer sent the form,
    # so a double click could post twice (the second refused: no reviewer left to unassign).
    base = live_server.url
    case = _assign_page(page, base)
    page.get_by_label("Reason (e-mailed to the reviewer").fill("Sent with two clicks.")
    posts = []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )
    # The session check is held until both clicks are in: each click would ask (and send).
    asked = []
    page.route("**/account/session/", lambda route: asked.append(route))
    with page.expect_request("**/account/session/"):
        page.get_by_role("button", name="Unassign or reassign").dblclick()
    page.wait_for_timeout(500)  # time for a second check, had the second click started one
    assert len(asked) == 1
    for check in asked:
        check.continue_()
    expect(page.get_by_text("the reviewer was unassigned and notified")).to_be_visible()
    expect(page.get_by_text("has no reviewer to unassign")).to_have_count(0)
    assert posts == [f"{base}/cases/{case.case_number}/unassign/"]
    assert Assignment.objects.get(case=case).status == AssignmentStatus.WITHDRAWN


def test_a_second_click_while_the_form_is_on_its_way_sends_nothing_more(
    page, live_server, reference_data
):
    """From QA: a double click on Approve sent two posts, the second refused in red under the
    first's success: once the session check has answered and the form has gone, a second click
    before the answer arrives waited for no check and sent it again."""
    base = live_server.url
    case = _assign_page(page, base)
    page.get_by_label("Reason (e-mailed to the reviewer").fill("Sent while the server is slow.")
    posts, held = [], []
    page.on(
        "request",
        lambda request: posts.append(request.url) if request.method == "POST" else None,
    )
    # The post is held (a slow server) until the second click is in.
    page.route(f"**/cases/{case.case_number}/unassign/", lambda route: held.append(route))
    button = page.get_by_role("button", name="Unassign or reassign")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    at = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # The mouse, not the locator: a locator waits for the pending navigation to finish.
    page.mouse.click(*at)
    for _ in range(50):  # the first post is on its way (held)
        if held:
            break
        page.wait_for_timeout(100)
    page.mouse.click(*at)
    page.wait_for_timeout(500)  # time for a second post, had the click sent one
    assert len(held) == 1
    held[0].continue_()
    expect(page.get_by_text("the reviewer was unassigned and notified")).to_be_visible()
    assert posts == [f"{base}/cases/{case.case_number}/unassign/"]
