"""The case list as a work queue in a real browser: what the user asked for last is what the
list shows."""

import contextlib
import datetime as dt
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from accounts.models import Role
from cases.casefile.models import SavedView
from cases.lifecycle.models import CaseStatus, Priority
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    CaseFactory,
    DisputedItemFactory,
    UserFactory,
    case_in_review,
    ready_case,
    reviewer_with_profile,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_sort_clicked_while_a_search_is_under_way_is_the_order_shown(
    page, live_server, reference_data, artifacts
):
    """Typed in the search, then a column header clicked at once: leaving the search box also
    asks for the list (its change). However the answers come back, the list shows the search
    sorted by the column clicked, and the URL says so."""
    first = ready_case(due_on=dt.date(2026, 12, 20), worker_last_name="Delgado")
    second = ready_case(due_on=dt.date(2026, 12, 10), worker_last_name="Delgado")
    other = ready_case(due_on=dt.date(2026, 12, 1), worker_last_name="Park")
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    rows = page.locator("table.case-table tbody tr")
    expect(rows.first).to_contain_text(other.case_number)  # what is due first

    held = []  # the list's answers, let go by the test in the worst order
    page.route(re.compile(r"/cases/\?"), lambda route: held.append(route))
    page.get_by_label("Search").fill("Delgado")
    page.wait_for_timeout(400)  # the search's own request, after its 300 ms pause
    page.locator("thead").get_by_role("link", name="Case").click()
    page.wait_for_timeout(300)
    sorted_asks = [route for route in held if "sort=case" in route.request.url]
    assert sorted_asks, [route.request.url for route in held]
    assert "q=Delgado" in sorted_asks[-1].request.url  # the search typed goes with the sort
    # The sort's answer first, then the earlier ones (a slow search answering last).
    for route in [sorted_asks[-1], *(route for route in held if route is not sorted_asks[-1])]:
        # A request the page has given up (replaced by a later one) cannot be let go.
        with contextlib.suppress(PlaywrightError):
            route.continue_()
    page.wait_for_load_state("networkidle")
    expect(page).to_have_url(re.compile(r"q=Delgado.*sort=case|sort=case.*q=Delgado"))
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(first.case_number)  # by case number, not by due date
    expect(rows.nth(1)).to_contain_text(second.case_number)
    expect(page.locator("thead th[aria-sort=ascending]")).to_contain_text("Case")
    page.screenshot(path=str(artifacts / "case-list-sorted-after-search.png"), full_page=True)


def test_a_refused_correction_keeps_what_was_typed_and_says_why_beside_it(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: a correction refused by intake's rules redrew the page from the stored
    facts, so the valid changes typed with the wrong one were gone."""
    case = ready_case(adj_number="ADJ1111111")
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.set_viewport_size({"width": 390, "height": 844})  # the form taller than the screen
    page.goto(f"{live_server.url}/cases/{case.case_number}/facts/")
    dates = page.locator("form").filter(has=page.locator("input[name=date_of_injury]"))
    dates.get_by_label("EAMS case number (ADJ)").fill("ADJ2222222")
    dates.get_by_label("Date of injury").fill("2026-12-01")  # after the UR decision
    dates.get_by_role("button", name="Save the dates").click()
    refusal = dates.get_by_role("alert")
    expect(refusal).to_contain_text("Nothing was changed")
    expect(refusal).to_contain_text("Date of injury: the injury (12/01/2026) cannot be after")
    expect(dates.get_by_label("EAMS case number (ADJ)")).to_have_value("ADJ2222222")
    expect(dates.get_by_label("Date of injury")).to_have_value("2026-12-01")
    # Focused, so in view: from QA, it sat far above the button pressed at the form's top.
    expect(refusal).to_be_focused()
    expect(refusal).to_be_in_viewport()
    page.screenshot(path=str(artifacts / "facts-refused-in-place.png"), full_page=True)
    case.refresh_from_db()
    assert case.adj_number == "ADJ1111111"


def _widest_case_list_rows(reviewer) -> None:
    """Cases whose cells are as long as a real list's get: a hyphenated worker, a long claim
    number, the longest status, a year overdue, expedited, and an issued case's outcome."""
    today = dt.date.today()
    CaseFactory(
        status=CaseStatus.INFORMATION_REQUESTED,
        priority=Priority.EXPEDITED,
        date_assigned=today - dt.timedelta(days=400),
        due_on=today - dt.timedelta(days=365),
        worker_last_name="Featherstonehaugh-Villanueva",
        worker_first_name="Maximiliano",
        claim_number="PCS-2026-000123456",
    )
    issued = CaseFactory(status=CaseStatus.ISSUED, worker_last_name="Okonkwo-Bradshaw")
    upheld, overturned = DisputedItemFactory(case=issued), DisputedItemFactory(case=issued)
    determination = Determination.objects.create(
        case=issued, reviewer=reviewer, status=DeterminationStatus.ISSUED
    )
    ItemDecision.objects.create(determination=determination, item=upheld, outcome="upheld")
    ItemDecision.objects.create(determination=determination, item=overturned, outcome="overturned")


def test_every_column_of_the_case_list_fits_a_laptop_and_a_tablet(
    page, live_server, reference_data, artifacts
):
    """From QA: at 1280 px the table was 1312 px inside a 1230 px frame, the Outcome column
    cut off at "OU". At 1280 px every column shows; at 1024 px the received date and claim
    number give way; at 390 px the rows are still cards."""
    _widest_case_list_rows(UserFactory(role=Role.REVIEWER))
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))

    for width in (1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/cases/?status=all")
        expect(page.get_by_role("cell", name="Partially Overturned")).to_be_visible()
        frame = page.locator(".table-wrap").bounding_box()
        outcome = page.get_by_role("columnheader", name="Outcome").bounding_box()
        assert outcome["x"] + outcome["width"] <= frame["x"] + frame["width"], width
        assert page.evaluate(
            "(() => { const wrap = document.querySelector('.table-wrap');"
            " return wrap.scrollWidth <= wrap.clientWidth; })()"
        ), width
        page.screenshot(path=str(artifacts / f"case-list-{width}.png"))
    expect(page.get_by_role("columnheader", name="Received")).to_be_hidden()
    expect(page.get_by_role("columnheader", name="Claim number")).to_be_hidden()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/cases/?status=all")
    row = page.get_by_role("row", name=re.compile("Featherstonehaugh"))
    expect(row.locator('td[data-label="Claim number"]')).to_be_visible()
    expect(row.locator('td[data-label="Received"]')).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "case-list-390.png"), full_page=True)


def test_a_view_saved_before_the_search_answers_keeps_the_search(
    page, live_server, reference_data, artifacts
):
    """From QA: "Save this view" pressed within the search's 300 ms wait saved the list as it
    was before the search was typed, and the page came back with the search box emptied. The
    search's answer is held here, so the save goes before it, whatever the timing."""
    wanted = ready_case(worker_last_name="Delgado")
    other = ready_case(worker_last_name="Park")
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    held = []

    def hold_the_search(route):
        if route.request.headers.get("hx-request"):
            held.append(route)  # never answered: the page keeps the filters of its last answer
        else:
            route.continue_()

    page.route(re.compile(r"/cases/\?"), hold_the_search)
    page.get_by_label("Name of this view").fill("Delgado view")
    page.get_by_label("Search").fill("Delgado")
    page.get_by_role("button", name="Save this view").click()

    expect(page.get_by_text("View “Delgado view” saved")).to_be_visible()
    expect(page.get_by_role("link", name="Delgado view")).to_have_attribute(
        "href", re.compile(r"\?q=Delgado$")
    )
    expect(page.get_by_label("Search")).to_have_value("Delgado")
    rows = page.locator("table.case-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(wanted.case_number)
    assert other.case_number not in page.locator("table.case-table").inner_text()
    page.screenshot(path=str(artifacts / "case-list-view-saved-before-the-answer.png"))


def test_the_focus_stays_on_the_column_sorted_and_moves_to_the_new_page(
    page, live_server, reference_data
):
    """From QA: Enter on a column's header, or on "Next →", drew the list afresh and left the
    focus on the page itself; the next Tab went to the footer or back to the top."""
    for _ in range(51):
        CaseFactory(status=CaseStatus.RECEIVED)
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    received = page.locator("thead").get_by_role("link", name="Received")
    received.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("sort=received"))
    expect(page.locator("thead th[aria-sort]")).to_contain_text("Received")
    expect(page.locator("thead").get_by_role("link", name=re.compile("^Received"))).to_be_focused()
    page.keyboard.press("Enter")  # and again, the other way
    expect(page).to_have_url(re.compile("sort=-received"))
    expect(page.locator("thead").get_by_role("link", name=re.compile("^Received"))).to_be_focused()

    page.get_by_role("link", name="Next →").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("page=2"))
    count = page.locator(".results__count")
    expect(count).to_contain_text("51 cases, showing 51–51")
    expect(count).to_be_focused()


def test_reminders_are_sent_by_a_task_and_their_page_reports_each_case(
    page, live_server, reference_data, artifacts
):
    """The case list's "Remind reviewers" asks a task to send the e-mails (tasks run in-process
    here; tests/cases/reminders/test_reminder_run_worker.py runs a real worker): its page
    reports each case, and leads back to the list as it was."""
    in_review, reviewer, _ = case_in_review(reviewer_with_profile("REV-BROWSER"))
    waiting = CaseFactory(status=CaseStatus.RECEIVED)
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/?sort=case")
    page.get_by_label(f"Select {in_review.case_number}").check()
    page.get_by_label(f"Select {waiting.case_number}").check()
    page.get_by_role("button", name="Remind reviewers").click()

    expect(page.get_by_role("heading", name="Reminders to reviewers")).to_be_visible()
    report = page.locator("#reminder-report")
    expect(report).to_contain_text(f"Reminders sent for 1 case ({in_review.case_number})")
    expect(report).to_contain_text(f"1 case ({waiting.case_number}) has no reviewer to remind")
    expect(report).to_be_focused()  # told where they are (from QA: nothing was focused)
    page.screenshot(path=str(artifacts / "reminders-report.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(artifacts / "reminders-report-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})

    page.get_by_role("link", name="Back to the case list").click()
    expect(page).to_have_url(re.compile(r"/cases/\?sort=case$"))


def test_the_case_breadcrumb_leads_back_to_the_list_where_it_was_left(
    page, live_server, reference_data
):
    """From QA: an administrator working down page 2 of the received cases, sorted by date
    received, opened a case and came back by its "Cases" link to the first page of every open
    case."""
    for _ in range(51):
        CaseFactory(status=CaseStatus.RECEIVED)
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Status").select_option(label="Received")
    expect(page).to_have_url(re.compile("status=received"))
    page.locator("thead").get_by_role("link", name="Received").click()
    expect(page).to_have_url(re.compile("sort=received"))
    page.get_by_role("link", name="Next →").click()
    expect(page).to_have_url(re.compile("page=2"))
    place = page.url.partition("?")[2]

    page.locator("table.case-table tbody tr a").first.click()
    expect(page.locator(".breadcrumb")).to_contain_text("Cases")
    # The header (and its breadcrumb) is drawn again after any change to the case (from a
    # review: the link drawn again led to the list's first page).
    page.wait_for_load_state("networkidle")  # htmx has taken up the header's trigger
    with page.expect_response(lambda response: "panel=header" in response.url):
        page.evaluate("htmx.trigger(document.body, 'case-changed')")
    page.wait_for_load_state("networkidle")
    page.locator(".breadcrumb").get_by_role("link", name="Cases").click()

    expect(page).to_have_url(f"{live_server.url}/cases/?{place}")
    expect(page.locator(".results__count")).to_contain_text(
        "51 cases matching the filters, showing 51–51"
    )
    # The list opened afresh from the header sets the place again.
    page.locator(".site-header").get_by_role("link", name="Cases").first.click()
    page.locator("table.case-table tbody tr a").first.click()
    page.locator(".breadcrumb").get_by_role("link", name="Cases").click()
    expect(page).to_have_url(f"{live_server.url}/cases/")


def test_select_all_on_this_page_comes_back_to_the_selection_s_actions(
    page, live_server, reference_data
):
    """From QA: "Select all on this page" drew the list again with the focus at the page's
    top, and a keyboard user tabbed through every filter again to reach "Remind reviewers"."""
    for _ in range(3):
        CaseFactory(status=CaseStatus.RECEIVED)
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/cases/")
    page.get_by_role("link", name="Select all on this page").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"select=all#bulk-actions$"))
    expect(page.locator("#bulk-actions")).to_be_focused()
    expect(page.locator("table.case-table tbody input[type=checkbox]:checked")).to_have_count(3)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Export as CSV")).to_be_focused()


def test_a_view_is_renamed_and_shared_and_a_colleague_opens_it(
    page, browser, live_server, reference_data, artifacts
):
    """From the last notes: saved views could not be renamed or shared. The owner renames and
    shares one from "Rename or share"; a colleague of the same role finds it under "Shared
    with you", with the owner's name, and it opens the owner's filters. At 390 px too."""
    overdue = ready_case(due_on=dt.date(2026, 1, 5))
    later = ready_case(due_on=dt.date(2099, 1, 5))
    owner = UserFactory(role=Role.CASE_ADMIN, first_name="Ana", last_name="Reyes")
    sign_in(page, live_server.url, owner)
    page.goto(f"{live_server.url}/cases/?due=overdue")
    page.get_by_label("Name of this view").fill("Late")
    page.get_by_role("button", name="Save this view").click()
    expect(page.get_by_text("View “Late” saved")).to_be_visible()
    # Told where the page came back (from QA: the focus fell to the page's top).
    expect(page.locator(".message").filter(has_text="View “Late” saved")).to_be_focused()

    SavedView.objects.create(owner=owner, name="Queue")
    page.get_by_role("link", name="Rename or share").click()
    expect(page.get_by_role("heading", name="Your saved views")).to_be_visible()
    # Found by its button: its box keeps what is typed, and the hint of the others may say
    # "later".
    late = page.locator(".saved-view-edit").filter(
        has=page.get_by_role("button", name="Save “Late”")
    )
    late.get_by_label("Name", exact=True).fill("queue")
    late.get_by_role("button", name="Save “Late”").click()
    summary = page.locator(".form-error")
    expect(summary).to_contain_text("You have a view named “Queue” already")
    expect(summary).to_be_focused()
    late.get_by_label("Name", exact=True).fill("Overdue, team")
    late.get_by_label("Shared with the other case administrators").check()
    late.get_by_role("button", name="Save “Late”").click()
    expect(page.get_by_text("View “Late” renamed “Overdue, team” and shared.")).to_be_visible()
    page.screenshot(path=str(artifacts / "saved-views-page.png"), full_page=True)
    SavedView.objects.create(
        owner=UserFactory(role=Role.CASE_ADMIN), name="Theirs", shared_role=Role.CASE_ADMIN
    )
    page.goto(f"{live_server.url}/cases/")
    page.locator(".saved-views").screenshot(path=str(artifacts / "saved-views-both.png"))

    colleague_context = browser.new_context(viewport={"width": 390, "height": 844})
    colleague = colleague_context.new_page()
    sign_in(colleague, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    colleague.goto(f"{live_server.url}/cases/")
    shared = colleague.locator(".saved-views")
    expect(shared).to_contain_text("Shared with you")
    expect(shared).not_to_contain_text("Your saved views")  # they have none
    expect(shared).to_contain_text("Overdue, team (Ana Reyes)")
    assert colleague.evaluate("document.documentElement.scrollWidth") <= 390
    shared.screenshot(path=str(artifacts / "saved-views-shared-390.png"))
    shared.get_by_role("link", name=re.compile("Overdue, team")).click()
    expect(colleague).to_have_url(re.compile(r"\?due=overdue$"))
    table = colleague.locator("table.case-table")
    expect(table).to_contain_text(overdue.case_number)
    assert later.case_number not in table.inner_text()
    # Not theirs to rename: their own page lists none of it.
    colleague.goto(f"{live_server.url}/cases/views/")
    expect(colleague.get_by_text("You have no saved views.")).to_be_visible()
    colleague_context.close()
