"""Everything that takes Tab focus shows the site's focus ring (from QA: the record viewer and
letter preview frames and the date fields' picker buttons took focus with none)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.records.services import record_add
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    CaseFactory,
    UserFactory,
    case_in_review,
    determination_fill,
    pdf_upload,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RING = "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth]; }"


def test_the_record_viewer_and_letter_preview_frames_show_the_focus_ring(
    page, live_server, reference_data, artifacts
):
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    record_add(case=case, actor=None, uploaded=pdf_upload(), title="PR-2 progress report")
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/5/")
    for frame in (page.locator("iframe.letter-frame"), page.locator("iframe.record-viewer")):
        expect(frame).to_be_attached()
        frame.focus()
        assert frame.evaluate("el => el === document.activeElement")
        assert frame.evaluate(RING) == ["solid", "3px"]
    page.locator("iframe.letter-frame").focus()
    page.screenshot(path=str(artifacts / "focus-ring-letter-frame.png"))


def test_a_date_fields_picker_button_reached_by_tab_shows_the_focus_ring(
    page, live_server, artifacts
):
    case = CaseFactory()
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    field = page.locator("input[type=date]:visible").first
    field.focus()
    # Month, day and year, then the picker button, all inside the one field.
    for _ in range(3):
        page.keyboard.press("Tab")
    assert field.evaluate("el => el === document.activeElement && !el.matches(':focus')")
    assert field.evaluate(RING) == ["solid", "3px"]
    field.screenshot(path=str(artifacts / "focus-ring-date-picker.png"))


def test_on_a_phone_the_empty_record_viewer_waits_small_until_a_record_is_chosen(
    page, live_server, reference_data, artifacts
):
    """From QA: at 390 px the preview step showed 650 px of "Choose a record above"."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    record_add(case=case, actor=None, uploaded=pdf_upload(), title="PR-2 progress report")
    sign_in(page, live_server.url, reviewer)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/5/")
    viewer = page.locator("iframe.record-viewer")
    assert viewer.bounding_box()["height"] < 120
    page.get_by_role("link", name="PR-2 progress report").first.click()
    expect(viewer).not_to_have_class("record-viewer record-viewer--empty")
    assert viewer.bounding_box()["height"] > 350
    page.screenshot(path=str(artifacts / "narrow-record-viewer.png"), full_page=True)


def test_a_step_of_the_step_bar_reached_by_tab_shows_its_whole_focus_ring(
    page, live_server, reference_data, artifacts
):
    """From QA: the step bar's frame clipped the ring to a thin line at the step's left edge."""
    case, reviewer, _ = case_in_review()
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/2/")
    step = page.locator("#stepbar a", has_text="Decisions")
    step.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard: :focus-visible
    expect(step).to_be_focused()
    assert step.evaluate(RING) == ["solid", "3px"]
    # The ring's outer edge lies inside the bar's frame, which hides whatever passes it.
    inside = step.evaluate(
        """el => {
          const s = getComputedStyle(el), reach = parseFloat(s.outlineOffset)
            + parseFloat(s.outlineWidth);
          const ring = el.getBoundingClientRect(), frame = el.closest('ol').getBoundingClientRect();
          return ring.left - reach >= frame.left && ring.right + reach <= frame.right
            && ring.top - reach >= frame.top && ring.bottom + reach <= frame.bottom;
        }"""
    )
    assert inside
    page.locator("#stepbar").screenshot(path=str(artifacts / "focus-ring-stepbar.png"))
