"""The case-file notices: the Notice of Assignment and Request for Information (8 CCR
9792.10.4(b), 9792.10.5(a)) and the written notice of ineligibility (9792.10.3(c)), produced by
the letters room's task when the eligibility finding is made."""

import datetime as dt
import hashlib
from io import BytesIO
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from pypdf import PdfReader

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import (
    Case,
    CaseEvent,
    EligibilityFinding,
    EventType,
    IneligibilityReason,
    PartyRole,
    SentBy,
)
from cases.outbox.models import FollowUpState
from cases.outbox.services import follow_ups_relay
from reviews.letters import notices
from reviews.letters.defaults import LETTER_TEXT_FIELDS
from reviews.letters.models import DeliveryStatus, LetterStatus, Notice, NoticeKind, PrintBatch
from reviews.letters.render import letter_text_current
from tests.cases.helpers import overrides_for
from tests.factories import UserFactory
from tests.reviews.letter_utils import body_flat, party_service_changed, pdf_text

pytestmark = pytest.mark.django_db
D = dt.date


def _employer_by_email(case):
    case.parties.filter(role=PartyRole.EMPLOYER).update(
        email="hr@acme.example.org", e_service_consent=True
    )


def _eligible(case, actor, capture, **kwargs):
    with capture(execute=True):
        case_eligibility_record(
            case=case, actor=actor, eligible=True, overrides=overrides_for(case), **kwargs
        )
    return Notice.objects.get(case=case, kind=NoticeKind.NOTICE_OF_ASSIGNMENT)


def _employer_given_email(case, actor, capture):
    """The employer, whose copy waited for an address, gives an e-mail with consent: the held
    copy is e-mailed (served that day)."""
    with capture(execute=True):
        party_service_changed(
            case,
            actor,
            PartyRole.EMPLOYER,
            email="hr@acme.example.org",
            delivery_method="email",
            e_service_consent=True,
        )


def _pdf(notice) -> bytes:
    notice.refresh_from_db()
    with notice.pdf.open("rb") as stored:
        return stored.read()


def test_the_eligible_finding_produces_the_notice_of_assignment_with_the_records_request(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    _employer_by_email(parties_case)
    today = timezone.localdate()
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)

    notice.refresh_from_db()
    assert notice.status == LetterStatus.DELIVERED
    pdf = _pdf(notice)
    assert notice.sha256 == hashlib.sha256(pdf).hexdigest()
    raw = pdf_text(pdf)
    # body_flat drops lines that look like running headers ("Case Number: CM..."): read raw.
    assert f"Case Number: {parties_case.case_number}" in raw
    text = body_flat(raw)
    assert "NOTICE OF ASSIGNMENT AND REQUEST FOR INFORMATION" in text
    for expected in (
        "Claim Number: 05-771234",
        "Maria Lopez",
        "Date of Injury: 07/22/2025",
        "Application Received: 11/02/2026",
        "UR Decision Date: 10/20/2026",
        f"Date of this notice: {today:%m/%d/%Y}",
        "Attorney for the Injured Worker: Reyes & Park LLP",
        "Employer: Acme Foods Inc.",
        "Requesting Provider: Dr. Lee Chen",
        "Claims Administrator: Golden State Claims",
        "MRI of the right shoulder",
        "Physical therapy, 12 visits",
        "8 CCR 9792.10.5(a)(1)(A)-(D)",
        "(A) All reports of the physician relevant",
        "(B) The Application for Independent Medical Review (DWC Form IMR)",
        "(C) Other than the written utilization review determination",
        "(D) Any materials the employee",
    ):
        assert expected in text, expected
    # Served electronically today: the date the notice prints is the case's records due date
    # (12 days after an electronic notice, 9792.10.5(a)(1)).
    parties_case = Case.objects.get(pk=parties_case.pk)  # no cached clock
    assert parties_case.notice_sent_by == SentBy.ELECTRONIC
    assert f"Records due: {parties_case.clock.records_due_on:%m/%d/%Y}" in text
    # Every addressee got it by e-mail (each consented, the employer too here).
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chen@example.org",
        "claims@example.org",
        "hr@acme.example.org",
        "law@example.org",
        "maria@example.org",
    ]
    assert all(m.attachments[0][2] == "application/pdf" for m in mail.outbox)


def test_the_notice_of_ineligibility_prints_the_reasons_with_their_citations_and_what_next(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_eligibility_record(
            case=parties_case,
            actor=case_admin,
            eligible=False,
            reasons=[IneligibilityReason.LATE, IneligibilityReason.NOT_SIGNED],
            note="Received 41 days after the UR decision was served.",
        )
    notice = Notice.objects.get(case=parties_case, kind=NoticeKind.INELIGIBILITY_NOTICE)
    assert notice.status == LetterStatus.DELIVERED
    raw = pdf_text(_pdf(notice))
    assert f"Case Number: {parties_case.case_number}" in raw
    text = body_flat(raw)
    for expected in (
        "NOTICE OF INELIGIBILITY FOR INDEPENDENT MEDICAL REVIEW",
        "Claim Number: 05-771234",
        "(8 CCR 9792.10.3(c))",
        "Application filed late (8 CCR 9792.10.1(b)(1))",
        "Application not signed (8 CCR 9792.10.1(b)(1))",
        "Note: Received 41 days after the UR decision was served.",
        "WHAT HAPPENS NEXT",
        "Workers' Compensation Appeals Board",
        f"Date of the finding: {timezone.localdate():%m/%d/%Y}",
        "Requesting Provider: Dr. Lee Chen",
    ):
        assert expected in text, expected
    assert not Notice.objects.filter(kind=NoticeKind.NOTICE_OF_ASSIGNMENT).exists()


def test_the_task_produces_each_notice_once(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    events = CaseEvent.objects.filter(case=parties_case).count()

    assert "already delivered" in notices.notice_produce(notice_id=notice.pk)
    # The finding's hook called again for the same event finds the notice it made.
    event = notice.event
    again = notices.notice_after_finding(
        case=parties_case, actor=case_admin, event=event, eligible=True
    )
    assert again.pk == notice.pk
    assert Notice.objects.filter(case=parties_case).count() == 1
    assert len(mail.outbox) == sent
    assert CaseEvent.objects.filter(case=parties_case).count() == events


def test_a_signed_notice_is_never_rendered_again(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    # Every try fails to send (eager Celery retries at once, then marks it failed).
    with mock.patch.object(notices, "notice_deliver", side_effect=OSError("mail server down")):
        _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(case=parties_case)
    assert notice.status == LetterStatus.FAILED and notice.sha256
    signed = _pdf(notice)

    with mock.patch.object(notices, "notice_render_signed") as render:
        notices.notice_retry(notice=notice, actor=case_admin)
        notices.notice_produce(notice_id=notice.pk)
    render.assert_not_called()
    notice.refresh_from_db()
    assert notice.status == LetterStatus.DELIVERED
    assert _pdf(notice) == signed
    assert all(m.attachments[0][1] == signed for m in mail.outbox)


def test_a_broker_outage_leaves_a_queued_notice_that_the_relay_hands_over(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    with mock.patch.object(
        notices.tasks.notice_render, "apply_async", side_effect=OperationalError("no broker")
    ):
        notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    assert notice.status == LetterStatus.QUEUED
    assert notices.notice_follow_up(notice).state == FollowUpState.WAITING
    parties_case.refresh_from_db()
    assert parties_case.status == "awaiting_records"  # the finding stands

    later = timezone.now() + dt.timedelta(minutes=10)
    assert follow_ups_relay(now=later)["published"] == 1
    notice.refresh_from_db()
    assert notice.status == LetterStatus.DELIVERED
    assert notices.notice_follow_up(notice).state == FollowUpState.DONE


def test_the_records_clock_runs_from_the_date_of_service(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    _employer_by_email(parties_case)
    today = timezone.localdate()
    intended = today - dt.timedelta(days=3)
    notice = _eligible(
        parties_case,
        case_admin,
        django_capture_on_commit_callbacks,
        notice_on=max(intended, parties_case.application_received),
    )
    notice.refresh_from_db()
    parties_case = Case.objects.get(pk=parties_case.pk)  # no cached clock
    assert notice.intended_on == max(intended, parties_case.application_received)
    assert notice.served_on == today
    assert (parties_case.date_assigned, parties_case.notice_sent_by) == (today, SentBy.ELECTRONIC)
    assert parties_case.due_on == parties_case.clock.records_due_on
    served = CaseEvent.objects.get(case=parties_case, type=EventType.NOTICE_SERVED)
    assert served.details["clock_moved"] is True
    assert served.details["served_on"] == today.isoformat()


def test_a_notice_nobody_can_be_emailed_stays_unserved_and_the_case_keeps_the_finding_date(
    case, case_admin, django_capture_on_commit_callbacks
):
    notice = _eligible(
        case, case_admin, django_capture_on_commit_callbacks, notice_on=D(2026, 11, 3)
    )
    notice.refresh_from_db()
    case.refresh_from_db()
    # Handed to the print queue (nobody has an e-mail address): not served until posted.
    assert notice.status == LetterStatus.DELIVERED and notice.served_on is None
    assert case.date_assigned == D(2026, 11, 3)
    assert not CaseEvent.objects.filter(case=case, type=EventType.NOTICE_SERVED).exists()


def test_the_case_page_says_plainly_that_the_notice_date_waits_for_service(
    client, case, case_admin, django_capture_on_commit_callbacks
):
    """From a QA pass: "the date the finding intended: the notice is signed, 4 copies waiting
    for an address, not yet served ..." read as a garble."""
    _eligible(case, case_admin, django_capture_on_commit_callbacks, notice_on=D(2026, 11, 3))
    client.force_login(case_admin)

    html = client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()

    line = html.split('id="notice-date-kind">', 1)[1].split("</span>", 1)[0]
    assert line.startswith(
        "the date planned at the eligibility finding. The notice is not yet served on every "
        "party (signed, "
    )
    assert line.endswith("); once it is, the records are due from the date of service")
    assert "the finding intended" not in html


def test_the_case_page_lists_the_notices_with_download_and_says_which_date(
    client, parties_case, case_admin, django_capture_on_commit_callbacks
):
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    client.force_login(case_admin)
    page = client.get(reverse("casefile:case_detail", args=[parties_case.case_number]))
    html = page.content.decode()
    assert "Notice of Assignment and Request for Information" in html
    assert notice.sha256 in html
    assert "Acme Foods Inc. (Employer): no usable address" in html
    assert "date of service" in html
    url = reverse(
        "letters:notice_download",
        args=[parties_case.case_number, notice.kind, notice.version],
    )
    assert url in html
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == _pdf(notice)


def test_a_download_whose_bytes_do_not_match_the_stored_hash_is_refused(
    client, parties_case, case_admin, django_capture_on_commit_callbacks
):
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    with notice.pdf.open("wb") as stored:
        stored.write(b"%PDF-1.7 tampered")
    client.force_login(case_admin)
    url = reverse(
        "letters:notice_download",
        args=[parties_case.case_number, notice.kind, notice.version],
    )
    response = client.get(url)
    assert response.status_code == 500
    assert b"SHA-256" in response.content


def test_the_settings_page_edits_the_notice_paragraphs_as_a_new_version(client, db):
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN))
    url = reverse("letters:organization_settings")
    page = client.get(url).content.decode()
    assert "Notice of assignment: request for information" in page
    current = letter_text_current()
    data = {"part": "paragraphs"}
    for name in LETTER_TEXT_FIELDS:
        data[f"text-{name}"] = getattr(current, name)
    data["text-ineligibility_next"] = "Call {org} with any question."
    response = client.post(url, data)
    assert response.status_code == 302
    newest = letter_text_current()
    assert newest.version == current.version + 1
    assert newest.ineligibility_next == "Call {org} with any question."
    assert newest.records_request == current.records_request


def test_a_notice_to_a_party_served_by_mail_goes_through_the_print_queue_and_its_posting(
    client, parties_case, case_admin, django_capture_on_commit_callbacks
):
    # The employer has a postal address and no e-mail: the notice is posted to it.
    parties_case.parties.filter(role=PartyRole.EMPLOYER).update(
        address="500 Industrial Way\nFresno, CA 93706"
    )
    today = timezone.localdate()
    intended = max(today - dt.timedelta(days=3), parties_case.application_received)
    notice = _eligible(
        parties_case, case_admin, django_capture_on_commit_callbacks, notice_on=intended
    )
    notice.refresh_from_db()
    assert notice.status == LetterStatus.DELIVERED and notice.served_on is None
    employer = notice.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert (employer.method, employer.status) == ("mail", DeliveryStatus.TO_PRINT)
    assert notice.deliveries.filter(status=DeliveryStatus.SENT).count() == 4
    parties_case = Case.objects.get(pk=parties_case.pk)
    assert parties_case.date_assigned == intended  # not served yet: the finding's date
    # From a QA pass: the case counted 12 days (an electronic notice, as chosen at the finding)
    # while the notice, mailed to the employer, printed 15 until the posting was confirmed.
    # The parties' service decides it from the finding on (8 CCR 9792.10.5(a)(1)).
    assert parties_case.notice_sent_by == SentBy.MAIL
    assert "15 days after the notice mailed" in parties_case.clock.deadlines["records_due_on"].text
    assert "15 days after the notice mailed" in body_flat(pdf_text(_pdf(notice)))

    client.force_login(case_admin)
    queue = client.get(reverse("letters:print_queue")).content.decode()
    assert "Acme Foods Inc." in queue
    assert "Notice of Assignment and Request for Information v1" in queue
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("letters:print_queue"), {"posting_on": today.isoformat()})
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    with batch.pdf.open("rb") as handle:
        pdf = handle.read()
    notice_pages = len(PdfReader(BytesIO(_pdf(notice))).pages)
    assert len(PdfReader(BytesIO(pdf)).pages) == notice_pages + 2  # with its address sheet
    text = pdf_text(pdf)
    assert "Records due:" in text  # the notice itself
    proof = body_flat(text[text.index("PROOF OF SERVICE") :])
    for expected in (
        "Notice of Assignment and Request for Information, Independent Medical Review case "
        f"{parties_case.case_number}",
        "Acme Foods Inc.",
        "500 Industrial Way",
        "by U.S. mail",
    ):
        assert expected in proof, expected
    # The copies e-mailed have their own proofs of electronic service, not this one.
    assert "claims@example.org" not in proof
    assert notice.deliveries.get(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR).proofs.exists()

    response = client.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": today.isoformat()},
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.served_on, notice.sent_by) == (today, SentBy.MAIL)
    parties_case = Case.objects.get(pk=parties_case.pk)  # no cached clock
    assert (parties_case.date_assigned, parties_case.notice_sent_by) == (today, SentBy.MAIL)
    served = CaseEvent.objects.get(case=parties_case, type=EventType.NOTICE_SERVED)
    assert served.details["clock_moved"] is True
    assert served.details["sent_by"] == SentBy.MAIL
    assert served.details["records_due_on"] == parties_case.clock.records_due_on.isoformat()
    assert parties_case.clock.records_due_on > today
    # The service moved the case's Date Assigned, not the finding's date in the state's reports:
    # that is the Date Assigned given with the finding (only a correction moves it).
    finding = EligibilityFinding.objects.get(case=parties_case)
    assert (finding.notice_on, finding.found_on) == (intended, intended) != (today, today)


def test_anyone_holding_our_signed_notice_can_verify_it(
    parties_case, case_admin, django_capture_on_commit_callbacks
):
    """From QA: our own notice of assignment, validly signed, was answered "Not verified. It
    does not match any letter we issued.\""""
    from reviews.letters.verify import letter_verify

    _employer_by_email(parties_case)
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)

    result = letter_verify(_pdf(notice))

    assert result.ok and result.notice == notice and result.issued_by_us
    assert result.message.startswith(
        f"Valid: the {notice.get_kind_display()} (version 1) for case {parties_case.case_number}"
    )


def test_a_notice_served_after_the_records_were_complete_says_it_moved_no_clock(
    client, parties_case, case_admin, django_capture_on_commit_callbacks
):
    """From QA: the notices panel said the records clock ran from a date of service that came
    after the records were complete (the clock had ended, and the case kept its dates)."""
    today = timezone.localdate()
    intended = max(today - dt.timedelta(days=5), parties_case.application_received)
    _eligible(parties_case, case_admin, django_capture_on_commit_callbacks, notice_on=intended)
    # The employer's copy waits for an address while the records come in.
    complete_on = today - dt.timedelta(days=1)
    Case.objects.filter(pk=parties_case.pk).update(records_complete_on=complete_on)
    _employer_given_email(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(case=parties_case, kind=NoticeKind.NOTICE_OF_ASSIGNMENT)
    assert notice.served_on == today
    assert Case.objects.get(pk=parties_case.pk).date_assigned == intended

    client.force_login(case_admin)
    page = client.get(reverse("casefile:case_detail", args=[parties_case.case_number]))
    text = page.content.decode()
    kept = f"served after the records were complete ({complete_on:%m/%d/%Y}), so it moved no clock"
    assert f"the date of service; {kept}" in text
    assert "from which the records clock runs" not in text
    # The clock says the same of the Date Assigned it kept (from QA: "the date of service").
    assert (
        f'the date kept: the notice was served <span class="nowrap">{today:%m/%d/%Y}</span>; '
        f"{kept}" in text
    )


@pytest.mark.parametrize("as_printed", [True, False])
def test_a_notice_signed_for_mail_and_then_emailed_keeps_the_records_date_it_printed(
    parties_case, case_admin, django_capture_on_commit_callbacks, settings, as_printed
):
    """From QA: the notice, signed while a party had no address, printed the 15 days of a
    mailed notice; the copy was e-mailed once the address came, and the case counted the 12
    days of an electronic notice, 3 days before the date the claims administrator was given
    in writing (8 CCR 9792.10.5(a)(1); CLOCK_RECORDS_DUE_AS_PRINTED)."""
    settings.CLOCK_RECORDS_DUE_AS_PRINTED = as_printed
    today = timezone.localdate()
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    printed = body_flat(pdf_text(_pdf(notice))).split("Records due:", 1)[1].split()[0]
    assert "15 days after the notice mailed" in body_flat(pdf_text(_pdf(notice)))
    _employer_given_email(parties_case, case_admin, django_capture_on_commit_callbacks)
    notice.refresh_from_db()
    case = Case.objects.get(pk=parties_case.pk)
    assert (notice.served_on, case.notice_sent_by) == (today, SentBy.ELECTRONIC)
    assert f"{case.notice_records_due_on:%m/%d/%Y}" == printed
    deadline = case.clock.deadlines["records_due_on"]
    if as_printed:
        assert f"{case.clock.records_due_on:%m/%d/%Y}" == printed
        assert deadline.text.startswith("The date the notice of assignment printed, kept")
        assert "12 days after the notice sent electronically" in deadline.text
        assert case.due_on == case.clock.records_due_on  # the case list's date too
    else:
        assert case.clock.records_due_on < case.notice_records_due_on
        assert deadline.text.startswith("12 days after the notice sent electronically")
