"""The second round of quality review in a real browser: the medical director reads what the
reviewer changed since the return, at a desk and on a phone."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from reviews.determination.drafting import draft_item_key
from reviews.determination.models import Determination
from reviews.determination.services import determination_autosave, determination_submit
from reviews.quality.services import determination_return
from tests.browser.test_accessibility import violations
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import PASSWORD, UserFactory, case_in_review, determination_fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is added to the page as a script of the test's own.
    return {**browser_context_args, "bypass_csp": True}


def resubmitted(director):
    """Two items, returned once, and the second item's outcome and rationale revised."""
    case, reviewer, determination = case_in_review(items=2)
    determination_fill(determination, outcomes=("upheld", "upheld"))
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    determination = Determination.objects.get(pk=determination.pk)
    determination_return(
        determination=determination, actor=director, comment="Item 2: the records show relief."
    )
    second = determination.decisions.order_by("item__position")[1]
    determination.refresh_from_db()
    determination_autosave(
        determination=determination,
        actor=reviewer,
        version=determination.version,
        changes={
            draft_item_key(second.pk, "outcome"): "overturned",
            draft_item_key(second.pk, "rationale"): (
                "The records document lasting relief from a prior block, so the request is "
                "medically necessary."
            ),
        },
    )
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    return case, second


@pytest.mark.parametrize("width", [1280, 390])
def test_the_director_finds_and_reads_what_changed_since_the_return(
    page, live_server, reference_data, artifacts, width
):
    director = UserFactory(role=Role.QUALITY_REVIEWER)
    case, second = resubmitted(director)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, director)
    page.goto(f"{live_server.url}/quality/{case.case_number}/")

    panel = page.locator(".qr-changes")
    expect(panel).to_contain_text("Changed since round 1’s return")
    expect(panel).to_contain_text("outcome, rationale")
    expect(panel).to_contain_text("Unchanged: the summary; item 1.")
    panel.get_by_role("link", name="Item 2").click()
    item = page.locator(f"#item-{second.pk}")
    expect(item).to_be_in_viewport()

    changes = item.locator("details.qr-diff")
    expect(changes.locator("del").first).to_be_hidden()
    changes.locator("summary").click()
    expect(changes).to_contain_text("Outcome: was Upheld, now Overturned.")
    expect(changes.locator("del").last).to_have_text("removed: not ")
    expect(changes.locator("ins").first).to_contain_text("added: records document")
    page.screenshot(path=str(artifacts / f"quality-changes-{width}.png"), full_page=True)

    # Nothing is wider than the phone's screen, and the marks are readable by all.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert violations(page) == []
