"""The Final Determination Letter (SPEC section 6): its words, both renderings, the PDF, and
producing a letter version (render, sign, store, deliver, issue) with retries and corrections."""

import datetime as dt
import logging
import re
import smtplib
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from cases.clock.calculator import Facts, compute
from cases.intake.corrections import case_facts_edit
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType, PartyRole, SentBy
from reviews.assignment.models import AssignmentStatus
from reviews.determination.citations import CLAIMS_ADMINISTRATOR, EXPERT_REVIEWER, citation_render
from reviews.determination.models import DeterminationStatus
from reviews.letters import services as letter_services
from reviews.letters.models import LetterDelivery, LetterStatus, LetterText
from reviews.letters.render import (
    URLRefused,
    _letter_html_for_pdf,
    item_line,
    letter_context,
    letter_html,
    letter_pdf,
    static_file_fetcher,
)
from reviews.letters.services import (
    letter_correct,
    letter_produce,
    letter_request,
    letter_retry,
    letter_text_update,
)
from reviews.organization.services import organization_update
from tests.factories import (
    LETTER_REVIEWER_FIRST_NAME,
    LETTER_REVIEWER_LAST_NAME,
    PASSWORD,
    DisputedItemFactory,
    UserFactory,
    api_client_for,
    approved_determination,
)
from tests.reviews.letter_utils import body_flat, pdf_info, pdf_text

pytestmark = pytest.mark.django_db


def produce(determination, django_capture_on_commit_callbacks, *, actor=None, **kwargs):
    """Request a letter the way quality review does; the task runs when the request commits."""
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=actor, **kwargs)
    letter.refresh_from_db()
    return letter


def assert_in_order(text: str, parts: list[str]) -> None:
    """Each part appears in `text` after the one before it."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position}: {text[position:][:400]}"
        position = found + len(part)


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


# --- The words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "by", "expected"),
    [
        (
            "mtus",
            "MTUS Chronic Pain Treatment Guidelines Page(s): 103-104",
            CLAIMS_ADMINISTRATOR,
            "Decision based on MTUS Chronic Pain Treatment Guidelines Page(s): 103-104.",
        ),
        (
            "mtus",
            "MTUS Shoulder Complaints 2004.",
            EXPERT_REVIEWER,
            "Decision based on MTUS Shoulder Complaints 2004.",
        ),
        (
            "non_mtus",
            "ODG Low Back 2015",
            EXPERT_REVIEWER,
            "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS "
            "Guidelines. Decision based on Non-MTUS Citation ODG Low Back 2015.",
        ),
        (
            "none",
            "",
            CLAIMS_ADMINISTRATOR,
            "The Claims Administrator did not cite any medical evidence for its decision.",
        ),
    ],
)
def test_a_citation_renders_by_its_kind_with_one_final_period(kind, text, by, expected):
    assert citation_render(kind, text, by=by) == expected


def test_a_modified_request_names_the_original_and_the_authorized_portion():
    item = DisputedItemFactory(
        description="Physical therapy 6 sessions",
        original_request="Physical therapy 12 sessions.",
        authorized_portion="Physical therapy 6 sessions",
    )
    # The published letters' modified form ends "... original request, <portion> is: <decision>".
    assert item_line(item, "Overturned") == (
        "Physical therapy 12 sessions was the original request. Physical therapy 6 sessions was "
        "authorized by the Claims Administrator. The remaining IMR eligible portion of the "
        "original request, Physical therapy 6 sessions is: Overturned"
    )


def test_a_substitute_authorized_leaves_the_whole_original_request_to_decide():
    item = DisputedItemFactory(
        description="Lumbar MRI with contrast",
        original_request="Lumbar MRI with contrast.",
        authorized_portion="Lumbar X-rays, 3 views",
        authorization_kind="substitute",
    )
    assert item_line(item, "Upheld") == (
        "Lumbar MRI with contrast was the original request. The Claims Administrator authorized "
        "Lumbar X-rays, 3 views, leaving the original request IMR eligible. The original "
        "request, Lumbar MRI with contrast is: Upheld"
    )


def test_the_preview_renders_the_draft_with_the_body_in_the_order_of_the_spec():
    determination = approved_determination(outcomes=("upheld", "overturned"))
    determination.status = DeterminationStatus.DRAFT
    determination.decision_date = None
    determination.save()

    html = letter_html(determination)

    assert 'href="/static/letters/letter.css"' in html
    # The phone's rules only where the page is that narrow; the PDF never links them.
    assert (
        '<link rel="stylesheet" href="/static/letters/letter-phone.css" '
        'media="screen and (max-width: 600px)">'
    ) in html
    assert "Not yet mailed" in html
    labels = [
        "Case Number:",
        "Date Assigned:",
        "Date of Injury:",
        "Decision Date:",
        "UR Denial Date:",
        "Priority:",
        "Application Received:",
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "The Expert Reviewer has the following credentials:",
        "State(s) of Licensure: California, Nevada",
        "Certification(s)/Specialty: Pain Management, Anesthesiology",
        "CLINICAL CASE SUMMARY",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "Disputed treatment number 1: Upheld",
        "Claims Administrator guideline:",
        "IMR Desk guideline:",
        "Decision rationale:",
        "Disputed treatment number 2: Overturned",
    ]
    body = html[html.index('<div class="facts">') :]
    text = re.sub(r"<[^>]+>", "", body)
    assert_in_order(re.sub(r"\s+", " ", text), labels)


def test_the_public_letter_is_the_body_only_without_names_or_claim_number():
    determination = approved_determination(attorney=True)
    case = determination.case

    html = letter_html(determination, public=True)

    assert case.case_number in html
    assert "CLINICAL CASE SUMMARY" in html
    for private in (
        case.worker_last_name,
        case.claim_number,
        "Acme Foods",
        "Dr. Lee Park",
        "Pacific Claims Services",
        "Morgan Counsel",
        "Mailing Date",
        "DOCUMENTS REVIEWED",
        "Sincerely",
    ):
        assert private not in html, private


def test_the_party_letter_addresses_the_attorney_and_copies_the_worker_and_employer():
    determination = approved_determination(attorney=True)
    case = determination.case

    context = letter_context(determination, public=False)

    assert [a.role_label for a in context["addressees"]] == [
        "Attorney for the Injured Worker",
        "Requesting Provider",
        "Claims Administrator",
    ]
    assert [c.name for c in context["cc"]] == [case.worker_name, "Acme Foods, Inc."]


# --- The PDF ----------------------------------------------------------------------------------


@pytest.fixture
def delivered_letter(django_capture_on_commit_callbacks):
    determination = approved_determination(
        outcomes=("upheld", "overturned"),
        records=(
            ("PR-2 progress report", dt.date(2026, 10, 19), 4),
            ("MRI of the right shoulder", None, 2),
        ),
    )
    return produce(determination, django_capture_on_commit_callbacks)


def test_the_party_pdf_carries_every_part_of_the_spec_in_reading_order(delivered_letter):
    letter = delivered_letter
    case = letter.case
    text = body_flat(pdf_text(stored(letter.party_pdf)))

    parts = [
        "IMR Desk Review Organization",  # letterhead
        f"Mailing Date: {letter.mailing_date:%m/%d/%Y}",
        f"Injured Worker: {case.worker_name} 12 Orchard Lane Fresno, CA 93701",
        "Requesting Provider: Dr. Lee Park 400 Clinic Way",
        "Claims Administrator: Pacific Claims Services",
        f"Claim Number: {case.claim_number}",
        f"Injured Worker: {case.worker_name}",
        "Employer: Acme Foods, Inc.",
        "The Final Determination is: Partially Overturned",
        "Date Assigned: 11/03/2026",
        "HOW THE IMR FINAL DETERMINATION WAS MADE",
        "CLINICAL CASE SUMMARY",
        "IMR ISSUES, DECISIONS AND RATIONALES",
        "Disputed treatment number 1: Upheld",
        "Disputed treatment number 2: Overturned",
        "DOCUMENTS REVIEWED",
        "PR-2 progress report, 10/19/2026, 4 pages",
        "MRI of the right shoulder, undated, 2 pages",
        "NOTICES",
        "binding on the employee and the employer",
        "unless an appeal is filed",
        "authorize a service not yet provided within 5 working days",
        "verified petition",
        "cc:",
        "Sincerely,",
        "Medical Director",
    ]
    assert_in_order(text, parts)


def test_an_e_mailed_letter_counts_receipt_the_same_day_and_the_appeal_with_five_days(
    delivered_letter,
):
    letter = delivered_letter
    text = body_flat(pdf_text(stored(letter.party_pdf)))

    # E-mailed on its mailing date: received that day (8 CCR 9792.10.7(a)); the appeal still
    # gets 5 days, as for any service but personal service (8 CCR 10605(a)).
    mailed = letter.mailing_date
    assert (letter.sent_by, letter.served_on) == (SentBy.ELECTRONIC, mailed)
    clocks = compute(Facts(letter_mailed_on=mailed, letter_sent_by="electronic"))
    assert clocks.appeal_deadline.on >= mailed + dt.timedelta(days=35)
    assert (
        f"Counted from receipt of this letter (by e-mail, the day it is sent), authorization is "
        f"due by {clocks.authorization_due_on.on:%m/%d/%Y}" in text
    )
    assert (
        "reimbursement of a service already provided by "
        f"{clocks.reimbursement_due_on.on:%m/%d/%Y}" in text
    )
    assert (
        "Counted from the date of service of this letter, with 5 days added for service other "
        "than personal service to an address in California (10 days to an address elsewhere "
        "in the United States, 20 outside it: 8 CCR 10605(a)), the 30 days for an appeal end on "
        f"{clocks.appeal_deadline.on:%m/%d/%Y}" in text
    )


def test_a_letter_with_no_overturned_item_has_no_authorization_notice(
    django_capture_on_commit_callbacks,
):
    letter = produce(approved_determination(), django_capture_on_commit_callbacks)
    text = body_flat(pdf_text(stored(letter.party_pdf)))
    assert "verified petition" in text
    assert "authorize a service" not in text
    assert "unless an appeal is filed" not in text


def test_pdf_is_us_letter_with_page_numbers_bundled_fonts_and_the_org_as_author(
    delivered_letter,
):
    pdf = stored(delivered_letter.party_pdf)
    info = pdf_info(pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))

    assert "612 x 792 pts (letter)" in info
    assert (
        f"Title:           Final Determination Letter {delivered_letter.case.case_number}" in info
    )
    assert "Author:          IMR Desk Review Organization" in info
    text = pdf_text(pdf)
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in text
    fonts = {
        font.get("/BaseFont")
        for page in PdfReader(BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].get_object().values()
    }
    # Only the bundled faces, subset and embedded: the same PDF with or without system fonts.
    assert fonts and all(
        re.fullmatch(r"/[A-Z]{6}\+IMR-Letter-Serif(-Bold)?-Semi-Condensed", f) for f in fonts
    )


def test_the_signed_public_pdf_has_no_names_and_no_claim_number(delivered_letter):
    case = delivered_letter.case
    text = pdf_text(stored(delivered_letter.public_pdf))
    assert case.case_number in text
    assert "CLINICAL CASE SUMMARY" in text
    for private in (
        case.worker_first_name,
        case.worker_last_name,
        case.claim_number,
        "Acme Foods",
        "Dr. Lee Park",
        "Pacific Claims",
        "Orchard Lane",
    ):
        assert private not in text


def test_reviewer_name_is_in_no_pdf_text_metadata_signature_or_email(delivered_letter):
    letter = delivered_letter
    names = (LETTER_REVIEWER_FIRST_NAME, LETTER_REVIEWER_LAST_NAME)
    for pdf in (stored(letter.party_pdf), stored(letter.public_pdf)):
        text = pdf_text(pdf) + pdf_info(pdf)
        for name in names:
            assert name not in text
            assert name.encode() not in pdf
            assert name.encode("utf-16-be") not in pdf
        # The signature names the organization.
        assert b"/Name (IMR Desk Review Organization)" in pdf
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        rendered = message.message().as_string()
        for name in names:
            assert name not in rendered


class RecordingFetcher:
    """Wraps the letter's URL fetcher and records every URL the renderer asked for."""

    def __init__(self):
        self.inner = static_file_fetcher()
        self.urls: list[str] = []
        self.refused: list[str] = []
        self._fail_on_errors = False

    def __call__(self, url):
        self.urls.append(url)
        try:
            return self.inner.fetch(url)
        except URLRefused:
            self.refused.append(url)
            raise

    fetch = __call__


HOSTILE = {
    "img": '<img src="http://127.0.0.1:1/x.png">',
    "link": '<link rel=stylesheet href="http://127.0.0.1:1/y.css">',
    "css": "<style>p{background:url(http://127.0.0.1:1/z)}</style>",
    "file": "file:///etc/passwd",
    "import": "@import url(http://127.0.0.1:1/w.css);",
}


def test_user_text_with_html_css_or_urls_prints_literally_and_fetches_nothing():
    determination = approved_determination(
        summary=f"Summary {HOSTILE['img']} and {HOSTILE['css']}",
        rationale=f"Rationale {HOSTILE['link']} then {HOSTILE['import']}",
        descriptions=[f"Item {HOSTILE['file']}"],
    )
    determination.case.worker_last_name = "<b>Ruiz</b>"
    determination.case.save()
    fetcher = RecordingFetcher()

    html = _letter_html_for_pdf(determination, public=False, letter=None)
    pdf = letter_pdf(html, url_fetcher=fetcher)

    # Only the bundled fonts were read, from our own static folder; nothing else was asked for.
    assert fetcher.refused == []
    assert fetcher.urls and all(
        url.startswith("file://") and "/static/fonts/DejaVuSerifCondensed" in url
        for url in fetcher.urls
    )
    squeezed = re.sub(r"\s+", "", pdf_text(pdf))
    for text in (*HOSTILE.values(), "<b>Ruiz</b>"):
        assert re.sub(r"\s+", "", text) in squeezed


def test_the_letters_stylesheet_parses_in_weasyprint_without_a_warning(caplog):
    # A rule WeasyPrint cannot read is dropped with a warning in the worker's log each time a
    # process parses the stylesheet: operators would learn to read past warnings.
    from weasyprint import CSS

    from reviews.letters.render import _letter_stylesheet_path

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        CSS(filename=str(_letter_stylesheet_path()))

    assert [record.getMessage() for record in caplog.records] == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:1/x.png",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        "data:text/css,p{}",
    ],
)
def test_the_url_fetcher_refuses_everything_but_the_letters_static_files(url, settings):
    fetcher = static_file_fetcher()
    with pytest.raises(URLRefused):
        fetcher.fetch(url)
    static = settings.BASE_DIR / "static"
    # Not even our own static files outside the letter's folders, nor a way out of them.
    for path in (static / "css" / "base.css", static / "fonts" / ".." / ".." / "manage.py"):
        with pytest.raises(URLRefused):
            fetcher.fetch(path.as_uri())
    font = fetcher.fetch((static / "fonts" / "DejaVuSerifCondensed.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"


# --- Producing a letter -------------------------------------------------------------------------


def test_producing_signs_stores_delivers_and_issues_the_case(delivered_letter):
    import hashlib

    letter = delivered_letter
    case = letter.case
    determination = letter.determination
    determination.refresh_from_db()
    case.refresh_from_db()

    assert letter.status == LetterStatus.DELIVERED
    assert letter.attempts == 1 and letter.error == ""
    assert letter.signed_at is not None
    assert letter.letter_text == LetterText.objects.get(version=1)
    for field, digest in (
        (letter.party_pdf, letter.party_sha256),
        (letter.public_pdf, letter.public_sha256),
    ):
        content = stored(field)
        assert content.startswith(b"%PDF-")
        assert hashlib.sha256(content).hexdigest() == digest
    assert case.status == CaseStatus.ISSUED
    assert determination.status == DeterminationStatus.ISSUED
    assert case.assignments.get().status == AssignmentStatus.COMPLETED

    deliveries = {d.email: d.recipient_role for d in LetterDelivery.objects.filter(letter=letter)}
    assert deliveries == {
        "ana.worker@example.org": "injured_worker",
        "lee.park@example.org": PartyRole.REQUESTING_PROVIDER,
        "claims@example.org": PartyRole.CLAIMS_ADMINISTRATOR,
        # The cc list is served too.
        "hr@acme.example.org": PartyRole.EMPLOYER,
    }
    message = mail.outbox[0]
    assert message.subject == f"Final Determination Letter, IMR case {case.case_number}"
    (name, content, mimetype) = message.attachments[0]
    assert name == f"{case.case_number}-final-determination-v1.pdf"
    assert mimetype == "application/pdf"
    assert content == stored(letter.party_pdf)
    types = list(CaseEvent.objects.filter(case=case).values_list("type", flat=True))
    assert types.count(EventType.LETTER_DELIVERED) == 4
    issued = CaseEvent.objects.get(case=case, type=EventType.LETTER_ISSUED)
    assert issued.details["from_status"] == CaseStatus.APPROVED
    assert issued.details["to_status"] == CaseStatus.ISSUED
    assert issued.details["party_sha256"] == letter.party_sha256


def test_a_second_run_finds_the_letter_done_and_never_renders_again(delivered_letter, monkeypatch):
    letter = delivered_letter
    before = stored(letter.party_pdf)

    def no_render(*args, **kwargs):
        raise AssertionError("a signed letter was rendered again")

    monkeypatch.setattr(letter_services, "letter_pdf", no_render)
    assert letter_produce(letter_id=letter.pk).endswith("already delivered")

    letter.refresh_from_db()
    assert stored(letter.party_pdf) == before
    assert len(mail.outbox) == 4
    assert CaseEvent.objects.filter(case=letter.case, type=EventType.LETTER_ISSUED).count() == 1


def test_a_transient_mail_error_is_retried_and_nobody_gets_the_letter_twice(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send
    calls = {"n": 0}

    def flaky_send(self, fail_silently=False):
        calls["n"] += 1
        if calls["n"] in (2, 3):  # the second recipient's message fails twice
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    letter = produce(approved_determination(), django_capture_on_commit_callbacks)

    assert letter.status == LetterStatus.DELIVERED
    assert letter.attempts == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [
            "ana.worker@example.org",
            "lee.park@example.org",
            "claims@example.org",
            "hr@acme.example.org",
        ]
    )
    assert letter.deliveries.count() == 4


def test_after_the_last_try_the_letter_shows_failed_and_a_retry_delivers_it(
    django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.mail import EmailMessage

    real_send = EmailMessage.send

    def refused(self, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailMessage, "send", refused)
    letter = produce(approved_determination(), django_capture_on_commit_callbacks)

    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == 6  # the first try and five retries
    assert "Connection refused" in letter.error
    assert letter.party_sha256  # signed before the mail failed: kept, never rendered again
    assert letter.case.status == CaseStatus.APPROVED
    signed_bytes = stored(letter.party_pdf)

    monkeypatch.setattr(EmailMessage, "send", real_send)
    admin = UserFactory(role=Role.CASE_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        letter_retry(letter=letter, actor=admin)
    letter.refresh_from_db()

    assert letter.status == LetterStatus.DELIVERED
    assert letter.error == ""
    assert stored(letter.party_pdf) == signed_bytes
    letter.case.refresh_from_db()
    assert letter.case.status == CaseStatus.ISSUED


def test_a_render_error_marks_the_letter_failed_at_once(
    django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("layout exploded")

    monkeypatch.setattr(letter_services, "letter_pdf", broken)
    letter = produce(approved_determination(), django_capture_on_commit_callbacks)

    assert letter.status == LetterStatus.FAILED
    assert letter.attempts == 1
    assert letter.error == "ValueError: layout exploded"
    assert not letter.party_sha256


def test_retry_is_refused_for_a_letter_that_did_not_fail(delivered_letter):
    with pytest.raises(ValidationError, match="has neither failed nor stuck"):
        letter_retry(letter=delivered_letter, actor=None)


def test_a_correction_is_a_new_version_and_the_old_one_stays(
    delivered_letter, django_capture_on_commit_callbacks
):
    first = delivered_letter
    first_bytes = stored(first.party_pdf)
    admin = UserFactory(role=Role.CASE_ADMIN)
    mail.outbox.clear()

    with pytest.raises(ValidationError, match="what the corrected version changes"):
        letter_correct(case=first.case, actor=admin, correction_note="  ", password=PASSWORD)
    with pytest.raises(ValidationError, match="Say what the corrected version changes"):
        # From a review: a zero-width space printed "This letter amends ...: " and nothing.
        letter_correct(
            case=first.case, actor=admin, correction_note="\u200b\u2060", password=PASSWORD
        )
    with django_capture_on_commit_callbacks(execute=True):
        second = letter_correct(
            case=first.case,
            actor=admin,
            correction_note="Corrected the date of injury.",
            password=PASSWORD,
        )
    second.refresh_from_db()
    first.refresh_from_db()

    assert second.version == 2
    assert second.status == LetterStatus.DELIVERED
    assert second.party_sha256 != first.party_sha256
    assert stored(first.party_pdf) == first_bytes
    assert first.status == LetterStatus.DELIVERED
    assert len(mail.outbox) == 4
    assert "version 2" in mail.outbox[0].body
    assert "Corrected the date of injury." in mail.outbox[0].body
    issued = CaseEvent.objects.filter(case=first.case, type=EventType.LETTER_ISSUED).last()
    assert issued.details["version"] == 2
    assert issued.details["from_status"] is None  # the case was already issued


def test_a_claim_number_printed_wrong_is_corrected_and_the_amended_letter_prints_it(
    delivered_letter, django_capture_on_commit_callbacks
):
    # Given an issued letter that printed the claim number wrong
    first = delivered_letter
    case = first.case
    wrong = case.claim_number
    assert wrong in body_flat(pdf_text(stored(first.party_pdf)))
    admin = UserFactory(role=Role.CASE_ADMIN)

    # When the administrator corrects it, then issues a corrected version
    case_facts_edit(case=case, actor=admin, changes={"claim_number": "05-999999"})
    with django_capture_on_commit_callbacks(execute=True):
        second = letter_correct(
            case=case,
            actor=admin,
            correction_note=f"The claim number is 05-999999, not {wrong}.",
            password=PASSWORD,
        )
    second.refresh_from_db()
    first.refresh_from_db()

    # Then the amended version prints the corrected number; the first stays as it was signed
    amended = body_flat(pdf_text(stored(second.party_pdf)))
    assert "05-999999" in amended and "AMENDED" in amended
    assert wrong in body_flat(pdf_text(stored(first.party_pdf)))
    assert "05-999999" not in body_flat(pdf_text(stored(first.party_pdf)))
    edited = CaseEvent.objects.get(case=case, type=EventType.FACTS_EDITED)
    assert edited.details["changes"] == [
        {"field": "claim_number", "old": wrong, "new": "05-999999"}
    ]


def test_an_amended_letter_prints_amended_and_its_reason_and_is_served_again(
    delivered_letter, django_capture_on_commit_callbacks, client
):
    first = delivered_letter
    first_recipients = sorted(first.deliveries.values_list("email", flat=True))
    admin = UserFactory(role=Role.CASE_ADMIN)
    with pytest.raises(ValidationError, match="not your password"):
        letter_correct(case=first.case, actor=admin, correction_note="x", password="wrong")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        second = letter_correct(
            case=first.case,
            actor=admin,
            correction_note="The date of injury was 07/22/2025, not 07/12/2025.",
            password=PASSWORD,
        )
    second.refresh_from_db()

    text = body_flat(pdf_text(stored(second.party_pdf)))
    assert "AMENDED" in text
    assert (
        f"This letter amends the letter of {first.mailing_date:%m/%d/%Y}: The date of injury "
        "was 07/22/2025, not 07/12/2025." in text
    )
    # The public version says it amends, not why: the reason is typed freely and may name the
    # worker (a QA pass typed "Corrects the injured worker's name to ... (DOB ...)").
    public = body_flat(pdf_text(stored(second.public_pdf)))
    assert "AMENDED" in public
    assert f"This letter amends the letter of {first.mailing_date:%m/%d/%Y}." in public
    assert "The date of injury was" not in public and "not 07/12/2025" not in public
    assert "AMENDED" not in pdf_text(stored(first.party_pdf))
    # Served again to every party the first version went to.
    assert sorted(second.deliveries.values_list("email", flat=True)) == first_recipients
    assert sorted(to for message in mail.outbox for to in message.to) == first_recipients
    amended = CaseEvent.objects.get(case=first.case, type=EventType.LETTER_AMENDED)
    assert amended.actor == admin and amended.details["amends_version"] == 1
    assert amended.details["reason"].startswith("The date of injury")

    # The first version stays downloadable, and verifies as superseded.
    client.force_login(admin)
    download = client.get(
        reverse("letters:letter_download", args=[first.case.case_number, 1, "party"])
    )
    assert b"".join(download.streaming_content) == stored(first.party_pdf)
    upload = SimpleUploadedFile("v1.pdf", stored(first.party_pdf), "application/pdf")
    page = client.post(reverse("letters:letter_verify"), {"file": upload}).content.decode()
    assert "Not verified" in page and "Superseded by version 2" in page


def test_an_amended_version_not_yet_served_says_when_the_version_it_replaces_was(
    delivered_letter, django_capture_on_commit_callbacks
):
    """From QA: after an amendment the appeal date went ("Not yet: 2 of 4 copies served"),
    with no word that the first version had been served on every party."""
    from reviews.letters.models import DeliveryStatus  # the copy's state, set for the test
    from reviews.letters.selectors import letter_service_for  # the clock's reading

    first = delivered_letter
    first.refresh_from_db()
    assert first.served_on is not None
    with django_capture_on_commit_callbacks(execute=True):
        second = letter_correct(
            case=first.case,
            actor=UserFactory(role=Role.CASE_ADMIN),
            correction_note="The date of injury.",
            password=PASSWORD,
        )
    # One copy of the amended version waits for an address.
    second.deliveries.filter(pk=second.deliveries.first().pk).update(
        status=DeliveryStatus.NO_ADDRESS, served_on=None
    )
    type(second).objects.filter(pk=second.pk).update(served_on=None)
    service = letter_service_for(first.case)
    assert service.served_on is None
    assert (
        f"Version 1, the last served before this amended version, was served on every party by "
        f"{first.served_on:%m/%d/%Y}." in service.not_served
    )
    # A copy of version 1 the amendment replaced before it went out was never served (from QA:
    # "on every party" beside the panel's "3 copies not sent").
    copies = first.deliveries.count()
    first.deliveries.filter(pk=first.deliveries.first().pk).update(
        status=DeliveryStatus.REPLACED, served_on=None
    )
    assert (
        f"was served on {copies - 1} of its {copies} addressees by {first.served_on:%m/%d/%Y}."
        in letter_service_for(first.case).not_served
    )


def test_only_an_issued_case_has_a_letter_to_amend():
    determination = approved_determination()
    admin = UserFactory(role=Role.CASE_ADMIN)
    with pytest.raises(ValidationError, match="no issued letter to amend"):
        letter_correct(case=determination.case, actor=admin, correction_note="x", password=PASSWORD)


def test_a_second_letter_waits_while_one_is_being_produced():
    determination = approved_determination()
    letter_request(determination=determination, actor=None, enqueue=False)
    with pytest.raises(ValidationError, match="still being produced"):
        letter_request(determination=determination, actor=None, correction_note="x", enqueue=False)


def test_a_draft_determination_cannot_become_a_letter():
    determination = approved_determination()
    determination.status = DeterminationStatus.SUBMITTED
    determination.save()
    with pytest.raises(ValidationError, match="Only an approved determination"):
        letter_request(determination=determination, actor=None)


# --- The organization's text ---------------------------------------------------------------


def test_editing_the_paragraphs_makes_a_new_version_and_letters_keep_theirs(
    delivered_letter, django_capture_on_commit_callbacks
):
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    organization_update(actor=admin, short_name="CIRO", name="California IRO")
    text = letter_text_update(
        actor=admin,
        how_made="{org} chose an independent expert reviewer.",
        issues_lead_in="The decisions follow:",
    )
    assert text.version == 2
    assert text.created_by == admin
    assert letter_text_update(actor=admin, issues_lead_in="The decisions follow:") == text
    with pytest.raises(ValidationError):
        letter_text_update(actor=admin, how_made="No organization name here.")
    # From QA: a mistyped placeholder was saved and printed as such in signed notices.
    with pytest.raises(ValidationError, match="“{Org}” would print as it is"):
        letter_text_update(actor=admin, assignment_notice="Assigned to {Org} today.")

    second = produce(
        delivered_letter.determination,
        django_capture_on_commit_callbacks,
        correction_note="New wording.",
    )
    new_text = body_flat(pdf_text(stored(second.public_pdf)))
    old_text = body_flat(pdf_text(stored(delivered_letter.public_pdf)))
    assert second.letter_text == text
    assert "California IRO chose an independent expert reviewer." in new_text
    assert "CIRO guideline: Decision based on" in new_text
    assert "IMR Desk guideline:" in old_text and "CIRO" not in old_text


def test_export_case_lists_each_letter_with_the_hashes_of_its_signed_bytes(delivered_letter):
    import hashlib

    from cases.casefile.exports import case_export

    letters = case_export(delivered_letter.case)["letters"]
    assert len(letters) == 1
    (entry,) = letters
    assert entry["version"] == 1 and entry["status"] == "delivered"
    with delivered_letter.party_pdf.open("rb") as handle:
        assert entry["party_sha256"] == hashlib.sha256(handle.read()).hexdigest()
    assert entry["public_sha256"] == delivered_letter.public_sha256
    assert entry["sent_by"] == "electronic"
    assert entry["served_on"] == entry["mailing_date"] == delivered_letter.mailing_date.isoformat()


def test_a_delivered_letter_was_served_electronically_on_its_mailing_date(delivered_letter):
    # Letters go out by e-mail only; an appeal period is counted from their service.
    assert delivered_letter.sent_by == SentBy.ELECTRONIC
    assert delivered_letter.served_on == delivered_letter.mailing_date is not None


def test_a_letter_with_nobody_to_email_waits_for_the_post_and_is_not_yet_served(
    django_capture_on_commit_callbacks,
):
    determination = approved_determination(outcomes=("upheld",))
    case = determination.case
    case.worker_email = ""
    case.save(update_fields=["worker_email"])
    case.parties.update(email="")

    letter = produce(determination, django_capture_on_commit_callbacks)

    statuses = dict(letter.deliveries.values_list("recipient_role", "status"))
    # Addressed parties with a postal address go to the print queue; the others wait.
    assert statuses == {
        "injured_worker": "to_print",
        PartyRole.REQUESTING_PROVIDER: "to_print",
        PartyRole.CLAIMS_ADMINISTRATOR: "no_address",
        PartyRole.EMPLOYER: "no_address",
    }
    assert not mail.outbox
    assert letter.status == LetterStatus.DELIVERED
    assert letter.sent_by == SentBy.MAIL and letter.served_on is None


def test_the_api_case_detail_lists_each_letters_service(delivered_letter, case_admin):
    client = api_client_for(case_admin)

    response = client.get(f"/api/v1/cases/{delivered_letter.case.case_number}/")

    assert response.status_code == 200
    (entry,) = response.json()["letters"]
    assert entry["sent_by"] == "electronic"
    assert entry["served_on"] == delivered_letter.mailing_date.isoformat()


def test_the_signature_never_stands_alone_on_the_last_page():
    """From a QA pass: a letter's page 4 held only "Sincerely, Medical Director, ...", its copies
    list ending page 3. The list goes over with the signature instead."""
    for spacer in ("8.0in", "8.6in"):  # the copies list fits on page 1, the signature not
        html = (
            f'<html><body><div class="letter"><div style="height: {spacer}"></div>'
            '<p class="cc"><span class="label">cc:</span><br>Acme Foods (Employer)'
            "<br>Golden State Claims (Claims Administrator)</p>"
            '<div class="signature"><p>Sincerely,</p><p>Medical Director<br>Independent '
            "Medical Review<br>IMR Desk Review Organization</p></div></div></body></html>"
        )
        pages = [page.extract_text() for page in PdfReader(BytesIO(letter_pdf(html))).pages]
        last = pages[-1]
        assert "Sincerely" in last and "cc:" in last and "Golden State Claims" in last, spacer


def test_a_word_longer_than_the_line_breaks_onto_the_next_and_prints_whole():
    """From a QA pass: a 300-character word (a pasted accession number) ran off the right edge
    of the signed letter; pdftotext recovered 118 of its characters."""
    word = "".join(f"{n:03d}AB" for n in range(60))  # 300 characters, no space or hyphen
    html = f'<html><body><div class="letter"><p>Imaging: {word} reviewed.</p></div></body></html>'
    (page,) = PdfReader(BytesIO(letter_pdf(html))).pages
    text = page.extract_text()
    assert word in "".join(text.split())
    assert text.count("\n") >= 4  # broken over several lines, not one line off the paper


def test_chinese_japanese_and_korean_print_as_letters_not_empty_boxes(caplog):
    """From a QA pass: a worker named 지민 김 and a rationale quoting 中文 printed as empty boxes
    (only DejaVu was installed); bootstrap and the image install Noto CJK."""
    html = (
        '<html><body><div class="letter"><p>Worker: 지민 김 (金智敏), 中文, テスト; '
        "José García.</p></div></body></html>"
    )
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = letter_pdf(html)
    assert not [record for record in caplog.records if ".notdef" in record.getMessage()]
    (page,) = PdfReader(BytesIO(pdf)).pages
    assert "지민 김 (金智敏), 中文, テスト" in page.extract_text()
