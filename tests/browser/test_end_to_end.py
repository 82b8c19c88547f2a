"""One case through the whole service in a real browser, with a real Celery worker (issue 12):
the administrator takes it in with a PDF record, finds it eligible, marks the records complete
and assigns a reviewer; the reviewer (second factor) accepts, reads the record, writes the
summary and two item decisions, previews and submits; quality review returns it once, the
reviewer fixes it and submits again, quality approves (password and code); the worker renders
and signs the letter, which is downloaded, read with pdftotext and its signature verified; the
administrator's dashboard counts it."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.lifecycle.models import Case, CaseStatus
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.verify import letter_verify
from tests.browser.test_case_to_amended_letter import fill_intake, pdf_text
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    PASSWORD,
    UserFactory,
    minimal_pdf,
    reviewer_with_profile,
    totp_code_fresh,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Records are counted on "records"; the notice and the letter are rendered on "letters".
    pytest.mark.worker(queues="default,records,letters"),
]

SECOND_ITEM = "Stellate ganglion block, left"
RATIONALES = (
    "Sympathetic blocks are supported for complex regional pain syndrome only when a prior "
    "block gave lasting relief with improved function. The records describe no such relief, "
    "so the requested block is not medically necessary.",
    "A stellate ganglion block is recommended for complex regional pain syndrome of the upper "
    "limb to allow active therapy, and the records document a new functional loss, so the "
    "requested block is medically necessary.",
)
QUALITY_ASKS = "Item 2: name the functional loss the records document."
FIXED = " The records document a loss of wrist range of motion since the last visit."


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"end-to-end-{name}.png"), full_page=True)


def step(page, base, number, n):
    page.goto(f"{base}/reviews/cases/{number}/step/{n}/")


def sign_and_submit(page, base, number, artifacts, name):
    """Review (confirming any warning shown), the preview, then sign with the password."""
    step(page, base, number, 4)
    for box in page.locator("input[type=checkbox][name=confirm]").all():
        if not box.is_checked():
            box.check()
    expect(page.get_by_text("every item is decided with its guideline")).to_be_visible()
    shot(page, artifacts, f"{name}-review")
    page.get_by_role("link", name="Continue to the letter preview").click()
    letter = page.frame_locator("iframe.letter-frame")
    expect(letter.get_by_role("heading", name="CLINICAL CASE SUMMARY")).to_be_visible()
    expect(letter.get_by_text(re.compile("reported left ankle pain"))).to_be_visible()
    shot(page, artifacts, f"{name}-preview")
    page.get_by_role("link", name="Continue to sign and submit").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign and submit").click()
    expect(page.get_by_text(re.compile("waiting for quality review"))).to_be_visible()
    shot(page, artifacts, f"{name}-submitted")


def test_one_case_from_intake_to_a_verified_letter_on_the_dashboard(
    page, live_server, reference_data, artifacts, tmp_path, celery_worker, settings
):
    # Signing in counts as re-authenticating for a few minutes: with none, approval asks for
    # the password and a code, as it does once that window has passed.
    settings.IMR_REAUTH_MINUTES = 0
    today = timezone.localdate()
    base = live_server.url
    admin = UserFactory(role="case_admin", first_name="Dana", last_name="Clerk")
    reviewer = reviewer_with_profile(
        "REV-E2E12",
        first_name="Jane",
        last_name="Roe",
        certifications=("Pain Management", "Anesthesiology"),
    )
    quality = UserFactory(role="quality_reviewer", first_name="Quinn", last_name="Ames")
    context = page.context

    # 1. Intake: the form, with two disputed items and a PDF record.
    sign_in(page, base, admin)
    page.goto(f"{base}/cases/new/")
    pdf = tmp_path / "pr2.pdf"
    pdf.write_bytes(minimal_pdf(pages=2))
    fill_intake(page, today, pdf)
    # The worker has consented to e-mail: every party is served at once, so the letter counts
    # as out the day it is issued.
    page.fill("#id_worker-email", "marisol@example.org")
    page.select_option("#id_worker-delivery_method", "email")
    page.check("#id_worker-e_service_consent")
    page.get_by_role("textbox", name="Diagnoses").fill("complex regional pain syndrome")
    page.get_by_label("Claim number").fill("05-771234")
    page.get_by_role("button", name="+ Add another item").click()
    expect(page.locator("#id_items-1-description")).to_be_visible()
    page.fill("#id_items-1-description", SECOND_ITEM)
    page.select_option("#id_items-1-category", "injection")
    page.fill("#id_items-1-ur_citation_text", "MTUS Chronic Pain Treatment Guidelines")
    shot(page, artifacts, "1-intake")
    page.get_by_role("button", name="Create case").click()
    expect(page).to_have_url(re.compile(r"/cases/CM\d\d-\d+/$"))
    case = Case.objects.get(application_id="A-2026-009001")
    number = case.case_number
    assert case.items.count() == 2
    shot(page, artifacts, "1-case-created")

    # 2. Eligible, with a reason beside each blocking check that fails; the worker renders
    # the notice of assignment.
    reasons = page.get_by_label("Reason to find it eligible anyway")
    for index in range(reasons.count()):
        reasons.nth(index).fill("Confirmed by telephone with the claims administrator.")
    page.get_by_role("button", name="Record eligible and send the notice").click()
    notice = page.locator("#notice-notice_of_assignment-v1")
    expect(notice).to_contain_text("Notice of Assignment", timeout=30_000)
    shot(page, artifacts, "2-eligible")

    # 3. Records complete, then the reviewer from the ranked list.
    page.reload()
    page.get_by_role("button", name="Mark records complete").click()
    expect(page.get_by_text(re.compile("Records are complete since"))).to_be_visible()
    shot(page, artifacts, "3-records-complete")
    page.get_by_role("link", name="Assign a reviewer").click()
    shot(page, artifacts, "3-assign")
    page.get_by_role("row", name=re.compile("REV-E2E12")).get_by_role(
        "button", name="Assign"
    ).click()
    # The assign page's own row already names Jane Roe: wait for the message on the case page
    # the POST redirects to, or a navigation started now would cancel the assignment.
    expect(page.get_by_text(f"{number} assigned to Jane Roe")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/cases/{number}/$"))
    expect(page.locator("#workflow")).to_contain_text("Jane Roe")
    shot(page, artifacts, "3-assigned")
    context.clear_cookies()

    # 4. The reviewer accepts, reads the record, writes the summary and two decisions.
    sign_in(page, base, reviewer)
    row = page.get_by_role("row", name=re.compile(number))
    row.get_by_role("link", name=re.compile("Accept or decline")).click()
    page.get_by_label(re.compile("I attest that I have no conflict")).check()
    page.get_by_role("button", name="Accept the case").click()
    summary = page.get_by_label("The summary as the letter prints it")
    expect(summary).to_be_visible()
    with page.expect_response(re.compile(r"/records/")) as record_response:
        page.get_by_role("link", name="PR-2 progress report", exact=True).click()
    assert record_response.value.ok
    expect(page.locator(".record-list__opened").first).to_be_visible()
    summary.press("Control+End")
    summary.press_sequentially(
        " The injured worker reported left ankle pain due to a fall. Treatment to date has "
        "included physical therapy and medication.",
        delay=1,
    )
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    shot(page, artifacts, "4-summary")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator('[aria-current="step"]')).to_contain_text("Decisions")
    items = page.locator("section.ws-item")
    expect(items).to_have_count(2)
    for index, (outcome, rationale) in enumerate(
        zip(("UR stands: not medically necessary", "medically necessary"), RATIONALES, strict=True)
    ):
        item = items.nth(index)
        item.get_by_text(outcome, exact=True).click()
        item.get_by_role("combobox", name="Kind of citation").select_option("mtus")
        item.get_by_label("Citation as the letter prints it").fill(
            "MTUS Chronic Pain Medical Treatment Guidelines 2009"
        )
        item.get_by_label("Decision rationale").fill(rationale)
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    shot(page, artifacts, "4-decisions")
    sign_and_submit(page, base, number, artifacts, "5-first")
    context.clear_cookies()

    # 6. Quality review returns it once, with a comment.
    sign_in(page, base, quality)
    page.goto(f"{base}/quality/{number}/")
    # The comment on item 2, shown to the reviewer on that item.
    item_comment = page.get_by_label("Comment for the reviewer on this item").nth(1)
    item_comment.fill(QUALITY_ASKS)
    # An approval tried by mistake, with a wrong password, is refused in its own form (htmx):
    # the comment typed for the return stays where it was typed.
    approve = page.locator("#approve-form")
    approve.get_by_label("Your password").fill("not-my-password")
    approve.get_by_role("button", name=f"Approve {number}").click()
    # Approve does not send the comment typed for the reviewer: said first.
    expect(approve.locator(".approve-unsent")).to_be_focused()
    approve.get_by_role("button", name="Approve anyway").click()
    expect(approve.get_by_text("That is not your password.")).to_be_visible()
    expect(item_comment).to_have_value(QUALITY_ASKS)
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED, case.status
    shot(page, artifacts, "6-return")
    page.get_by_role("button", name="Return with comments").click()
    returned = f"{number} returned to the reviewer with your comments."
    expect(page.get_by_text(returned)).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED, case.status
    context.clear_cookies()

    # 7. The reviewer sees the comment, fixes the second rationale and submits again.
    sign_in(page, base, reviewer)
    step(page, base, number, 3)
    expect(page.get_by_text(QUALITY_ASKS).first).to_be_visible()
    second = page.locator("section.ws-item").nth(1).get_by_label("Decision rationale")
    second.press("Control+End")
    second.press_sequentially(FIXED, delay=1)
    expect(page.locator("#save-status")).to_contain_text("Saved", timeout=10_000)
    shot(page, artifacts, "7-fixed")
    sign_and_submit(page, base, number, artifacts, "7-second")
    context.clear_cookies()

    # 8. Quality approves, confirming it is them with the password and a code.
    sign_in(page, base, quality)
    page.goto(f"{base}/quality/{number}/")
    approve = page.locator("form.finding--eligible")
    approve.get_by_label("Your password").fill(PASSWORD)
    approve.get_by_label(re.compile("Code from your authenticator app")).fill(
        totp_code_fresh(quality)
    )
    shot(page, artifacts, "8-approve")
    approve.get_by_role("button", name=f"Approve {number}").click()
    expect(page.get_by_text(f"{number} approved; the letter is being issued:")).to_be_visible()
    letter = celery_worker.wait_for(
        lambda: Letter.objects.filter(
            case=case, status__in=[LetterStatus.SIGNED, LetterStatus.DELIVERED]
        ).first(),
        what="the worker to render and sign the letter",
    )
    context.clear_cookies()

    # 9. The administrator downloads the letter: its text, its signature.
    sign_in(page, base, admin)
    page.goto(f"{base}/cases/{number}/")
    panel = page.locator("#letters")
    expect(panel.locator("#letter-v1")).to_be_visible()
    shot(page, artifacts, "9-letter")
    download = page.request.get(f"{base}/cases/{number}/letters/{letter.version}/party.pdf")
    assert download.ok
    pdf_bytes = download.body()
    text = " ".join(pdf_text(pdf_bytes).split())
    assert number in text
    assert "reported left ankle pain" in text
    assert "loss of wrist range of motion" in text
    assert "Lumbar sympathetic block" in text and SECOND_ITEM in text
    verified = letter_verify(pdf_bytes)
    assert verified.ok and verified.signature_valid, verified.message

    # 10. The dashboard counts the letter. The administrator's home kept the figures taken at
    # sign-in (for a minute, and says when); "Refresh now" takes them again.
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_text("Figures as of")).to_be_visible()
    page.get_by_role("link", name="Refresh now").click()
    expect(page.locator("#chart-weekly")).to_be_visible()
    shot(page, artifacts, "10-dashboard")
    week = today - dt.timedelta(days=today.weekday())
    weekly = page.locator("#chart-weekly tbody tr", has_text=f"{week:%m/%d/%Y}")
    expect(weekly.locator("td").last).to_have_text("1")
    # Both items are injections (the roster's pain specialists may review them): one upheld,
    # one overturned.
    cells = (
        page.locator("#chart-outcomes_category")
        .get_by_role("row", name=re.compile("Injection"))
        .locator("td")
    )
    expect(cells.nth(1)).to_have_text("2")
    expect(cells.nth(2)).to_have_text("1")
    expect(cells.nth(3)).to_have_text("1")
