"""Delivery to every party by their method: e-mail, the print queue with its proofs of service,
a party who cannot be served, the date of service, and the Administrative Director's copy."""

import datetime as dt
import json
from io import BytesIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.clock.calculator import Facts, compute
from cases.lifecycle.models import CaseStatus, PartyRole, SentBy
from reviews.letters.models import AdOutboxItem, DeliveryStatus, PrintBatch
from reviews.letters.print_batches import print_batch_make, print_queue
from reviews.letters.services import letter_correct, letter_deliver
from tests.factories import PASSWORD
from tests.reviews.letter_utils import party_service_changed, pdf_text
from tests.reviews.letters.conftest import mixed_letter_made

pytestmark = pytest.mark.django_db

# The e-mail address the employer of `mixed_letter` is given for service.
EMPLOYER_EMAIL = "hr@acme.example.org"


def pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


def test_every_addressee_and_cc_gets_a_delivery_by_their_method(mixed_letter):
    rows = {
        row.recipient_role: (row.method, row.status, row.cc)
        for row in mixed_letter.deliveries.all()
    }
    assert rows == {
        PartyRole.ATTORNEY: ("email", DeliveryStatus.SENT, False),
        PartyRole.REQUESTING_PROVIDER: ("mail", DeliveryStatus.TO_PRINT, False),
        PartyRole.CLAIMS_ADMINISTRATOR: ("email", DeliveryStatus.SENT, False),
        "injured_worker": ("mail", DeliveryStatus.TO_PRINT, True),
        PartyRole.EMPLOYER: ("mail", DeliveryStatus.NO_ADDRESS, True),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["claims@example.org", "counsel@example.org"]
    # Not served until every copy is: the mailed ones wait for the post.
    assert (mixed_letter.sent_by, mixed_letter.served_on) == (SentBy.MAIL, None)


def test_a_party_without_an_address_shows_on_the_case_and_blocks_nothing_else(mixed_letter, admin):
    case = mixed_letter.case
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    # On the letters panel and on the parties panel, naming the party and what is missing.
    assert page.count("Acme Foods, Inc.</strong> (Employer) cannot be served") == 2
    assert "no postal address and no e-mail address" in page
    assert "Waiting for an address" in page
    assert AdOutboxItem.objects.filter(letter=mixed_letter).exists()


def test_the_print_queue_lists_copies_held_for_an_address_until_the_party_has_one(
    mixed_letter, admin, django_capture_on_commit_callbacks
):
    """From QA: an issued case leaves the open lists, and its copy held for an address was
    shown only on its own case page; the print queue now lists it, linked to the party."""
    case = mixed_letter.case
    fresh = admin.get(reverse("letters:print_queue")).content.decode()
    assert "(today)" in fresh.split('id="held-title"', 1)[1].split("</section>", 1)[0]
    # Held for three days: the list says since when, so the longest held are chased first.
    held_at = timezone.now() - dt.timedelta(days=3)
    mixed_letter.deliveries.filter(status=DeliveryStatus.NO_ADDRESS).update(sent_at=held_at)
    page = admin.get(reverse("letters:print_queue")).content.decode()
    held = page.split('id="held-title"', 1)[1].split("</section>", 1)[0]
    assert f"{case.case_number}</a>" in held and "Acme Foods, Inc." in held
    assert f"{timezone.localdate(held_at):%m/%d/%Y} <span" in held and "(3 days)" in held
    assert (
        "(Employer, cc)" in held and f"Final Determination Letter v{mixed_letter.version}" in held
    )
    assert reverse("casefile:case_detail", args=[case.case_number]) + "#parties-service" in held
    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(case, None, PartyRole.EMPLOYER, address="9 Dock Rd\nStockton, CA")
    page = admin.get(reverse("letters:print_queue")).content.decode()
    held = page.split('id="held-title"', 1)[1].split("</section>", 1)[0]
    assert "No copy is held for an address." in held


def test_the_copies_held_longest_are_listed_first(mixed_letter, admin):
    # Given the employer's copy held for a day and the attorney's for five
    now = timezone.now()
    mixed_letter.deliveries.filter(recipient_role=PartyRole.EMPLOYER).update(
        sent_at=now - dt.timedelta(days=1)
    )
    mixed_letter.deliveries.filter(recipient_role=PartyRole.ATTORNEY).update(
        status=DeliveryStatus.NO_ADDRESS, sent_at=now - dt.timedelta(days=5)
    )

    page = admin.get(reverse("letters:print_queue")).content.decode()

    held = page.split('id="held-title"', 1)[1].split("</section>", 1)[0]
    assert held.index("(5 days)") < held.index("Attorney for the Injured Worker")
    assert held.index("Attorney for the Injured Worker") < held.index("(1 day)")
    assert held.index("(1 day)") < held.index("Employer, cc")


def test_a_refused_confirm_posted_says_why_at_its_form_focused_and_batches_come_first(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    """From QA: the refusal sat at its batch, below the long list of held copies, with the page
    opened at its top: it looked as though nothing had happened."""
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    response = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": (today + dt.timedelta(days=3)).isoformat()},
    )
    assert response.status_code == 400
    page = response.content.decode()
    panel = page.split(f'id="batch-{batch.pk}"', 1)[1]
    summary = panel.split('<div class="form-error" role="alert" tabindex="-1" autofocus>', 1)[1]
    assert "in the future" in summary.split("</div>", 1)[0]
    assert page.index('id="batches-title"') < page.index('id="held-title"')


def test_the_print_batch_is_each_signed_letter_and_its_proof_of_service(
    mixed_letter, admin, django_capture_on_commit_callbacks
):
    page = admin.get(reverse("letters:print_queue")).content.decode()
    queue = page.split('id="waiting-title"', 1)[1].split("</section>", 1)[0]
    case = mixed_letter.case
    for name in (case.worker_name, "Dr. Lee Park"):
        assert name in queue
    assert "Acme Foods" not in queue  # held for an address: listed apart, never printed

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            reverse("letters:print_queue"), {"posting_on": timezone.localdate().isoformat()}
        )
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    pdf = stored(batch.pdf)
    letter_pages = pages(stored(mixed_letter.party_pdf))
    text = pdf_text(pdf)
    reader = PdfReader(BytesIO(pdf))
    proof_at = [
        n for n, page in enumerate(reader.pages) if "PROOF OF SERVICE" in page.extract_text()
    ]
    # Two mailings: each is its address sheet, the letter's pages, then its one-page proof of
    # service.
    assert proof_at == [letter_pages + 1, 2 * letter_pages + 3]
    assert pages(pdf) == 2 * (letter_pages + 2)
    # The address sheet: the organization's return address and the recipient's, for a window
    # envelope, and what it goes with (from QA: the mail room copied each address from the
    # proof of service).
    sheets = [" ".join(reader.pages[at].extract_text().split()) for at in (0, letter_pages + 2)]
    for sheet in sheets:
        assert "for a No. 10 window envelope" in sheet
        assert f"Final Determination Letter v1 ({letter_pages + 1} pages behind this sheet)" in (
            sheet
        )
        assert sheet.startswith("IMR Desk Review Organization 100 Example Street")
    assert sheets[0].count("Mailing 1 of 2") == 1 and "Mailing 2 of 2" in sheets[1]
    assert any("Dr. Lee Park 400 Clinic Way" in sheet for sheet in sheets)
    for name in (case.worker_name, "Dr. Lee Park", "Morgan Counsel, Esq.", "12 Orchard Lane"):
        assert name in text
    # The proof's sentences as read, wherever its lines wrap.
    sentences = " ".join(text.split())
    assert "deposited with the United States Postal Service" in sentences
    assert "postage fully prepaid" in sentences
    # The letter's own bytes went in unchanged (never rendered again).
    assert pdf_text(stored(mixed_letter.party_pdf)).strip() in text
    download = admin.get(reverse("letters:print_batch_download", args=[batch.pk]))
    assert b"".join(download.streaming_content) == pdf


def test_confirming_posted_sets_service_and_the_appeal_deadline_counts_plus_five(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    case = mixed_letter.case
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    response = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": today.isoformat()},
    )
    assert response.status_code == 302
    served = dict(mixed_letter.deliveries.values_list("recipient_role", "served_on"))
    assert served["injured_worker"] == served[PartyRole.REQUESTING_PROVIDER] == today
    mixed_letter.refresh_from_db()
    assert mixed_letter.served_on is None  # the employer still waits for an address

    # The administrator adds the employer's address: its copy goes to the print queue.
    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(
            case, case_admin, PartyRole.EMPLOYER, address="1 Industrial Way\nFresno, CA 93706"
        )
    employer = mixed_letter.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert employer.status == DeliveryStatus.TO_PRINT
    with django_capture_on_commit_callbacks(execute=True):
        second = print_batch_make(actor=case_admin, posting_on=today)
    admin.post(
        reverse("letters:print_batch_confirm", args=[second.pk]),
        {f"batch-{second.pk}-posted_on": today.isoformat()},
    )
    mixed_letter.refresh_from_db()
    assert (mixed_letter.served_on, mixed_letter.sent_by) == (today, SentBy.MAIL)
    # The mailing date stays as printed; the appeal counts from service, +5 by mail.
    appeal = compute(Facts(letter_mailed_on=today, letter_sent_by="mail")).appeal_deadline.on
    assert appeal >= today + dt.timedelta(days=35)
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    assert appeal.strftime("%m/%d/%Y") in page
    assert "cannot be served" not in page


def test_the_ad_outbox_command_writes_each_letter_once(mixed_letter, tmp_path):
    tmp_path = tmp_path / "outbox"
    call_command("export_ad_outbox", str(tmp_path))
    stem = f"{mixed_letter.case.case_number}-v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"{stem}.json", f"{stem}.pdf"]
    data = json.loads((tmp_path / f"{stem}.json").read_text())
    assert data["format"] == "imr-desk/ad-copy/1"
    assert data["pdf"] == {"file": f"{stem}.pdf", "sha256": mixed_letter.party_sha256}
    assert (tmp_path / f"{stem}.pdf").read_bytes() == stored(mixed_letter.party_pdf)

    again = tmp_path / "again"
    call_command("export_ad_outbox", str(again))
    assert list(again.iterdir()) == []
    assert AdOutboxItem.objects.get().exported_as == stem


def test_a_held_copy_e_mailed_once_an_address_is_given_is_declared_by_who_gave_it(
    mixed_letter, case_admin, django_capture_on_commit_callbacks
):
    # Given a letter whose copy for the employer waits for an address,
    case = mixed_letter.case
    case_admin.first_name, case_admin.last_name = "Rosa", "Ibarra"
    case_admin.save()
    # when the case administrator gives the employer an e-mail address for service,
    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(
            case, case_admin, PartyRole.EMPLOYER, email=EMPLOYER_EMAIL, e_service_consent=True
        )
    # then the copy goes out, and its proof of service is declared by that administrator,
    # whose action sent it (CCP 1013b), not by whoever issued the letter days before.
    employer = mixed_letter.deliveries.get(recipient_role=PartyRole.EMPLOYER)
    assert employer.status == DeliveryStatus.SENT
    proof = employer.proofs.get()
    assert proof.declarant == "Rosa Ibarra"
    assert "I, Rosa Ibarra, declare" in pdf_text(stored(proof.pdf))


def test_copies_of_a_letter_not_gone_out_when_it_is_amended_are_never_sent(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a letter whose employer copy waits for an address and whose worker's and provider's
    # copies wait to be printed
    case = mixed_letter.case
    waiting = dict(
        mixed_letter.deliveries.exclude(status=DeliveryStatus.SENT).values_list(
            "recipient_role", "status"
        )
    )
    assert waiting == {
        PartyRole.EMPLOYER: DeliveryStatus.NO_ADDRESS,
        PartyRole.REQUESTING_PROVIDER: DeliveryStatus.TO_PRINT,
        "injured_worker": DeliveryStatus.TO_PRINT,
    }
    # When it is amended and version 2 is signed
    with django_capture_on_commit_callbacks(execute=True):
        letter_correct(
            case=case, actor=case_admin, correction_note="The claim number.", password=PASSWORD
        )
    # Then those three copies of version 1 are never sent; version 2 goes to every party
    statuses = dict(mixed_letter.deliveries.values_list("recipient_role", "status"))
    assert {role: statuses[role] for role in waiting} == dict.fromkeys(
        waiting, DeliveryStatus.REPLACED
    )
    second = case.letters.get(version=2)
    assert set(second.deliveries.values_list("recipient_role", flat=True)) == set(statuses)
    queue = print_queue()
    assert {row.document.version for row in queue} == {2}
    assert len(queue) == 2
    # and the case page says so, in version 1's service and in the history
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    assert "Served on" in page
    assert "3 copies not sent: an amended version replaces them" in page
    employer = case.parties.get(role=PartyRole.EMPLOYER).name
    assert (
        f"Final Determination Letter v1 to {employer}: not sent (waiting for an address); "
        "version 2, the amended letter, is served instead"
    ) in page

    # When the employer is then given an e-mail address for service
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(
            case, case_admin, PartyRole.EMPLOYER, email=EMPLOYER_EMAIL, e_service_consent=True
        )
    # Then the employer is served version 2 only
    (message,) = [m for m in mail.outbox if m.to == [EMPLOYER_EMAIL]]
    assert message.attachments[0][0].endswith("-v2.pdf")
    assert "it replaces every earlier version" in message.body
    assert mixed_letter.deliveries.get(recipient_role=PartyRole.EMPLOYER).status == (
        DeliveryStatus.REPLACED
    )


def test_a_later_version_not_yet_signed_replaces_nothing(
    mixed_letter, case_admin, django_capture_on_commit_callbacks
):
    """Version 2 requested but still queued (or failed) may never be served: version 1's held
    copy still goes out once the party can be served."""
    case = mixed_letter.case
    with django_capture_on_commit_callbacks(execute=False):
        letter_correct(
            case=case, actor=case_admin, correction_note="The claim number.", password=PASSWORD
        )
    assert case.letters.filter(version=2, signed_at__isnull=True).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):
        party_service_changed(
            case, case_admin, PartyRole.EMPLOYER, email=EMPLOYER_EMAIL, e_service_consent=True
        )
    letter_deliver(mixed_letter)
    (message,) = [m for m in mail.outbox if m.to == [EMPLOYER_EMAIL]]
    assert message.attachments[0][0].endswith("-v1.pdf")
    assert mixed_letter.deliveries.get(recipient_role=PartyRole.EMPLOYER).status == (
        DeliveryStatus.SENT
    )


def test_the_duties_printed_count_from_the_claims_administrators_own_e_mailed_copy(
    admin, django_capture_on_commit_callbacks
):
    """From a QA pass: the claims administrator, served by e-mail, read duties counted as if
    its copy were mailed (five days later) while the case page counted from the e-mail: two
    sets of dates for one duty (8 CCR 9792.10.7(a) counts from its own receipt)."""
    letter = mixed_letter_made(django_capture_on_commit_callbacks, outcomes=("overturned",))
    copy = letter.deliveries.get(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR)
    assert copy.method == "email" and copy.served_on == letter.mailing_date
    clocks = compute(Facts(letter_mailed_on=letter.mailing_date, letter_sent_by="electronic"))
    text = " ".join(pdf_text(stored(letter.party_pdf)).split())
    assert (
        "Counted from receipt of this letter (by e-mail, the day it is sent), authorization is "
        f"due by {clocks.authorization_due_on.on:%m/%d/%Y}"
    ) in text
    assert f"by {clocks.reimbursement_due_on.on:%m/%d/%Y}" in text
    # and the case page's clock gives the same two dates
    page = admin.get(reverse("casefile:case_detail", args=[letter.case.case_number]))
    page = page.content.decode()
    assert f"{clocks.authorization_due_on.on:%m/%d/%Y}" in page.split("Authorize overturned", 1)[1]
    assert f"{clocks.reimbursement_due_on.on:%m/%d/%Y}" in page.split("Reimburse by", 1)[1]
