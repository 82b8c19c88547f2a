"""The header's menus close with Escape, the focus back on their summary, and with a click
elsewhere (from QA: "More", "Account" and the phone's "Menu" stayed open, "More" over the case
list's filters, until the keyboard tabbed out of them)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_escape_and_a_click_elsewhere_close_the_header_menus(page, live_server, reference_data):
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    more = page.locator(".site-nav--wide details.nav-more")
    summary = more.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("open", "")
    page.keyboard.press("Tab")  # into the menu's first link
    page.keyboard.press("Escape")
    expect(more).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    summary.click()
    expect(more).to_have_attribute("open", "")
    page.locator("h1").click()
    expect(more).not_to_have_attribute("open", "")

    page.set_viewport_size({"width": 390, "height": 800})
    menu = page.locator("details.site-menu")
    menu.locator("summary").click()
    expect(menu).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(menu.locator("summary")).to_be_focused()
