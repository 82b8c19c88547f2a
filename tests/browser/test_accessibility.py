"""An automated accessibility check (axe-core 4.14.1, vendored under tests/browser/vendor with its
licence) of the pages used all day: the sign-in page, the dashboard, the case list, a case page,
the bulk import, a monthly report's progress, the precedent library and the reviewer's
workspace. No violation of impact "serious" or "critical" is allowed. axe is
injected into the page, which the site's Content Security Policy forbids: this module's browser
context bypasses the policy (the policy itself is tested in test_content_security_policy)."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from cases.reminders.models import ReminderRun, ReminderRunStatus
from reviews.reports.models import ReportRun, ReportRunStatus
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import UserFactory, case_in_review

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "bypass_csp": True}


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_the_daily_pages_have_no_serious_accessibility_violations(
    page, live_server, reference_data
):
    base = live_server.url
    case, reviewer, _ = case_in_review()
    problems = {}

    page.goto(f"{base}/login/")
    problems["sign-in"] = violations(page)

    admin = UserFactory(role=Role.CASE_ADMIN)
    report = ReportRun.objects.create(
        month=dt.date(2026, 10, 1),
        created_by=admin,
        status=ReportRunStatus.RUNNING,
        steps_done=3,
        steps_total=9,
        step="Outcomes by treatment category",
    )
    reminders = ReminderRun.objects.create(
        created_by=admin,
        case_numbers=[case.case_number],
        outcomes={case.case_number: "sent"},
        status=ReminderRunStatus.FINISHED,
    )
    sign_in(page, base, admin)
    for name, path in (
        ("dashboard", "/dashboard/"),
        ("case list", "/cases/"),
        ("case page", f"/cases/{case.case_number}/"),
        ("bulk import", "/cases/import/"),
        ("report progress", f"/dashboard/monthly-reports/{report.pk}/"),
        ("reminders sent", f"/cases/reminders/{reminders.pk}/"),
        ("precedent library", "/precedents/?q=epidural"),
    ):
        page.goto(base + path)
        problems[name] = violations(page)
    page.context.clear_cookies()

    sign_in(page, base, reviewer)
    page.goto(f"{base}/reviews/cases/{case.case_number}/")
    problems["workspace"] = violations(page)

    assert not any(problems.values()), {k: v for k, v in problems.items() if v}


def test_the_check_finds_a_planted_violation(page):
    """The check itself works: an image without a text alternative is a critical violation."""
    page.set_content('<html lang="en"><title>t</title><body><img src="x.png"></body></html>')
    assert any(problem.startswith("image-alt (critical)") for problem in violations(page))


@pytest.mark.parametrize("width", [1280, 390])
def test_a_field_reached_with_the_tab_key_is_never_under_the_save_bar(
    page, live_server, reference_data, width
):
    """WCAG 2.4.11 (focus not obscured): tabbing through the decisions of two items, each field
    that takes the focus is scrolled clear of the sticky Save bar with the hint that describes
    it, at a desk and on a phone (a text box taller than the room above the bar with its first
    lines in view)."""
    page.set_viewport_size({"width": width, "height": 800})
    case, reviewer, _ = case_in_review(items=2)
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/3/")
    bar = page.locator(".ws-savebar")
    page.locator(".ws-form").first.focus()
    hidden, reached = [], 0
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            r"""async () => {
                // After the page's own scrolling, a frame after the focus moved.
                const frame = () => new Promise((done) => requestAnimationFrame(done));
                await frame();
                await frame();
                const el = document.activeElement;
                if (!el || !el.closest('.ws-form') || el.closest('.ws-savebar')) return null;
                const box = el.getBoundingClientRect();
                // With the hint that describes it (from QA: the citation's hint was under it).
                let bottom = box.bottom;
                for (const id of (el.getAttribute('aria-describedby') || '').split(/\s+/)) {
                    const said = id && document.getElementById(id);
                    if (said) bottom = Math.max(bottom, said.getBoundingClientRect().bottom);
                }
                const label = el.labels && el.labels[0] ? el.labels[0].textContent : el.name;
                return {top: box.top, bottom, label: (label || el.tagName).trim()};
            }"""
        )
        if focused is None:
            continue
        reached += 1
        bar_top = bar.bounding_box()["y"]
        if focused["bottom"] - focused["top"] < bar_top:
            clear = focused["top"] >= 0 and focused["bottom"] <= bar_top + 1
        else:  # a box taller than the room above the bar: its top line in view, to type in
            clear = 0 <= focused["top"] < bar_top - 40
        if not clear:
            hidden.append(focused["label"][:40])
    assert reached > 10
    assert not hidden, f"under the save bar at {width} px: {hidden}"


def test_in_a_short_window_the_save_bar_stays_at_the_foot_of_the_form(
    page, live_server, reference_data
):
    """From QA: on a phone the sticky Save bar covered all but two lines of the summary's box,
    and the on-screen keyboard leaves less. In a short window it waits at the form's foot."""
    case, reviewer, _ = case_in_review(items=1)
    sign_in(page, live_server.url, reviewer)
    page.set_viewport_size({"width": 390, "height": 480})
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/2/")
    summary = page.locator("#summary")
    summary.evaluate("box => box.scrollIntoView({block: 'start'})")
    box = summary.bounding_box()

    bar = page.locator(".ws-savebar").bounding_box()

    assert bar["y"] >= box["y"] + box["height"], "the bar is over the summary's box"
    # A tall window keeps it in view at the window's foot, as before (once the page has heard
    # of the new size: the visible window's resize event comes after the resize).
    page.set_viewport_size({"width": 390, "height": 844})
    summary.evaluate("box => box.scrollIntoView({block: 'start'})")
    page.wait_for_function(
        "() => document.querySelector('.ws-savebar').getBoundingClientRect().bottom"
        " <= window.innerHeight + 1",
        timeout=5000,
    )


def test_a_field_clicked_just_above_the_save_bar_brings_its_hint_clear_of_it(
    page, live_server, reference_data
):
    """From QA: the citation box clicked where it showed just above the Save bar kept its hint
    ("Pick from the catalog above…") under the bar."""
    page.set_viewport_size({"width": 1280, "height": 800})
    case, reviewer, _ = case_in_review(items=1)
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/3/")
    field = page.locator("input[id^=ctext-]").first
    hint = page.locator("p[id^=ctext-hint-]").first
    bar = page.locator(".ws-savebar")
    # The page scrolled so that the box sits whole just above the bar, its hint under it.
    page.evaluate(
        """([field, bar]) => {
            const f = document.querySelector(field).getBoundingClientRect();
            const b = document.querySelector(bar).getBoundingClientRect();
            window.scrollBy(0, f.bottom - b.top + 4);
        }""",
        ["input[id^=ctext-]", ".ws-savebar"],
    )
    assert hint.bounding_box()["y"] > bar.bounding_box()["y"]

    field.click()

    page.wait_for_function(
        """([hint, bar]) => document.querySelector(hint).getBoundingClientRect().bottom
            <= document.querySelector(bar).getBoundingClientRect().top + 1""",
        arg=["p[id^=ctext-hint-]", ".ws-savebar"],
        timeout=2000,
    )
    assert field.bounding_box()["y"] >= 0


def test_the_catalog_results_of_a_search_near_the_save_bar_come_up_above_it(
    page, live_server, reference_data
):
    """From QA: "knee" typed in the catalog search near the foot of the window drew its results
    under the Save bar, and the page did not move."""
    page.set_viewport_size({"width": 1280, "height": 800})
    case, reviewer, _ = case_in_review(items=1)
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/3/")
    search = page.locator("input[id^=gsearch-]").first
    bar = page.locator(".ws-savebar")
    search.focus()
    page.evaluate(
        """() => {
            const box = document.querySelector("input[id^=gsearch-]").getBoundingClientRect();
            const bar = document.querySelector(".ws-savebar").getBoundingClientRect();
            window.scrollBy(0, box.bottom - bar.top + 8);
        }"""
    )

    search.press_sequentially("knee", delay=20)

    first = page.locator(".guideline-pick").first
    first.wait_for()
    page.wait_for_function(
        """() => document.querySelector(".guideline-pick").getBoundingClientRect().bottom
            <= document.querySelector(".ws-savebar").getBoundingClientRect().top""",
        timeout=3000,
    )
    assert search.bounding_box()["y"] >= 0
    assert first.bounding_box()["y"] < bar.bounding_box()["y"]


def test_the_catalog_results_are_reached_with_the_arrow_keys(page, live_server, reference_data):
    """From QA: down-arrow in the catalog search did nothing; only the mouse or many Tabs
    reached a result."""
    case, reviewer, _ = case_in_review(items=1)
    sign_in(page, live_server.url, reviewer)
    page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/3/")
    search = page.locator("input[id^=gsearch-]").first
    search.press_sequentially("knee", delay=20)
    picks = page.locator(".guideline-pick")
    picks.first.wait_for()

    search.press("ArrowDown")
    expect(picks.nth(0)).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(picks.nth(1)).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    expect(search).to_be_focused()
    search.press("ArrowDown")
    page.keyboard.press("Escape")
    expect(search).to_be_focused()


def test_each_step_title_keeps_its_words_whole_on_a_phone(page, live_server, reference_data):
    """From a QA pass: at 390 px step 3's title read "Decision" over "s", squeezed by its
    subtitle; the subtitle now goes under it."""
    page.set_viewport_size({"width": 390, "height": 800})
    case, reviewer, _ = case_in_review(items=1)
    sign_in(page, live_server.url, reviewer)
    for step in (2, 3, 4):
        page.goto(f"{live_server.url}/reviews/cases/{case.case_number}/step/{step}/")
        title = page.locator("#step-title")
        # Each word of the title on one line: its characters' boxes share one top.
        broken = title.evaluate(
            """el => {
                const out = [];
                const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                    for (const m of n.data.matchAll(/[A-Za-z]{3,}/g)) {
                        const r = document.createRange();
                        r.setStart(n, m.index);
                        r.setEnd(n, m.index + m[0].length);
                        const tops = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
                        if (tops.size > 1) out.push(m[0]);
                    }
                }
                return out;
            }"""
        )
        assert broken == [], f"step {step}: {broken}"
