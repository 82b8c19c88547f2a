"""Each served copy's proof of service as a signed document on the case; the print batch prepared
by the letters task with its progress on the print queue; copies held for an address served once
it arrives; and a status that says what is true of the copies."""

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

from cases.intake.corrections import case_facts_edit
from cases.lifecycle.models import CaseEvent, EventType, PartyRole
from cases.outbox.models import FollowUp, FollowUpState
from cases.outbox.services import follow_ups_relay
from reviews.exports import export_sections
from reviews.letters import tasks
from reviews.letters.models import (
    DeliveryStatus,
    LetterStatus,
    PrintBatch,
    PrintBatchStatus,
    ProofOfService,
)
from reviews.letters.print_batches import (
    print_batch_make,
    print_batch_posted,
    print_batch_render,
)
from reviews.letters.proofs import place_of_execution
from reviews.letters.services import letter_correct
from tests.factories import PASSWORD, PartyFactory
from tests.reviews.letter_utils import party_service_changed, pdf_text
from tests.reviews.letters.test_notices import _eligible

pytestmark = pytest.mark.django_db

# The e-mail address the employer of `mixed_letter` is given for service.
EMPLOYER_EMAIL = "hr@acme.example.org"


def flat(pdf: bytes) -> str:
    return " ".join(pdf_text(pdf).split())


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def case_page(client, case) -> str:
    return client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()


# --- Proofs of service --------------------------------------------------------------------


def test_an_emailed_copy_has_a_signed_proof_of_electronic_service_listed_on_the_case(
    mixed_letter, admin
):
    copy = mixed_letter.deliveries.get(recipient_role=PartyRole.ATTORNEY)
    proof = ProofOfService.objects.get(letter_delivery=copy)
    content = stored(proof.pdf)
    assert hashlib.sha256(content).hexdigest() == proof.sha256
    text = flat(content)
    today = timezone.localdate().strftime("%m/%d/%Y")
    for expected in (
        "PROOF OF SERVICE BY ELECTRONIC TRANSMISSION",
        # The document served, the method, the date, the person and address served.
        "Document served: Final Determination Letter, Independent Medical Review case "
        f"{mixed_letter.case.case_number}, version 1",
        "Method of service: electronic service by e-mail",
        f"Date of service: {today}",
        "Morgan Counsel, Esq.",
        "by e-mail to counsel@example.org",
        # Who served, from which electronic service address (CCP 1013b(a)(1)).
        f"I, {proof.declarant}, declare",
        "imr-desk@localhost",
        "I declare under penalty of perjury under the laws of the State of California",
        # The date and place of execution (CCP 2015.5), the place from the business address.
        f"Executed on {today}, at Sacramento, California.",
        "Code Civ. Proc. 1013b; Code Civ. Proc. 2015.5",
    ):
        assert expected in text, expected

    page = case_page(admin, mixed_letter.case)
    url = reverse("letters:proof_download", args=[mixed_letter.case.case_number, proof.pk])
    assert url in page
    assert "Proofs of service" in page
    download = admin.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == content


@pytest.mark.parametrize(
    ("address", "place"),
    [
        ("100 Example Street\nSacramento, CA 95814", "Sacramento, California"),
        ("1 Main St\nSuite 5\nLos Angeles, California 90001-1234", "Los Angeles, California"),
        # No line reads as a city line: the whole address is the place.
        ("PO Box 7\nReno NV 89501", "PO Box 7, Reno NV 89501"),
        ("Suite 200, Sacramento CA 95814", "Suite 200, Sacramento CA 95814"),
    ],
)
def test_the_place_of_execution_is_the_business_addresss_city_and_state(address, place):
    assert place_of_execution(address) == place


def test_a_proof_whose_stored_bytes_changed_is_refused(mixed_letter, admin):
    proof = ProofOfService.objects.filter(letter_delivery__letter=mixed_letter).first()
    with proof.pdf.open("wb") as handle:
        handle.write(b"%PDF-1.7 tampered")
    response = admin.get(
        reverse("letters:proof_download", args=[mixed_letter.case.case_number, proof.pk])
    )
    assert response.status_code == 500
    assert "failed its integrity check" in response.content.decode()


def test_a_mailed_copy_gets_its_proof_from_the_batch_and_on_the_case_once_posted(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.total) == (PrintBatchStatus.READY, 2, 2)
    worker_copy = mixed_letter.deliveries.get(recipient_role="injured_worker")
    proof = ProofOfService.objects.get(letter_delivery=worker_copy)
    proof_pdf = stored(proof.pdf)
    text = flat(proof_pdf)
    for expected in (
        "PROOF OF SERVICE BY MAIL",
        "Final Determination Letter, Independent Medical Review case",
        "Method of service: U.S. mail, first class, postage fully prepaid",
        f"Date of service: {today:%m/%d/%Y}",
        "12 Orchard Lane",
        f"I, {case_admin.get_full_name() or case_admin.username}, declare",
        "under penalty of perjury",
        f"Executed on {today:%m/%d/%Y}, at Sacramento, California.",
        "Code Civ. Proc. 1013a(3)",
    ):
        assert expected in text, expected
    # The batch prints the stored proof (its own pages), not one rendered again.
    batch_text = pdf_text(stored(batch.pdf))
    assert pdf_text(proof_pdf).strip() in batch_text
    url = reverse("letters:proof_download", args=[mixed_letter.case.case_number, proof.pk])
    # Not a proof of service until the batch is posted.
    assert url not in case_page(admin, mixed_letter.case)

    print_batch_posted(batch=batch, actor=case_admin, posted_on=today)
    assert url in case_page(admin, mixed_letter.case)


def test_posted_on_another_date_the_proofs_are_made_again_for_that_date(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=tomorrow)
    first_sha = PrintBatch.objects.get(pk=batch.pk).sha256
    with django_capture_on_commit_callbacks(execute=True):
        print_batch_posted(
            batch=PrintBatch.objects.get(pk=batch.pk), actor=case_admin, posted_on=today
        )
    batch.refresh_from_db()
    assert batch.status == PrintBatchStatus.READY and batch.sha256 != first_sha
    worker_copy = mixed_letter.deliveries.get(recipient_role="injured_worker")
    old, new = worker_copy.proofs.order_by("signed_at")
    assert old.served_on == tomorrow and old.superseded_at is not None
    assert new.served_on == today and new.superseded_at is None
    assert f"Date of service: {today:%m/%d/%Y}" in flat(stored(new.pdf))
    assert f"Date of service: {today:%m/%d/%Y}" in flat(stored(batch.pdf))
    page = case_page(admin, mixed_letter.case)
    case_number = mixed_letter.case.case_number
    assert reverse("letters:proof_download", args=[case_number, new.pk]) in page
    assert reverse("letters:proof_download", args=[case_number, old.pk]) not in page
    # The panel the page polls while the batch is joined again says when it is done (from
    # QA: it stayed "Posted; being finished" under "waiting to be posted" until a reload).
    panel = admin.get(reverse("letters:print_batch_status", args=[batch.pk])).content.decode()
    assert f"Batch {batch.pk} is done: confirmed posted on {today:%m/%d/%Y}." in panel
    assert "being finished" not in panel and "every 1s" not in panel
    # Its link reads the page again (a fragment of the page open would only scroll to the
    # list read before the batch finished).
    again = f'href="{reverse("letters:print_queue")}?posted={batch.pk}#posted-title"'
    assert again in panel
    assert admin.get(f"{reverse('letters:print_queue')}?posted={batch.pk}").status_code == 200
    # A second tab's "Confirm posted" with another date: refused, and the page says why (from
    # QA: the batch, finished, was no longer listed, and the refusal was drawn nowhere).
    refused = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert f"Batch {batch.pk} was already confirmed posted on {today:%m/%d/%Y} by " in page
    assert "that date stands, and nothing was changed." in page
    batch.refresh_from_db()
    assert batch.posted_on == today


# --- The print batch by the task ----------------------------------------------------------


def test_the_print_queue_shows_the_batch_progress_polling_until_it_is_ready(
    mixed_letter, admin, case_admin
):
    # The task is not run: the batch waits as the worker would find it.
    response = admin.post(
        reverse("letters:print_queue"), {"posting_on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    assert (batch.status, batch.total, batch.done) == (PrintBatchStatus.QUEUED, 2, 0)
    status_url = reverse("letters:print_batch_status", args=[batch.pk])
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in queue
    assert "Waiting for the letter worker" in queue
    download = reverse("letters:print_batch_download", args=[batch.pk])
    assert download not in queue
    assert admin.get(download).status_code == 404
    # Not posted before it exists.
    refused = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": timezone.localdate().isoformat()},
    )
    assert refused.status_code == 400 and "not ready to print yet" in refused.content.decode()

    print_batch_render(batch_id=batch.pk)
    fragment = admin.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in fragment  # done: the polling stops
    assert "Ready to print" in fragment
    assert download in fragment
    assert b"".join(admin.get(download).streaming_content) == stored(PrintBatch.objects.get().pdf)


def test_a_failed_batch_offers_a_retry_that_prepares_it(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(*args, **kwargs):
        raise ValueError("the letter's stored file is missing")

    monkeypatch.setattr("reviews.letters.print_batches.proof_make", broken)
    with django_capture_on_commit_callbacks(execute=True):
        print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    batch = PrintBatch.objects.get()
    assert batch.status == PrintBatchStatus.FAILED
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    assert "The batch could not be prepared" in queue
    assert "the letter&#x27;s stored file is missing" in queue
    assert "every 1s" not in queue

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("letters:print_batch_retry", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == PrintBatchStatus.READY and batch.attempts == 2


def test_a_broker_outage_keeps_the_batch_for_the_outbox_relay(
    mixed_letter, admin, django_capture_on_commit_callbacks
):
    down = mock.patch.object(
        tasks.print_batch_render,
        "apply_async",
        side_effect=OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    )
    with down, django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("letters:print_queue"), {"posting_on": timezone.localdate().isoformat()}
        )
    # The administrator's request succeeded: the batch, its mailings and its task are recorded.
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    assert batch.status == PrintBatchStatus.QUEUED
    assert batch.mailings.filter(status=DeliveryStatus.PRINTED).count() == 2
    follow_up = FollowUp.objects.get(task=tasks.print_batch_render.name)
    assert follow_up.state == FollowUpState.WAITING

    # The broker is back: the relay hands the batch over, once.
    later = timezone.now() + dt.timedelta(minutes=20)
    assert follow_ups_relay(now=later)["published"] == 1
    batch.refresh_from_db()
    assert batch.status == PrintBatchStatus.READY
    assert follow_ups_relay(now=later)["published"] == 0


# --- Copies held for an address -------------------------------------------------------------


def test_the_held_copy_of_the_amended_letter_goes_out_once_the_party_has_an_email(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    case = mixed_letter.case
    with django_capture_on_commit_callbacks(execute=True):
        amended = letter_correct(
            case=case, actor=case_admin, correction_note="Typo in the summary.", password=PASSWORD
        )
    amended.refresh_from_db()
    assert amended.deliveries.get(recipient_role=PartyRole.EMPLOYER).status == (
        DeliveryStatus.NO_ADDRESS
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(
            case, case_admin, PartyRole.EMPLOYER, email=EMPLOYER_EMAIL, e_service_consent=True
        )
    # The amended version went to the employer now, with its proof of service; version 1's copy
    # was replaced by it before it went out, and is never sent.
    assert [m.subject for m in mail.outbox if m.to == [EMPLOYER_EMAIL]] == [
        f"Final Determination Letter, IMR case {case.case_number}"
    ]
    copy = amended.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert copy.status == DeliveryStatus.SENT
    assert copy.served_on == timezone.localdate()
    assert copy.proofs.count() == 1
    first = mixed_letter.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert (first.status, first.proofs.count()) == (DeliveryStatus.REPLACED, 0)
    event = CaseEvent.objects.get(case=case, type=EventType.HELD_COPIES_SERVED)
    assert [copy["document"] for copy in event.details["copies"]] == [
        "Final Determination Letter v2"
    ]
    page = case_page(admin, case)
    assert "cannot be served" not in page
    assert "Final Determination Letter v2 to Acme Foods, Inc.: e-mailed to hr@acme.example.org" in (
        page
    )


def test_a_facts_correction_adding_the_address_puts_the_held_notice_on_the_print_queue(
    parties_case, admin, case_admin, django_capture_on_commit_callbacks
):
    # Intake's rules hold for a correction: the case names its UR organization.
    PartyFactory(case=parties_case, role=PartyRole.UR_ORGANIZATION, name="Summit UR")
    notice = _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    held = notice.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert held.status == DeliveryStatus.NO_ADDRESS
    page = case_page(admin, parties_case)
    assert "Not served: add an address under “Service of papers” for" in page
    # The employer's own row says it cannot be served, not "By postal mail" with no address.
    service = page.split("<h3>Service of papers</h3>", 1)[1]
    employer = service.split("<dt>Employer</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Cannot be served as things stand" in employer and "By postal mail" not in employer
    # The notice: the Date Assigned given with the finding, until the date of service.
    assert "<dt>Date Assigned at the finding</dt>" in page
    assert "the date of service replaces it once every copy is served" in page

    with django_capture_on_commit_callbacks(execute=True):
        case_facts_edit(
            case=parties_case,
            actor=case_admin,
            changes={"employer": {"address": "500 Industrial Way\nFresno, CA 93706"}},
        )
    held.refresh_from_db()
    assert (held.status, held.method) == (DeliveryStatus.TO_PRINT, "mail")
    assert "500 Industrial Way" in held.address
    event = CaseEvent.objects.get(case=parties_case, type=EventType.HELD_COPIES_SERVED)
    assert event.details["copies"][0]["document"] == (
        "Notice of Assignment and Request for Information v1"
    )
    page = case_page(admin, parties_case)
    assert "Not served: add an address under “Service of papers” for" not in page
    assert "put on the print queue, to be posted" in page
    assert "Acme Foods Inc." in admin.get(reverse("letters:print_queue")).content.decode()


# --- Honest status ----------------------------------------------------------------------------


def test_a_letter_with_copies_waiting_says_so_and_each_copy_its_own_service(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    assert mixed_letter.status == LetterStatus.DELIVERED
    page = case_page(admin, mixed_letter.case)
    today = timezone.localdate().strftime("%m/%d/%Y")
    assert "Signed, 2 copies waiting to be printed, 1 copy waiting for an address, 2 served" in page
    assert "Delivered" not in page
    assert f"Served on {today} (e-mailed)" in page
    assert "Waiting to be printed" in page
    export = export_sections(mixed_letter.case, include_reviewer=False)
    assert export["letters"][0]["service"].startswith("Signed, 2 copies waiting to be printed")

    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    page = case_page(admin, mixed_letter.case)
    assert "In a print batch, waiting to be posted" in page
    # the version's line names the same stage as its copies' lines
    assert "Signed, 2 copies printed, waiting to be posted, 1 copy waiting for an address" in page
    print_batch_posted(batch=batch, actor=case_admin, posted_on=timezone.localdate())
    page = case_page(admin, mixed_letter.case)
    assert f"Served on {today} (posted)" in page
    assert "Signed, 1 copy waiting for an address, 4 served" in page


def test_the_notice_of_assignment_waiting_for_the_post_is_not_called_served(
    parties_case, admin, case_admin, django_capture_on_commit_callbacks
):
    parties_case.parties.filter(role=PartyRole.EMPLOYER).update(
        address="500 Industrial Way\nFresno, CA 93706"
    )
    _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    page = case_page(admin, parties_case)
    assert "Signed, 1 copy waiting to be printed, 4 served" in page
    assert "Signed and served" not in page
    assert (
        "The notice is not yet served on every party (signed, 1 copy waiting to be printed, 4 "
        "served)"
    ) in page


def test_the_batch_pdf_is_each_document_then_its_stored_proof(
    mixed_letter, case_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    batch.refresh_from_db()
    reader = PdfReader(BytesIO(stored(batch.pdf)))
    letter_pages = len(PdfReader(BytesIO(stored(mixed_letter.party_pdf))).pages)
    # Each mailing: its address sheet, the letter, its proof.
    assert len(reader.pages) == 2 * (letter_pages + 2)
    proofs = ProofOfService.objects.filter(batch=batch)
    assert proofs.count() == 2
    assert {proof.delivery.recipient_role for proof in proofs} == {
        "injured_worker",
        PartyRole.REQUESTING_PROVIDER,
    }


def test_a_notices_posted_copies_are_in_the_history_as_a_letters_are(
    parties_case, admin, case_admin, django_capture_on_commit_callbacks
):
    """From QA: a letter's batch wrote "Letter posted"; a notice's wrote nothing until every
    copy was served, so copies posted while another waited for an address left no trace."""
    from cases.lifecycle.history import case_history

    parties_case.parties.filter(role=PartyRole.EMPLOYER).update(
        address="500 Industrial Way\nFresno, CA 93706"
    )
    _eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    print_batch_posted(batch=batch, actor=case_admin, posted_on=timezone.localdate())

    (lines,) = [
        lines
        for event, lines, _actor in case_history(parties_case)
        if event.type == EventType.NOTICE_POSTED
    ]
    today = timezone.localdate().strftime("%m/%d/%Y")
    assert lines == [
        "Notice of Assignment and Request for Information version 1",
        f"Posted on {today}",
        "To Acme Foods Inc.",
    ]
    event = CaseEvent.objects.get(case=parties_case, type=EventType.NOTICE_POSTED)
    assert event.actor == case_admin
    assert "Notice posted" in case_page(admin, parties_case)
