"""A reviewer on a phone (390 px wide) searches the precedent library: the filters and the
results fit the screen (each result a card with its labels), and the matched word is marked."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory
from tests.reviews.precedents.helpers import precedent_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_precedent_search_fits_and_marks_the_match(
    page, live_server, reference_data, artifacts
):
    precedent_add(
        "CM15-0046802",
        {
            "description": "Left lumbar sympathetic block, monitored anesthesia care, "
            "epidurography",
            "rationale": "There is limited evidence to support this procedure, with most "
            "studies reported being case studies; sympathetic blocks need documented relief.",
        },
        specialty="Preventive Medicine, Occupational Medicine",
    )
    reviewer = UserFactory(role=Role.REVIEWER)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, reviewer)

    page.goto(f"{live_server.url}/precedents/")
    expect(page.get_by_role("heading", name="Precedents")).to_be_visible()
    page.get_by_label("Search", exact=True).fill("epidurography")
    page.get_by_role("button", name="Search").click()

    row = page.get_by_role("row").filter(has_text="CM15-0046802")
    expect(row.locator("mark")).to_have_text("epidurography")
    for label in ("Case", "Item", "Outcome", "Guideline", "Rationale"):
        cell = row.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(artifacts / "narrow-precedents.png"), full_page=True)
