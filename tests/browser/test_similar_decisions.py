"""The similar decisions beside an item, in a real browser on a phone (390 px): the panels
come with step 3's page, the rationale opens in place,
and "Use this citation" fills the item's guideline and saves it, only when the reviewer
clicks."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_reviewer_flow import sign_in
from tests.factories import case_in_review
from tests.reviews.precedents.helpers import precedent_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
ODG = "ODG Low Back - Lumbar & Thoracic (Acute & Chronic) Sympathetic blocks 2019"


def test_the_reviewer_copies_a_precedents_citation_into_the_item(
    page, live_server, reference_data, artifacts
):
    case, reviewer, determination = case_in_review()
    precedent_add(
        "CM15-0004001",
        {
            "description": "Lumbar sympathetic block, right",
            "outcome": "overturned",
            "citation": ODG,
            "guideline_source": "odg",
            "rationale": "Two prior blocks each gave 60% relief for six weeks.",
        },
    )
    precedent_add("CM15-0004002", {"description": "Lumbar sympathetic block x2"})
    decision = determination.decisions.get()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, reviewer)

    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/3/")
    panel = page.locator(f"#similar-{decision.pk}")
    panel.scroll_into_view_if_needed()
    expect(panel).to_contain_text("1 of 2 similar items upheld")
    expect(panel).to_contain_text("CM15-0004001")
    # Nothing is copied by loading the panel.
    expect(page.locator(f"#ctext-{decision.pk}")).to_have_value("")

    panel.locator("summary", has_text="Read the rationale of CM15-0004001").click()
    expect(panel.get_by_text("Two prior blocks each gave 60% relief")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Every step's name shows whole in the step bar (two a row on a phone).
    cut = page.evaluate(
        "[...document.querySelectorAll('.stepbar__step')].filter(step => "
        "step.querySelector('.stepbar__label').getBoundingClientRect().right > "
        "step.getBoundingClientRect().right + 1).length"
    )
    assert cut == 0
    page.screenshot(path=str(artifacts / "similar-decisions-phone.png"), full_page=True)

    panel.get_by_role("button", name=re.compile("Use this citation from CM15-0004001")).click()
    expect(page.locator(f"#ctext-{decision.pk}")).to_have_value(ODG)
    expect(page.locator(f"#kind-{decision.pk}")).to_have_value("non_mtus")
    expect(page.locator(f"#ctext-{decision.pk}")).to_be_focused()
    expect(panel).to_contain_text("Copied the citation of CM15-0004001")
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)

    decision.refresh_from_db()
    assert (decision.citation_kind, decision.citation_text, decision.guideline) == (
        "non_mtus",
        ODG,
        None,
    )
