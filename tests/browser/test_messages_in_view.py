"""What an action done in place says is seen where it was done (static/js/session.js): the
page's messages sit at its top, out of view of a form far down the case page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, ready_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_party_service_saved_far_down_the_case_page_says_so_in_view(
    page, live_server, reference_data, artifacts
):
    # Given the case page scrolled down to the parties' service of papers
    case = ready_case()
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    details = page.locator("#parties-service details").filter(
        has_text="Change how Acme Foods, Inc. is served"
    )
    details.locator("summary").click()
    form = details.locator("form")
    form.get_by_label("Postal address").fill("9 Dock Rd\nStockton, CA 95202")

    # When the change is saved
    panel_asks = []
    page.on(
        "request",
        lambda request: panel_asks.append(request.url) if "panel=parties" in request.url else None,
    )
    # (scrolled on to the form's button at the window's top, the party's name above it, as
    # after filling a long form in)
    save = form.get_by_role("button", name="Save")
    save.evaluate("button => button.scrollIntoView({block: 'start'})")
    save.click()

    # Then the confirmation shows in the window, not only at the top of the page; it was
    # out of view (from QA)
    message = page.locator("#messages .message").filter(has_text="Service details saved.")
    expect(message).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    page.screenshot(path=str(artifacts / "case-service-saved.png"))
    # The other panels are told the case changed and refresh (the history has the change); the
    # parties' panel, drawn by the answer itself, does not ask for itself again, which swapped
    # it a second time and dropped the focus given back to the party saved (a CI run on
    # PostgreSQL). The focus is on that party, so the next Tab goes on from there (from QA:
    # it fell to the page itself).
    expect(page.locator("#history")).to_contain_text("Party's service details changed")
    expect(details.locator("summary")).to_be_focused()
    assert panel_asks == []
    # The party saved is in the window, its role and name above it too: the panel drawn again
    # is shorter (the form closed, the callout it answered gone), and the name was left above
    # the window's top (from QA).
    party = details.locator("xpath=..")
    expect(party).to_contain_text("Acme Foods, Inc.")
    expect(party).to_be_in_viewport(ratio=1)
    expect(party.locator("xpath=preceding-sibling::dt[1]")).to_be_in_viewport(ratio=1)
    # Dismissed, it goes, and nothing floats empty
    message.get_by_role("button", name="Dismiss this message").click()
    expect(page.locator("#messages")).not_to_have_class(re.compile("messages--float"))


def test_a_refused_party_service_change_on_a_phone_focuses_its_summary_in_view(
    page, live_server, reference_data, artifacts
):
    """From QA: on a phone a refused change (an e-mail address that is not one) gave the focus
    to the whole 1,600 px panel, its bottom in view and the field's error above the window."""
    case = ready_case()
    sign_in(page, live_server.url, UserFactory(role="case_admin"))
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    details = page.locator("#parties-service details").filter(
        has_text="Change how Acme Foods, Inc. is served"
    )
    details.locator("summary").click()
    form = details.locator("form")
    form.get_by_label("E-mail").fill("not-an-email")
    form.get_by_role("button", name="Save").click()

    summary = page.locator("#parties-service .form-error")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("E-mail")
    page.screenshot(path=str(artifacts / "case-service-refused-390.png"))
