"""The public letter names no one (issue 13), in a real browser: on the review step, a name
found in the summary is shown where it is, and one click puts neutral words in its place."""

import re

import pytest
from playwright.sync_api import expect

from reviews.determination.models import Determination
from tests.browser.test_reviewer_flow import shot, sign_in
from tests.factories import case_in_review, determination_fill

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def review_step_with(page, url: str, summary_more: str):
    """Luis Delgado's case, decided, its summary ending with `summary_more`, open on the review
    step for its reviewer."""
    case, reviewer, determination = case_in_review(
        worker_first_name="Luis", worker_last_name="Delgado"
    )
    determination_fill(determination)
    determination.clinical_summary += summary_more
    determination.save()
    sign_in(page, url, reviewer)
    page.goto(f"{url}/reviews/cases/{case.case_number}/step/4/")
    return determination


def test_a_click_replaces_the_workers_name_on_the_review_step(
    page, live_server, reference_data, artifacts
):
    determination = review_step_with(page, live_server.url, " Mr. Delgado walks with a cane.")

    warnings = page.locator("#review-warnings")
    expect(warnings.locator("mark", has_text="Mr. Delgado")).to_be_visible()
    shot(page, artifacts, "identifier-before")
    # By keyboard: the button goes with its warning, and the focus goes to what became of it
    # (from QA: it fell to the page's start).
    warnings.get_by_role("button", name="Replace with “the injured worker”").press("Enter")

    expect(warnings.get_by_text(re.compile("the worker.s name"))).to_have_count(0)
    expect(warnings.get_by_text("Replaced. The draft is saved.")).to_be_focused()
    expect(warnings.get_by_text("No warnings")).to_be_visible()
    shot(page, artifacts, "identifier-after")
    summary = Determination.objects.get(pk=determination.pk).clinical_summary
    assert summary.endswith(" The injured worker walks with a cane.")


def test_two_warnings_ticked_in_quick_succession_are_both_confirmed(
    page, live_server, reference_data
):
    """From QA: ticking both confirmations one right after the other saved only the first;
    after a reload the second was unticked and signing waited for it."""
    determination = review_step_with(
        page, live_server.url, " Mr. Delgado walks with a cane. Dr. Park agreed."
    )
    page.wait_for_load_state("networkidle")
    boxes = page.locator("#review-warnings input[type=checkbox]")
    expect(boxes).to_have_count(2)
    # The second is ticked while the first one's answer is on its way.
    page.evaluate(
        """() => document.querySelectorAll('#review-warnings input[type=checkbox]')
            .forEach((box) => box.click())"""
    )
    expect(page.locator("#review-warnings").get_by_text("Confirmed as right")).to_have_count(
        2, timeout=10_000
    )
    page.wait_for_load_state("networkidle")
    assert len(Determination.objects.get(pk=determination.pk).warnings_confirmed) == 2
    page.reload()
    expect(page.locator("#review-warnings input[type=checkbox]:checked")).to_have_count(2)
    # By keyboard, the box keeps the focus as its line is drawn again.
    first = page.locator("#warning-1")
    first.focus()
    first.press("Space")
    expect(page.locator("#warning-item-1")).not_to_have_class(re.compile("is-confirmed"))
    expect(page.locator("#warning-1")).to_be_focused()
    expect(page.locator("#before-sign")).to_contain_text("1 warning to confirm as right")
    page.wait_for_load_state("networkidle")
    assert len(Determination.objects.get(pk=determination.pk).warnings_confirmed) == 1
