"""Refusals the user must read where they acted, in a real browser at desktop and phone width:
a consolidation sent from a page drawn before its duplicate closed, and the batch plan's case
nobody can take, with who was excluded and why."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.eligibility.services import case_consolidate
from reviews.assignment.models import Assignment, AssignmentStatus, PlanRun
from reviews.assignment.services import plan_work_out
from tests.browser.test_reviewer_flow import sign_in
from tests.cases.eligibility.test_consolidation import application
from tests.factories import UserFactory, ready_case, reviewer_with_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_a_consolidation_refused_from_a_stale_page_is_read_at_the_top_of_the_panel(
    page, live_server, reference_data, artifacts, viewport
):
    kept = application()
    duplicate = application()
    elsewhere = application()
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{kept.case_number}/")
    button = page.get_by_role(
        "button", name=f"Consolidate {duplicate.case_number} into {kept.case_number}"
    )
    page.get_by_label("Close the duplicate and decide its items here").check()
    # Meanwhile, in another tab, the duplicate is consolidated into another application.
    case_consolidate(kept=elsewhere, duplicate=duplicate, actor=admin)

    button.click()

    refused = page.locator("#workflow-refused")
    expect(refused).to_contain_text(
        f"Not done, {duplicate.case_number} has changed since that page was opened:"
    )
    expect(refused).to_contain_text(f"it was consolidated into {elsewhere.case_number}.")
    expect(refused).to_be_focused()
    expect(refused).to_be_in_viewport()
    expect(button).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    name = "desktop" if viewport["width"] > 400 else "phone"
    page.screenshot(path=str(artifacts / f"stale-consolidation-{name}.png"), full_page=True)
    refused.get_by_role("link", name=f"Open {duplicate.case_number}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(duplicate.case_number)


@pytest.mark.parametrize("viewport", WIDTHS.values(), ids=WIDTHS.keys())
def test_the_batch_plan_says_who_declined_a_case_nobody_can_take(
    page, live_server, reference_data, artifacts, viewport
):
    case = ready_case()
    declined = reviewer_with_profile("REV-D", first_name="Dana", last_name="Reyes")
    Assignment.objects.create(
        case=case,
        reviewer=declined,
        status=AssignmentStatus.DECLINED,
        decline_reason="Travelling that week",
    )
    run = PlanRun.objects.create()
    plan_work_out(run_id=run.pk)
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size(viewport)
    sign_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/assignments/batch/")

    row = page.get_by_role("row", name=case.case_number)
    expect(row).to_contain_text(
        "Dana Reyes: Already reviewed or was offered this case "
        "(declined it: “Travelling that week”)."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    name = "desktop" if viewport["width"] > 400 else "phone"
    page.screenshot(path=str(artifacts / f"batch-nobody-can-take-{name}.png"), full_page=True)
