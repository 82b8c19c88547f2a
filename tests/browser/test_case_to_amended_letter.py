"""One case in a real browser from intake to an amended letter (issue 10): the intake form
through an ended session and back, the eligibility finding and its notice of assignment, the
determination letter served by postal mail through the print queue (its batch PDF opened and
counted), and a correction issued as an amended version that the verification page reports as
superseding the first."""

import datetime as dt
import re
import subprocess
from io import BytesIO

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from cases.eligibility.services import case_records_complete
from cases.intake.models import IntakeDraft
from cases.lifecycle.models import Case, CaseStatus
from reviews.assignment.services import reviewer_assign
from reviews.determination.models import Determination
from reviews.determination.services import (
    assignment_accept,
    determination_problems,
    determination_submit,
)
from reviews.letters.models import Letter, LetterStatus
from reviews.quality.services import determination_approve
from tests.browser.test_reviewer_flow import sign_in
from tests.factories import (
    PASSWORD,
    UserFactory,
    determination_fill,
    minimal_pdf,
    reviewer_with_profile,
    totp_code_fresh,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORKER = ("Marisol", "Quintero")
WORKER_ADDRESS = "88 Vineyard Road\nMadera, CA 93637"


def shot(page, artifacts, name):
    page.screenshot(path=str(artifacts / f"case-to-amended-{name}.png"), full_page=True)


def pdf_text(content: bytes) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return done.stdout.decode()


def fill_intake(page, today, pdf):
    """Everything but the diagnoses (typed after the session ends) and the claim number."""
    page.fill("#id_application-application_id", "A-2026-009001")
    page.fill("#id_application-application_received", (today - dt.timedelta(days=3)).isoformat())
    page.fill("#id_application-ur_decision_date", (today - dt.timedelta(days=10)).isoformat())
    page.fill("#id_application-date_of_injury", "2025-07-22")
    page.select_option("#id_application-filed_by", "employee")
    page.select_option("#id_application-application_signed", "yes")
    page.select_option("#id_application-ur_decision_basis", "medical_necessity")
    page.select_option("#id_application-liability_disputed", "no")
    page.fill("#id_worker-first_name", WORKER[0])
    page.fill("#id_worker-last_name", WORKER[1])
    page.fill("#id_worker-date_of_birth", "1968-02-01")
    page.check("#id_worker-sex_1")
    # The worker has no e-mail: the letter goes to them by postal mail (the print queue).
    page.fill("#id_worker-address", WORKER_ADDRESS)
    page.select_option("#id_worker-delivery_method", "mail")
    for role, name, email in (
        ("employer", "Acme Foods Inc.", "hr@acme.example.org"),
        ("claims_administrator", "Pacific Claims Services", "claims@example.org"),
        ("requesting_provider", "Dr. Lee Park", "lee.park@example.org"),
    ):
        page.fill(f"#id_{role}-name", name)
        page.fill(f"#id_{role}-email", email)
        page.check(f"#id_{role}-e_service_consent")
    page.fill("#id_requesting_provider-identifier", "1234567890")
    page.fill("#id_ur_organization-name", "Coastal UR")
    page.fill("#id_items-0-description", "Lumbar sympathetic block")
    page.select_option("#id_items-0-category", "injection")
    page.fill("#id_items-0-ur_citation_text", "MTUS Chronic Pain Treatment Guidelines")
    page.locator("#id_records-0-file").set_input_files(str(pdf))
    expect(page.locator("#file-slot-records-0")).to_contain_text("pr2.pdf")
    page.fill("#id_records-0-title", "PR-2 progress report")
    page.fill("#id_records-0-document_date", (today - dt.timedelta(days=20)).isoformat())
    page.select_option("#id_records-0-kind", "medical")


def test_a_case_goes_from_intake_to_an_amended_letter(
    page, live_server, reference_data, artifacts, tmp_path, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    today = timezone.localdate()
    admin = UserFactory(role="case_admin", first_name="Dana", last_name="Clerk")
    base = live_server.url
    context = page.context

    # 1. Intake, with the session ending in the middle.
    sign_in(page, base, admin)
    page.goto(f"{base}/cases/new/")
    pdf = tmp_path / "pr2.pdf"
    pdf.write_bytes(minimal_pdf(pages=2))
    fill_intake(page, today, pdf)
    status = page.locator("#draft-status")
    expect(status).to_contain_text("Saved", timeout=10_000)
    context.clear_cookies(name="sessionid")
    diagnoses = page.get_by_role("textbox", name="Diagnoses")
    diagnoses.press_sequentially("complex regional pain syndrome", delay=5)
    expect(status).to_contain_text("session has ended", timeout=10_000)
    expect(page.locator("#session-ended")).to_be_visible()
    shot(page, artifacts, "1-session-ended")

    again = context.new_page()
    sign_in(again, base, admin)
    again.goto(f"{base}/cases/new/")
    expect(again.get_by_label("Last name").first).to_have_value(WORKER[1])
    expect(again.get_by_role("textbox", name="Diagnoses")).to_have_value(
        "complex regional pain syndrome"
    )
    expect(again.locator("#file-slot-records-0")).to_contain_text("pr2.pdf")
    again.get_by_label("Claim number").press_sequentially("05-771234", delay=5)
    expect(again.locator("#draft-status")).to_contain_text("Saved", timeout=10_000)
    page.close()
    page = again
    shot(page, artifacts, "1-draft-back")
    page.get_by_role("button", name="Create case").click()
    expect(page).to_have_url(re.compile(r"/cases/CM\d\d-\d+/$"))
    case = Case.objects.get(application_id="A-2026-009001")
    assert not IntakeDraft.objects.exists()
    assert case.diagnoses == ["complex regional pain syndrome"]
    assert case.claim_number == "05-771234"
    assert case.records.get().pages == 2
    shot(page, artifacts, "1-case-created")

    # 2. Eligible: a reason beside each blocking check that does not pass, then the notice.
    checks = page.get_by_role("list", name="Eligibility checks")
    expect(checks).to_be_visible()
    reasons = page.get_by_label("Reason to find it eligible anyway")
    overridden = reasons.count()
    # The one record is a PR-2, so "UR decision on file" fails; the finding overrides it.
    assert overridden == 1
    expect(page.locator("#check-ur_decision_on_file, .check--fail").first).to_contain_text(
        "UR decision on file"
    )
    for index in range(overridden):
        reasons.nth(index).fill("Confirmed by telephone with the claims administrator.")
    shot(page, artifacts, "2-eligibility")
    page.get_by_role("button", name="Record eligible and send the notice").click()
    # Celery runs eagerly here: the notice is rendered, signed and e-mailed once the finding
    # commits, and the letters panel lists it.
    notice = page.locator("#notice-notice_of_assignment-v1")
    expect(notice).to_contain_text("Notice of Assignment", timeout=15_000)
    page.reload()
    # The worker is served by post: the notice says its copy waits for it, not "served".
    expect(notice).to_contain_text("1 copy waiting to be printed", timeout=15_000)
    expect(
        notice.get_by_role("link", name=re.compile("Download the Notice of Assignment"))
    ).to_be_visible()
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_RECORDS, case.status
    shot(page, artifacts, "2-notice")

    # 3. To an issued letter. The records, reviewer and quality steps run through their
    # services: the reviewer's pages are driven by test_reviewer_flow.py, and this test is
    # about what the case administrator does before and after them.
    records_complete = case_records_complete(case=case, actor=admin)
    reviewer = reviewer_with_profile(
        "REV-E2E", certifications=("Pain Management", "Anesthesiology")
    )
    assignment = reviewer_assign(case=records_complete, reviewer=reviewer, actor=admin)
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    case.refresh_from_db()

    # 4a. A fact corrected before issue, on the facts page: the claim number was mistyped.
    page.reload()
    page.get_by_role("link", name="Edit the facts").click()
    claim = page.get_by_label("Claim number")
    expect(claim).to_have_value("05-771234")
    claim.fill("05-771243")
    page.get_by_role("button", name="Save the dates").click()
    # Saved, the form leads back to the case page (the field typed in says nothing yet).
    expect(page).to_have_url(re.compile(rf"/cases/{case.case_number}/$"))
    case.refresh_from_db()
    assert case.claim_number == "05-771243"
    shot(page, artifacts, "4-facts-corrected")
    page.goto(f"{base}/cases/{case.case_number}/")

    determination = determination_fill(Determination.objects.get(case=case, round=case.round))
    determination_submit(
        determination=determination,
        actor=reviewer,
        password=PASSWORD,
        confirmed_warnings=[problem.key for problem in determination_problems(determination)],
    )
    # Approval queues the letter; Celery is eager, so it is rendered, signed, e-mailed to the
    # parties who consented and put in the print queue for the worker once this commits.
    determination_approve(determination=determination, actor=UserFactory(role="quality_reviewer"))
    first = Letter.objects.get(case=case, version=1)
    assert first.status == LetterStatus.DELIVERED, (first.status, first.error)
    page.reload()
    panel = page.locator("#letters")
    expect(panel.locator("#letter-v1")).to_contain_text("1 copy waiting to be printed")
    shot(page, artifacts, "3-letter")

    page.goto(f"{base}/letters/print-queue/")
    # The worker is served by post: the letter waits here. The Notice of Assignment, never
    # printed while the review ran, was withdrawn when the letter issued: it asked for records
    # for a review now decided (reviews.letters.superseded; from QA).
    waiting = page.get_by_role("row", name=re.compile(case.case_number))
    expect(waiting).to_have_count(1)
    expect(waiting).to_contain_text(f"{WORKER[0]} {WORKER[1]}")
    expect(waiting).to_contain_text("88 Vineyard Road")
    expect(waiting).to_contain_text("Final Determination Letter")
    shot(page, artifacts, "3-print-queue")
    # Posted today, whatever day this runs (the form offers the next working day on a weekend).
    page.get_by_label("To be posted on").fill(today.isoformat())
    page.get_by_role("button", name="Print a batch").click()
    # Celery is eager here: the batch is prepared once the request commits, and the page says
    # it is ready (with a real worker it polls its progress until then).
    expect(page.get_by_text(re.compile(r"Batch \d+, 1 mailing, is being prepared"))).to_be_visible()
    expect(page.locator(".print-batch")).to_contain_text("Ready to print")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download batch \d+")).click()
    batch_pdf = download_info.value.path().read_bytes()
    with first.party_pdf.open("rb") as stored:
        letter_pages = len(PdfReader(BytesIO(stored.read())).pages)
    notice = case.notices.get()
    assert notice.deliveries.get(recipient_role="injured_worker").status == "withdrawn"
    reader = PdfReader(BytesIO(batch_pdf))
    # One mailing: its address sheet, the letter's own pages, then its one-page proof of
    # service.
    assert len(reader.pages) == letter_pages + 2
    proofs = [p for p in reader.pages if "PROOF OF SERVICE" in (p.extract_text() or "")]
    assert len(proofs) == 1
    text = pdf_text(batch_pdf)
    assert f"{WORKER[0]} {WORKER[1]}" in text
    assert "88 Vineyard Road" in text
    shot(page, artifacts, "3-batch-printed")
    page.get_by_role("button", name="Confirm posted").click()
    expect(page.get_by_text(re.compile(r"Batch \d+ posted on"))).to_be_visible()
    expect(page.get_by_text("No batch is waiting to be posted.")).to_be_visible()
    first.refresh_from_db()
    assert first.served_on == today
    shot(page, artifacts, "3-posted")
    page.goto(f"{base}/cases/{case.case_number}/")
    proofs = page.locator("#proofs")
    expect(proofs).to_contain_text("by mail, served")
    expect(page.locator("#letter-v1")).to_contain_text(f"Served on {today:%m/%d/%Y}")
    shot(page, artifacts, "3-proofs")

    assert "05-771243" in pdf_text(batch_pdf)  # the letter prints the corrected claim number

    # 4b. After issue the facts are closed; an amended version, with its reason and the
    # administrator's password, from the letters panel.
    page.goto(f"{base}/cases/{case.case_number}/")
    expect(page.get_by_role("link", name="Edit the facts")).to_have_count(0)
    panel = page.locator("#letters")
    panel.get_by_text("Issue an amended letter").click()
    reason = "The requesting provider's specialty was left out of the first version."
    panel.get_by_label("What the amended version corrects").fill(reason)
    # A wrong password is said beside the form, the reason kept as typed.
    panel.get_by_label("Your password").fill("not-my-password")
    panel.get_by_label("Code from your authenticator app").fill(totp_code_fresh(admin))
    panel.get_by_role("button", name="Issue amended version 2").click()
    expect(panel).to_contain_text("That is not your password")
    expect(panel.get_by_label("What the amended version corrects")).to_have_value(reason)
    expect(page.get_by_text("The page could not be updated")).to_be_hidden()
    panel.get_by_label("Your password").fill(PASSWORD)
    panel.get_by_label("Code from your authenticator app").fill(totp_code_fresh(admin))
    shot(page, artifacts, "4-amend-form")
    panel.get_by_role("button", name="Issue amended version 2").click()
    expect(panel).to_contain_text("Version 2", timeout=15_000)
    page.reload()
    expect(panel.locator(".badge", has_text="Superseded")).to_be_visible()
    expect(panel.locator(".badge", has_text="Amended")).to_be_visible()
    shot(page, artifacts, "4-amended")
    second = Letter.objects.get(case=case, version=2)
    assert second.status == LetterStatus.DELIVERED, (second.status, second.error)
    download = page.request.get(f"{base}/cases/{case.case_number}/letters/2/party.pdf")
    assert download.ok
    amended_text = pdf_text(download.body())
    assert "AMENDED" in amended_text
    assert " ".join(reason.split()) in " ".join(amended_text.split())

    # The verification page (no login needed) reports the first version superseded.
    with first.party_pdf.open("rb") as stored:
        first_pdf = tmp_path / "letter-v1.pdf"
        first_pdf.write_bytes(stored.read())
    verify = context.browser.new_page()
    verify.goto(f"{base}/verify/")
    verify.locator("input[type=file]").set_input_files(str(first_pdf))
    verify.get_by_role("button", name="Verify").click()
    result = verify.get_by_role("status", name="Not verified")
    expect(result).to_contain_text("Superseded by version 2")
    verify.screenshot(path=str(artifacts / "case-to-amended-4-verify.png"), full_page=True)
    verify.close()
