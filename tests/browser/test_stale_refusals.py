"""Refusals the user must read where they acted, in a real browser at desktop and phone width:
the batch plan's case nobody can take, with who was excluded and why."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from reviews.assignment.models import Assignment, AssignmentStatus, PlanRun
from reviews.assignment.services import plan_work_out
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, ready_case, reviewer_with_profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


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
