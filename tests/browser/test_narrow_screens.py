"""A case administrator on a phone (390 px wide): the header fits without sideways scrolling, the
menu opens as a list, and a case row shows its status and due date rather than cutting them off."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    CaseFactory,
    UserFactory,
    case_in_review,
    determination_fill,
    ready_case,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def scroll_width(page) -> int:
    """The page's width including what only scrolling sideways would show."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_on_a_phone_the_header_fits_and_a_case_row_shows_status_and_due_date(
    page, live_server, reference_data, artifacts
):
    case = ready_case(worker_last_name="Delgado-Montenegro", worker_first_name="Maria")
    # The longest menu: a system administrator sees every page, with a long name.
    admin = UserFactory(
        role=Role.SYSTEM_ADMIN, first_name="Alexandra", last_name="Whitfield-Montgomery"
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    row = page.get_by_role("row", name=re.compile(case.case_number))
    expect(row.locator('td[data-label="Status"]')).to_be_visible()
    expect(row.locator('td[data-label="Status"]')).to_contain_text("Records complete")
    expect(row.locator('td[data-label="Due"]')).to_be_visible()
    expect(row.locator('td[data-label="Due"]')).to_contain_text(
        case.clock.due_on.strftime("%m/%d/%Y")
    )
    expect(row.locator('td[data-label="Clock"]')).to_be_visible()
    # Within the screen's width, not beyond it in a table that scrolls sideways.
    for label in ("Status", "Due", "Clock"):
        box = row.locator(f'td[data-label="{label}"]').bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], label
    page.screenshot(path=str(artifacts / "narrow-1-case-list.png"), full_page=True)

    # The menu is one disclosure; opened from the keyboard it lists every page, one under another.
    menu = page.get_by_role("navigation", name="Main")
    expect(menu).to_have_count(1)
    toggle = menu.locator("summary", has_text="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    audit = menu.get_by_role("link", name="Audit log")
    expect(audit).to_be_visible()
    cases_box = menu.get_by_role("link", name="Cases").bounding_box()
    audit_box = audit.bounding_box()
    assert audit_box["y"] > cases_box["y"] and audit_box["x"] == cases_box["x"]
    assert scroll_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "narrow-2-menu.png"))

    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    expect(page.get_by_role("heading", name=re.compile(case.case_number))).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "narrow-3-case.png"), full_page=True)


def test_on_a_phone_the_working_pages_fit_the_screen(page, live_server, reference_data, artifacts):
    """The pages an administrator and a reviewer work in all day, at 390 px: nothing wider
    than the screen (a long button's words wrap, a records or decisions table becomes cards, the
    score breakdown stays in its card), and the case page shows the clock, then the next step."""
    from cases.records.models import MedicalRecord

    received = CaseFactory()
    waiting = ready_case()
    for case in (received, waiting):
        MedicalRecord.objects.create(
            case=case,
            title="Orthopedic consultation with a long title",
            document_date=dt.date(2026, 10, 2),
            source="Pacific Orthopedic Medical Group",
            pages=12,
            size=204_800,
            file=f"records/{case.pk}/consult.pdf",
        )
    reviewer_case, reviewer, determination = case_in_review()
    determination_fill(determination)
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)

    pages = {
        "received-case": f"/cases/{received.case_number}/",
        "waiting-case": f"/cases/{waiting.case_number}/",
        "new-case": "/cases/new/",
        "assign": f"/cases/{waiting.case_number}/assign/",
        "dashboard": "/dashboard/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert scroll_width(page) <= PHONE["width"], name
        page.screenshot(path=str(artifacts / f"narrow-{name}.png"), full_page=True)

    page.goto(f"{live_server.url}/cases/{received.case_number}/")
    clock = page.locator("#clock").bounding_box()
    next_step = page.locator("#workflow").bounding_box()
    facts = page.get_by_role("heading", name="Case facts").bounding_box()
    assert clock["y"] < next_step["y"] < facts["y"]
    button = page.get_by_role("button", name="Record eligible and send the notice")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    page.context.clear_cookies()
    sign_in(page, live_server.url, reviewer)
    for step in (4, 5):
        page.goto(f"{live_server.url}/reviews/cases/{reviewer_case.case_number}/step/{step}/")
        page.wait_for_load_state("networkidle")
        assert scroll_width(page) <= PHONE["width"], f"step {step}"
        page.screenshot(path=str(artifacts / f"narrow-step-{step}.png"), full_page=True)
