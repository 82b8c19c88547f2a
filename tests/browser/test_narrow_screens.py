"""A case administrator on a phone (390 px wide): the header fits without sideways scrolling, the
menu opens as a list, and a case row shows its status and due date rather than cutting them off."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Role
from accounts.tokens import api_token_create
from cases.casefile.models import SavedView
from cases.clock.models import CalendarName, CalendarVersion, Holiday, HolidayCalendar
from cases.intake.models import IntakeDraft
from cases.integrity.models import (
    IntegrityCheckRun,
    IntegrityFinding,
    IntegrityProblem,
    IntegritySource,
)
from reviews.assignment.models import PlanRun
from reviews.assignment.services import plan_work_out
from reviews.determination.services import determination_submit
from reviews.letters.models import (
    DeliveryStatus,
    LetterStatus,
    Notice,
    NoticeDelivery,
    ProofOfService,
)
from reviews.letters.services import letter_request
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    PASSWORD,
    CaseFactory,
    UserFactory,
    api_token_for,
    approved_determination,
    case_in_review,
    determination_fill,
    minimal_pdf,
    notice_of_assignment,
    ready_case,
    reviewer_with_profile,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def scroll_width(page) -> int:
    """The page's width including what only scrolling sideways would show."""
    return page.evaluate("document.documentElement.scrollWidth")


def on_screen(locator) -> bool:
    """The element lies within the phone's width, not beyond its right or left edge."""
    box = locator.bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def notice_with_copies_held(case, copies: int) -> Notice:
    """A signed notice of assignment whose `copies` copies all wait for an address."""
    notice = notice_of_assignment(
        case,
        status=LetterStatus.DELIVERED,
        sha256=hashlib.sha256(minimal_pdf()).hexdigest(),
        signed_at=timezone.now(),
    )
    notice.pdf.save("notice.pdf", ContentFile(minimal_pdf()), save=True)
    for number in range(copies):
        NoticeDelivery.objects.create(
            notice=notice,
            recipient_role=f"employer_{number}",
            recipient_name=f"Recipient {number}",
            method="mail",
            status=DeliveryStatus.NO_ADDRESS,
        )
    return notice


def test_on_a_phone_the_header_fits_and_a_case_row_shows_status_and_due_date(
    page, live_server, reference_data, artifacts
):
    case = ready_case(worker_last_name="Delgado-Montenegro", worker_first_name="Maria")
    # The longest menu: a system administrator sees every page, with a long name.
    admin = UserFactory(
        role=Role.SYSTEM_ADMIN, first_name="Alexandra", last_name="Whitfield-Montgomery"
    )
    type(admin).objects.filter(pk=admin.pk).update(notifications_unread=12)
    SavedView.objects.create(owner=admin, name="Expedited", query="priority=expedited")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/cases/")
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    # The bell, with a two-digit count, shares the header's one row with "Menu" and "Sign out".
    bell = page.get_by_role("link", name="Notifications: 12 unread")
    sign_out = page.get_by_role("button", name="Sign out")
    centres = [
        box["y"] + box["height"] / 2 for box in (bell.bounding_box(), sign_out.bounding_box())
    ]
    assert abs(centres[0] - centres[1]) < 2, centres
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
    # The filters share two columns, the view's name its line with its button, the bulk
    # actions two to a line, the selection box in the card's corner: the first case number
    # shows in the first screen, with a saved view above (from QA: some 1,060 px down, and each
    # card began "SELECT").
    number = row.get_by_role("link", name=case.case_number).bounding_box()
    assert number["y"] + number["height"] < PHONE["height"], number
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

    # A claim number as long as intake takes (from QA: 64 characters widened the case page).
    received = CaseFactory(claim_number="C" * 64)
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
    # From QA: the workspace's records list, a scrolled box beside the viewer at a desk, cut off
    # its last record on a phone, with no sign it scrolled; below the form, it shows them all.
    for number in range(4):
        MedicalRecord.objects.create(
            case=reviewer_case,
            title=f"Progress report {number} with a title long enough to wrap on a phone",
            document_date=dt.date(2026, 10, 2),
            pages=3,
            size=1024,
            file=f"records/{reviewer_case.pk}/pr{number}.pdf",
        )
    page.goto(f"{live_server.url}/reviews/cases/{reviewer_case.case_number}/step/2/")
    records = page.locator(".ws-side .record-list")
    assert records.evaluate("list => list.scrollHeight <= list.clientHeight + 1")
    for step in (4, 5, "preview"):
        # The preview too (a QA pass found it 398 px wide: the letter's facts in two columns).
        where = "preview" if step == "preview" else f"step/{step}"
        page.goto(f"{live_server.url}/reviews/cases/{reviewer_case.case_number}/{where}/")
        page.wait_for_load_state("networkidle")
        assert scroll_width(page) <= PHONE["width"], f"step {step}"
        page.screenshot(path=str(artifacts / f"narrow-step-{step}.png"), full_page=True)


def test_on_a_phone_the_notice_badge_batch_plan_and_settings_fit_the_screen(
    page, live_server, reference_data, artifacts
):
    """A long notice badge wraps, the batch plan is cards with its score in view, the specialty
    chips stay in their card and an API token's Revoke is on screen; the two "Work out…"
    buttons stand apart at every width."""
    case = ready_case()
    other = ready_case()
    notice_with_copies_held(case, copies=4)
    reviewer_with_profile("REV-1", first_name="Bartholomew", last_name="Featherstonehaugh-Smythe")
    run = PlanRun.objects.create(case_numbers=[case.case_number, other.case_number])
    plan_work_out(run_id=run.pk)
    api_token_for(UserFactory(role=Role.API_CLIENT, username="claims-intake-integration-client"))
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    badge = page.locator("#notices .badge", has_text="4 copies waiting for an address")
    expect(badge).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    assert on_screen(badge)
    badge.screenshot(path=str(artifacts / "narrow-notice-badge.png"))

    page.goto(f"{live_server.url}/assignments/batch/")
    plan = page.locator("table", has=page.get_by_role("link", name=case.case_number))
    expect(plan).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    score = plan.locator('td[data-label="Score"]').first
    expect(score).to_be_visible()
    assert on_screen(score)
    page.screenshot(path=str(artifacts / "narrow-batch-plan.png"), full_page=True)
    for width in (PHONE["width"], 1440):
        page.set_viewport_size({"width": width, "height": 900})
        again = page.get_by_role("button", name=re.compile("Work out again")).bounding_box()
        every = page.get_by_role("button", name=re.compile("for every waiting case")).bounding_box()
        assert every["y"] - (again["y"] + again["height"]) >= 8, width
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/settings/specialties/")
    expect(page.get_by_role("heading", name="Specialties by category")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    assert on_screen(page.locator(".specialty-table .chip").first)
    page.screenshot(path=str(artifacts / "narrow-specialties.png"))

    page.goto(f"{live_server.url}/settings/api-tokens/")
    # Revoking asks first (from QA: one stray Enter cut a live system off).
    page.locator("summary", has_text="Revoke…").click()
    revoke = page.get_by_role("button", name=re.compile("^Revoke “"))
    expect(revoke).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    assert on_screen(revoke)
    page.screenshot(path=str(artifacts / "narrow-api-tokens.png"), full_page=True)


def test_on_a_phone_the_case_list_sorts_from_a_visible_row_not_the_hidden_header(
    page, live_server, reference_data, artifacts
):
    """The table is cards on a phone and its header hidden: a "Sort by" row carries the
    header's sort links, and nothing in the hidden header takes the keyboard's focus."""
    first = ready_case(due_on=dt.date(2026, 12, 20))
    second = ready_case(due_on=dt.date(2026, 12, 10))
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/")
    cards = page.locator("table.case-table tbody tr")
    expect(cards.first).to_contain_text(second.case_number)  # what is due first

    sort_row = page.get_by_role("navigation", name="Sort the cases")
    expect(sort_row).to_be_visible()
    assert on_screen(sort_row)
    sort_row.get_by_role("link", name="Case").click()
    expect(page).to_have_url(re.compile(r"sort=case"))
    expect(cards.first).to_contain_text(first.case_number)
    sort_row.get_by_role("link", name="Case (sorted ascending)").click()
    expect(page).to_have_url(re.compile(r"sort=-case"))
    expect(cards.first).to_contain_text(second.case_number)
    expect(sort_row.get_by_role("link", name="Case (sorted descending)")).to_be_visible()
    page.screenshot(path=str(artifacts / "narrow-case-list-sorted.png"), full_page=True)

    # Every focusable element of the hidden header is either not rendered (so out of the tab
    # order) or a control one can see: none shows only 1x1 px, clipped, off the screen's edge.
    invisible = page.evaluate(
        """() => [...document.querySelectorAll('table.case-table thead *')]
            .filter(el => el.tabIndex >= 0 && el.checkVisibility())
            .filter(el => {
              let {left, top, right, bottom} = el.getBoundingClientRect();
              for (let up = el.parentElement; up; up = up.parentElement) {
                if (getComputedStyle(up).overflow === 'visible') continue;
                const clip = up.getBoundingClientRect();
                left = Math.max(left, clip.left);
                top = Math.max(top, clip.top);
                right = Math.min(right, clip.right);
                bottom = Math.min(bottom, clip.bottom);
              }
              return right - left < 2 || bottom - top < 2 || left < 0;
            })
            .map(el => el.outerHTML)"""
    )
    assert invisible == []
    assert scroll_width(page) <= PHONE["width"]

    # On a laptop the header sorts, says how with aria-sort, and the phone's row is gone.
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(sort_row).to_be_hidden()
    header = page.get_by_role("columnheader", name=re.compile("^Case"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(header.get_by_role("link")).to_be_visible()


def test_on_a_phone_each_dashboard_chart_fits_with_proportional_bars_and_readable_values(
    page, live_server, reference_data, artifacts
):
    """At 390 px a chart is drawn to the screen's width, not in a frame that scrolls sideways:
    a bar at 50% is half the one at 100%, and every label and value is on the screen."""
    from tests.reviews.reports.known_month import known_month

    known_month()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.goto(f"{live_server.url}/dashboard/?start=2026-11-01&end=2026-11-30")
    chart = page.locator("#chart-outcomes_category svg:visible")
    expect(chart).to_have_count(1)
    assert on_screen(chart)
    frame = page.locator("#chart-outcomes_category .bar-chart__frame")
    assert frame.evaluate("el => el.scrollWidth <= el.clientWidth")
    bars = chart.locator("rect.bar-chart__bar")
    widths = [bars.nth(index).bounding_box()["width"] for index in range(bars.count())]
    # Pharmaceuticals 50.0%, Diagnostic: imaging 0.0%, Physical / occupational therapy 100.0%.
    assert widths[2] > PHONE["width"] / 2
    assert abs(widths[0] - widths[2] / 2) <= 1 and widths[1] == 0
    for text in chart.locator("text").all():
        assert on_screen(text), text.text_content()
        assert text.bounding_box()["height"] >= 11, text.text_content()
    expect(chart.locator("text", has_text="100.0%")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "narrow-dashboard-charts.png"), full_page=True)


def test_the_dashboards_column_names_and_chart_labels_show_whole_words_at_any_width(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: at 390 px a card's column name broke inside a word ("DETERMINATIO / NS"),
    and a chart's label was cut short ("Filed by the provider, not an eligibl…") where there
    was room for it."""
    from tests.reviews.reports.known_month import known_month

    known_month()
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    label = "Filed by the provider, not an eligible party"
    for width, name in ((PHONE["width"], "narrow"), (1280, "wide")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/dashboard/?start=2026-11-01&end=2026-11-30")
        chart = page.locator("#chart-ineligibility_reasons svg:visible")
        drawn = chart.locator("text.bar-chart__label", has_text="Filed by the provider")
        # Its lines: the text's own, then each tspan's.
        lines = drawn.evaluate(
            "el => [...el.childNodes].map(node => node.textContent.trim()).filter(Boolean)"
        )
        assert " ".join(lines) == label
        box, frame = drawn.bounding_box(), chart.bounding_box()
        assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
        if name == "narrow":
            # Every word of every column name fits the name's column of its card.
            cut = page.evaluate(
                """() => [...document.querySelectorAll('.report td[data-label]')].flatMap(td => {
                  const before = getComputedStyle(td, '::before');
                  const room = parseFloat(before.width);
                  return td.dataset.label.split(/\\s+/).filter(word => {
                    const probe = document.createElement('span');
                    probe.textContent = word;
                    for (const name of ['font', 'textTransform', 'letterSpacing'])
                      probe.style[name] = before[name];
                    probe.style.position = 'absolute';
                    document.body.append(probe);
                    const wide = probe.getBoundingClientRect().width > room;
                    probe.remove();
                    return wide;
                  });
                })"""
            )
            assert cut == []
            expect(
                page.locator('#chart-turnaround td[data-label="Determinations"]').first
            ).to_be_visible()
            assert scroll_width(page) <= PHONE["width"]
        page.locator("#chart-turnaround").screenshot(path=str(artifacts / f"{name}-turnaround.png"))
        page.locator("#chart-ineligibility_reasons").screenshot(
            path=str(artifacts / f"{name}-reasons-chart.png")
        )


def test_on_a_phone_who_read_the_case_is_cards_with_nothing_cut_off(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: the readers table was wider than its frame at 390 px, its last column
    cut off with nothing to say it scrolled."""
    case = ready_case()
    admin = UserFactory(role=Role.CASE_ADMIN, username="desk-admin")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    with page.expect_response(re.compile(r"panel=readers")):
        page.locator("#readers-summary").click()
    card = page.locator(".readers-table tbody tr").first
    expect(card).to_contain_text("desk-admin")
    what = card.locator("td[data-label=What]")
    expect(what).to_be_visible()
    assert on_screen(what)
    frame = page.locator("#readers-panel .table-wrap")
    assert frame.evaluate("el => el.scrollWidth <= el.clientWidth")
    card.screenshot(path=str(artifacts / "narrow-case-readers.png"))


def test_on_a_phone_the_proofs_of_service_wrap_their_hashes(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: once a letter was served, each proof's SHA-256 (64 characters, no
    space) made the case page 558 px wide, cut off and scrolling sideways at 390 px."""
    determination = approved_determination(attorney=True)
    letter_request(determination=determination, actor=None)  # rendered and e-mailed at once
    case = determination.case
    assert ProofOfService.objects.filter(case=case).exists()
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{case.case_number}/")
    proof = page.locator("#proofs .proof").first
    expect(proof).to_contain_text("SHA-256")
    assert on_screen(proof.locator("code"))
    assert scroll_width(page) <= PHONE["width"]
    page.locator("#proofs").screenshot(path=str(artifacts / "narrow-case-proofs.png"))


def test_on_a_phone_a_saved_view_named_in_one_long_word_wraps(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: a saved view named in one 80-character word made the case list 870 px
    wide at 390 px, and the message after deleting it 857 px."""
    ready_case()
    admin = UserFactory(role=Role.CASE_ADMIN)
    name = "Expedited" * 8 + "CasesDue"
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("Name of this view").fill(name)
    page.get_by_role("button", name="Save this view").click()
    expect(page.locator(".saved-views")).to_contain_text(name)
    assert scroll_width(page) <= PHONE["width"]
    page.locator(".saved-views").screenshot(path=str(artifacts / "narrow-saved-view.png"))
    page.locator(".saved-views").get_by_role("button").first.click()
    expect(page.locator(".messages-region")).to_contain_text("deleted")
    assert scroll_width(page) <= PHONE["width"]
    # Offered back once, in a chip that wraps the long name too.
    page.get_by_role("button", name=f"Undo: save “{name}” again").click()
    expect(page.locator(".messages-region")).to_contain_text("saved")
    expect(page.locator(".saved-views").get_by_role("link", name=name)).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Undo"))).to_have_count(0)
    assert scroll_width(page) <= PHONE["width"]


def test_on_a_phone_the_quality_review_wraps_a_long_word_of_the_reviewer(
    page, live_server, reference_data, artifacts
):
    """From a QA pass: a pasted 160-character accession number in the summary made the
    quality review page 2,330 px wide at 390 px (1,870 px at 1440 px, over the facts panel)."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination.clinical_summary += " Accession: " + "ab12" * 40 + "."
    determination.save()
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    director = UserFactory(role=Role.QUALITY_REVIEWER)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, director)
    page.goto(f"{live_server.url}/quality/{case.case_number}/")
    expect(page.locator("#summary-title")).to_be_visible()
    assert scroll_width(page) <= PHONE["width"]
    page.set_viewport_size({"width": 1440, "height": 900})
    assert scroll_width(page) <= 1440
    page.screenshot(path=str(artifacts / "quality-long-word.png"))


def test_on_a_phone_the_integrity_page_scrolls_its_tables_not_the_page(
    page, live_server, artifacts
):
    """From a QA pass: with one file failed, the findings' path and hashes made the integrity
    page 950 px wide at 390 px, the header cut off and the whole page scrolling sideways."""
    case = CaseFactory()
    run = IntegrityCheckRun.objects.create(finished_at=timezone.now(), files_checked=15)
    IntegrityFinding.objects.create(
        source=IntegritySource.CHECK,
        run=run,
        problem=IntegrityProblem.MISMATCH,
        kind="Medical record",
        object_id=4,
        case=case,
        path="records/3/803eaae2ec1b4789bb6036d9caeae999.pdf",
        expected_sha256="a" * 64,
        actual_sha256="b" * 64,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, UserFactory(role=Role.SYSTEM_ADMIN))
    page.goto(f"{live_server.url}/integrity/")
    expect(page.locator("#findings-title")).to_contain_text("Files that failed")
    assert scroll_width(page) <= PHONE["width"]
    assert on_screen(page.get_by_role("button", name="Sign out"))
    page.screenshot(path=str(artifacts / "narrow-integrity.png"), full_page=True)


def test_on_a_phone_the_audit_log_letter_versions_and_holidays_are_cards_that_read(
    page, live_server, reference_data, artifacts
):
    """From QA: the audit log showed 3 of its 10 columns in rows 90 px tall; the letter
    settings' Versions broke "Current" mid-word and cut off each version's "Show"; the holiday
    tables' Source column was one letter a line."""
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    # A live_server test starts on a flushed database: a calendar with this year's holiday.
    calendar, _ = HolidayCalendar.objects.get_or_create(name=CalendarName.JUDICIAL)
    version = CalendarVersion.objects.create(
        calendar=calendar, number=(calendar.versions.count() + 1), note="For the test."
    )
    Holiday.objects.create(
        version=version,
        date=dt.date(timezone.localdate().year, 12, 25),
        name="Christmas Day",
        source="CCP 135; Gov. Code 6700",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, admin)

    page.goto(f"{live_server.url}/audit/")
    card = page.locator(".audit-table tbody tr").first
    for label in ("When", "User", "Action", "Endpoint", "Client"):
        cell = card.locator(f'td[data-label="{label}"]')
        expect(cell).to_be_visible()
        assert on_screen(cell), label
    assert page.locator(".audit-table").evaluate("el => el.scrollWidth <= el.clientWidth")
    card.screenshot(path=str(artifacts / "narrow-audit-card.png"))

    page.goto(f"{live_server.url}/settings/organization/")
    current = page.locator(".letter-versions .badge", has_text="Current")
    expect(current).to_be_visible()
    # One line: the badge is no taller than a line of its text.
    assert current.bounding_box()["height"] < 30
    show = page.locator(".letter-versions summary").first
    expect(show).to_be_visible()
    assert on_screen(show)
    show.click()
    paragraph = page.locator(".letter-versions dd").first
    assert paragraph.bounding_box()["width"] > PHONE["width"] * 0.6
    assert scroll_width(page) <= PHONE["width"]

    page.goto(f"{live_server.url}/settings/holidays/")
    source = page.locator('.holidays__table td[data-label="Source"]').first
    expect(source).to_be_visible()
    assert on_screen(source)
    assert source.bounding_box()["width"] > 120
    assert scroll_width(page) <= PHONE["width"]
    page.screenshot(path=str(artifacts / "narrow-holidays.png"))


@pytest.mark.parametrize("width", [1280, 390])
def test_the_findings_buttons_stay_inside_their_cards(page, live_server, reference_data, width):
    """From QA: "Record ineligible and close the case" ran over its card's edge at 1280 px."""
    received = CaseFactory()
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{received.case_number}/")
    for name in ("Record eligible and send the notice", "Record ineligible and close the case"):
        button = page.get_by_role("button", name=name)
        inside = button.evaluate(
            """button => {
              // Within the card's padding, as every other field of the card is.
              const card = button.closest(".finding");
              const box = card.getBoundingClientRect();
              const style = getComputedStyle(card);
              const inset = parseFloat(style.paddingRight) + parseFloat(style.borderRightWidth);
              const right = box.right - inset;
              const own = button.getBoundingClientRect();
              return own.right <= right + 0.5;
            }"""
        )
        assert inside, name


def test_the_record_form_gives_the_title_room_beside_the_side_panel(
    page, live_server, reference_data, artifacts
):
    """From QA: four to a row at 1280 px left the title's box about 130 px wide, its hint (a
    file name) running into the next column."""
    received = CaseFactory()
    admin = UserFactory(role=Role.CASE_ADMIN)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/{received.case_number}/")
    title = page.locator("#record-add").get_by_label("Title")
    assert title.bounding_box()["width"] >= 240
    overflowing = page.locator("#record-add .hint").evaluate_all(
        "hints => hints.filter(hint => hint.scrollWidth > hint.clientWidth + 1).length"
    )
    assert overflowing == 0
    page.locator("#record-add").screenshot(path=str(artifacts / "record-form-1280.png"))


def test_on_a_phone_the_application_in_progress_banner_stacks(page, live_server, reference_data):
    """From QA: at 390 px the banner kept three columns, its text wrapped to nine lines."""
    admin = UserFactory(role=Role.CASE_ADMIN)
    draft = IntakeDraft.objects.create(owner=admin, values={"worker-last_name": "Delgado"})
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/new/?draft={draft.pk}")
    banner = page.locator(".draft-banner")
    text = banner.locator("p").first.bounding_box()
    whole = banner.bounding_box()
    assert text["width"] >= 0.8 * (whole["width"] - 40)
    assert scroll_width(page) <= 390


def test_a_token_named_in_one_long_word_does_not_widen_the_tokens_page(
    page, live_server, reference_data
):
    """From QA: a 100-character name without a space made the page 1,713 px wide on a laptop,
    the State and Revoke columns past the window's edge."""
    api_token_create(user=UserFactory(role=Role.API_CLIENT), name="N" * 100)
    sign_in(page, live_server.url, UserFactory(role=Role.SYSTEM_ADMIN))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/settings/api-tokens/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_long_word_typed_widens_neither_the_audit_log_the_holidays_nor_the_assign_page(
    page, live_server, reference_data
):
    """From QA: a 200-character search logged made the audit log about 2,000 px wide (its other
    columns off-screen on every row); a holiday named in one long word pushed Date and Source
    away; a long search on the Assign page ran off the card, and at 390 px off the page."""
    word = "InternalMedicineNeurologyOccupational" * 3
    admin = UserFactory(role=Role.CASE_ADMIN)
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)
    calendar, _ = HolidayCalendar.objects.get_or_create(name=CalendarName.JUDICIAL)
    version = CalendarVersion.objects.create(
        calendar=calendar, number=(calendar.versions.count() + 1), note="For the test."
    )
    Holiday.objects.create(
        version=version, date=dt.date(timezone.localdate().year, 12, 24), name=word, source="x"
    )
    case = ready_case()
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/cases/?q={word * 2}")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/cases/{case.case_number}/assign/?q={word * 3}")
        expect(page.get_by_text("No eligible reviewer matches")).to_be_visible()
        assert scroll_width(page) <= width, width
    # The search is kept to what the box takes.
    expect(page.locator("#reviewer-q")).to_have_value((word * 3)[:100])

    page.context.clear_cookies()
    sign_in(page, live_server.url, sysadmin)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for path in ("/audit/", "/settings/holidays/"):
            page.goto(f"{live_server.url}{path}")
            expect(page.get_by_text(word).first).to_be_visible()
            assert scroll_width(page) <= width, (path, width)
            # Nor the tables, which scroll inside their frame rather than widen the page.
            wider = page.locator(".table-wrap").evaluate_all(
                "frames => frames.filter(el => el.checkVisibility()"
                " && el.scrollWidth > el.clientWidth + 1).length"
            )
            assert wider == 0, (path, width)


def test_on_a_phone_the_dashboards_small_tables_show_every_column(
    page, live_server, reference_data, artifacts
):
    """From QA: at 390 px "Letters served" and "Share" were cut off behind a sideways scroll that
    nothing showed (tables of three columns stay tables, not cards)."""
    from tests.reviews.reports.known_month import known_month

    known_month()
    sign_in(page, live_server.url, UserFactory(role=Role.CASE_ADMIN))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dashboard/?start=2026-11-01&end=2026-11-30")
    expect(page.locator("#chart-ineligibility_reasons")).to_be_visible()
    cut = page.locator(".report .table-wrap").evaluate_all(
        "frames => frames.filter(el => el.checkVisibility()"
        " && el.scrollWidth > el.clientWidth + 1).map(el => el.closest('section').id)"
    )
    assert cut == []
    page.locator("#chart-weekly .table-wrap").screenshot(path=str(artifacts / "narrow-weekly.png"))
