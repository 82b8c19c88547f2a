"""The print queue's corrections: a copy whose party's address changed after printing is never
served at the old address, a printed copy of a letter amended since is never sent, the posting
date is one the batch can really be posted on, a batch confirmed on another date stays reachable
with its corrected PDF, and a proof's sentences read as sentences."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.clock.deadlines import add_business_days
from cases.lifecycle.models import CaseEvent, EventType
from reviews.letters.models import DeliveryStatus, PrintBatch, ProofOfService
from reviews.letters.print_batches import print_batch_make, print_batch_render, print_queue
from reviews.letters.services import letter_correct
from reviews.organization.models import Organization
from tests.factories import PASSWORD
from tests.reviews.letter_utils import party_service_changed
from tests.reviews.letters.conftest import mixed_letter_made
from tests.reviews.letters.test_proofs_and_batches import case_page, flat, stored

pytestmark = pytest.mark.django_db

NEW_ADDRESS = "40 Fig Street\nFresno, CA 93721"


def _worker_moves(case, actor, address=NEW_ADDRESS):
    party_service_changed(case, actor, "injured_worker", address=address)


def _party_moves(case, actor, role, address):
    party_service_changed(case, actor, role, address=address)


def _confirm(admin, batch, on):
    return admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {f"batch-{batch.pk}-posted_on": on.isoformat()},
        follow=True,
    )


def test_a_copy_readdressed_after_printing_goes_back_to_the_queue_not_served_at_the_old_address(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a printed batch with the worker's copy to 12 Orchard Lane
    today = timezone.localdate()
    case = mixed_letter.case
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    worker_copy = mixed_letter.deliveries.get(recipient_role="injured_worker")
    old_proof = ProofOfService.objects.get(letter_delivery=worker_copy, batch=batch)
    assert "12 Orchard Lane" in flat(stored(old_proof.pdf))

    # When the worker's address is corrected, the batch says that copy must not be posted
    with django_capture_on_commit_callbacks(execute=True):
        _worker_moves(case, case_admin)
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    assert "Do not post the copies below; post the rest." in queue
    assert "The address changed after the batch was printed." in queue
    assert "printed for 12 Orchard Lane" in queue
    assert "now 40 Fig Street, Fresno, CA 93721" in queue

    # and confirming the batch posted serves the rest, not that copy
    with django_capture_on_commit_callbacks(execute=True):
        page = _confirm(admin, batch, today).content.decode()
    assert f"Not served from batch {batch.pk}: {case.case_number}: Final Determination" in page
    assert "It is back under “Waiting to be printed” with the new address" in page
    assert "the date of service of the 1 mailing confirmed" in page
    worker_copy.refresh_from_db()
    assert (worker_copy.status, worker_copy.batch, worker_copy.served_on) == (
        DeliveryStatus.TO_PRINT,
        None,
        None,
    )
    assert worker_copy.address == NEW_ADDRESS
    old_proof.refresh_from_db()
    assert old_proof.superseded_at is not None
    provider_copy = mixed_letter.deliveries.get(recipient_role="requesting_provider")
    assert provider_copy.status == DeliveryStatus.POSTED
    posted = CaseEvent.objects.get(case=case, type=EventType.LETTER_POSTED)
    assert posted.details["posted_to"] == [provider_copy.recipient_name]
    mixed_letter.refresh_from_db()
    assert mixed_letter.served_on is None
    old_url = reverse("letters:proof_download", args=[case.case_number, old_proof.pk])
    history = case_page(admin, case)
    assert old_url not in history
    # and the case's history says the copy was taken back, and why
    taken_back = CaseEvent.objects.get(case=case, type=EventType.COPY_TAKEN_BACK)
    assert taken_back.actor == case_admin
    assert (
        f"Final Determination Letter v1 to {worker_copy.recipient_name}: taken back from print "
        f"batch {batch.pk} unserved, because the party&#x27;s address changed after printing"
    ) in history

    # Then a new batch prints it with a proof declaring the new address, served once posted
    with django_capture_on_commit_callbacks(execute=True):
        again = print_batch_make(actor=case_admin, posting_on=today)
    new_proof = ProofOfService.objects.get(letter_delivery=worker_copy, batch=again)
    text = flat(stored(new_proof.pdf))
    assert "40 Fig Street" in text and "12 Orchard Lane" not in text
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(admin, PrintBatch.objects.get(pk=again.pk), today)
    worker_copy.refresh_from_db()
    assert (worker_copy.status, worker_copy.served_on) == (DeliveryStatus.POSTED, today)
    new_url = reverse("letters:proof_download", args=[case.case_number, new_proof.pk])
    assert new_url in case_page(admin, case)


def test_a_posting_date_beyond_the_window_is_refused_with_the_last_date_allowed(
    mixed_letter, admin, settings, django_capture_on_commit_callbacks
):
    # Given five working days allowed ahead
    settings.PRINT_BATCH_POSTING_WORKING_DAYS = 5
    today = timezone.localdate()
    latest = add_business_days(today, 5)

    # When a far-off date is asked for, it is refused and nothing is printed
    response = admin.post(reverse("letters:print_queue"), {"posting_on": "9999-12-31"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Choose a posting date from today to {latest:%m/%d/%Y}" in page
    assert "(CCP 1013a(3))" in page
    assert not PrintBatch.objects.exists()

    # And a date past says which dates to choose (from QA: it said only why not)
    yesterday = today - dt.timedelta(days=1)
    response = admin.post(reverse("letters:print_queue"), {"posting_on": yesterday.isoformat()})
    assert response.status_code == 400
    assert (
        f"{yesterday:%m/%d/%Y} is before today, and a batch cannot be posted before it is "
        f"printed: choose a posting date from today to {latest:%m/%d/%Y}."
    ) in response.content.decode()
    assert not PrintBatch.objects.exists()

    # Then the last working day of the window is taken
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("letters:print_queue"), {"posting_on": latest.isoformat()})
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    assert batch.posting_on == latest

    # And its "Posted on" offers no date while the posting is still ahead: not that date,
    # which it would refuse, nor today, one click from confirming it early (from QA); the
    # planned date is said beside it
    page = admin.get(reverse("letters:print_queue")).content.decode()
    assert f'name="batch-{batch.pk}-posted_on" value="' not in page
    assert f"To be posted on {latest:%A, %m/%d/%Y}: confirm it on the day it goes out" in page


def test_a_batch_is_offered_for_posting_on_the_next_working_day(mixed_letter, admin, monkeypatch):
    """From QA: on a Sunday the print queue offered that Sunday as the posting date, and it
    became the date of service the proofs declare. Today is offered on a working day."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 12, 6))
    page = admin.get(reverse("letters:print_queue")).content.decode()
    assert 'name="posting_on" value="2026-12-07"' in page
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 12, 8))
    page = admin.get(reverse("letters:print_queue")).content.decode()
    assert 'name="posting_on" value="2026-12-08"' in page


def test_a_batch_confirmed_on_another_date_stays_listed_with_its_rejoined_pdf(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a batch printed for tomorrow and confirmed posted today
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today + dt.timedelta(days=1))
    with django_capture_on_commit_callbacks() as joining:
        _confirm(admin, PrintBatch.objects.get(pk=batch.pk), today)
    joining_page = admin.get(reverse("letters:print_queue")).content.decode()
    assert "being joined again: with proofs of service made for that date" in joining_page
    for callback in joining:
        callback()
    batch.refresh_from_db()

    # When the print queue is opened once its new proofs are joined
    queue = admin.get(reverse("letters:print_queue")).content.decode()

    # Then it is listed as posted, one click from the page's top (from QA: 9,000 px down on a
    # phone below the held copies), with the download of the PDF carrying the proofs for today
    jump = queue.split('<nav class="page-jump" aria-label="On this page">', 1)[1].split("</nav>")[0]
    assert '<a href="#posted-title">Posted recently <span class="count">1</span></a>' in jump
    posted = queue.split('id="posted-title"', 1)[1]
    assert f"Remade for {today:%m/%d/%Y}" in posted
    download = reverse("letters:print_batch_download", args=[batch.pk])
    assert download in posted
    pdf = b"".join(admin.get(download).streaming_content)
    assert pdf == stored(batch.pdf)
    assert f"Date of service: {today:%m/%d/%Y}" in flat(pdf)
    assert "No batch is waiting to be posted." in queue


def test_the_proof_gives_the_business_address_on_one_line_inside_its_sentence(
    mixed_letter, case_admin, django_capture_on_commit_callbacks
):
    # Given the organization's address on two lines
    Organization.objects.update(address="100 Example Street\nSacramento, CA 95814")

    # When a batch makes the proofs of service
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    proof = ProofOfService.objects.filter(batch=batch).first()

    # Then the declaration's sentence joins the lines with a comma
    assert (
        "whose business address is 100 Example Street, Sacramento, CA 95814, in the county"
        in flat(stored(proof.pdf))
    )


def _downloaded(admin, batch) -> str:
    answer = admin.get(reverse("letters:print_batch_download", args=[batch.pk]))
    assert answer.status_code == 200
    return flat(b"".join(answer.streaming_content))


def test_a_batch_posted_without_a_copy_taken_back_keeps_no_pdf_of_it_nor_its_void_proof(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a printed batch holding the worker's copy to 12 Orchard Lane and its proof
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    assert "12 Orchard Lane" in _downloaded(admin, batch)

    # When the worker moves and the batch is confirmed posted on the day it was printed for
    with django_capture_on_commit_callbacks(execute=True):
        _worker_moves(mixed_letter.case, case_admin)
    with django_capture_on_commit_callbacks() as joining:
        _confirm(admin, batch, today)
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    assert "its PDF is being joined again: without the copies taken out" in queue
    for callback in joining:
        callback()

    # Then the batch's PDF, the file of what was posted, holds the provider's copy and its
    # proof but neither the worker's copy nor its voided proof
    batch.refresh_from_db()
    text = _downloaded(admin, batch)
    provider = mixed_letter.deliveries.get(recipient_role="requesting_provider")
    assert provider.recipient_name in text
    assert "12 Orchard Lane" not in text
    kept = ProofOfService.objects.get(letter_delivery=provider, batch=batch)
    assert kept.superseded_at is None and kept.served_on == today
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    assert f"Download batch {batch.pk} (PDF)" in queue


def test_a_batch_whose_every_copy_was_taken_back_offers_no_pdf_as_what_was_posted(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a printed batch of the worker's and the provider's copies
    case = mixed_letter.case
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    assert batch.mailings.count() == 2

    # When both parties' addresses change before it is confirmed posted
    with django_capture_on_commit_callbacks(execute=True):
        _worker_moves(case, case_admin)
        _party_moves(case, case_admin, "requesting_provider", "9 Cedar Court\nVisalia, CA 93277")

    # Then the batch's panel says none of it is to be posted, and offers to take the copies back
    panel = admin.get(reverse("letters:print_queue")).content.decode()
    panel = panel.split('id="batches-title"', 1)[1].split('id="posted-title"', 1)[0]
    assert "Do not post this batch: none of its copies may be posted." in panel
    assert "Take the copies back" in panel
    assert "Confirm posted" not in panel
    with django_capture_on_commit_callbacks(execute=True):
        page = _confirm(admin, batch, timezone.localdate()).content.decode()

    # and taking them back serves nothing, says so, and the batch offers no PDF to file as posted
    assert f"Nothing in batch {batch.pk} was served: every copy was taken out." in page
    assert "so those copies are not served at the old address (CCP 1013(a)); do not post them." in (
        page
    )
    assert "the date of service of" not in page
    assert not mixed_letter.deliveries.filter(status=DeliveryStatus.POSTED).exists()
    posted = page.split('id="posted-title"', 1)[1]
    assert "None: every copy was taken out, none served" in posted
    assert f"Not posted: copies taken out on {timezone.localdate():%m/%d/%Y}" in posted
    download = reverse("letters:print_batch_download", args=[batch.pk])
    assert download not in posted
    assert admin.get(download).status_code == 404
    # and both copies wait to be printed again at their new addresses
    waiting = page.split('id="batches-title"', 1)[0]
    assert "40 Fig Street" in waiting and "9 Cedar Court" in waiting


def test_taking_the_copies_back_changes_nothing_once_a_copy_can_be_posted_after_all(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a batch whose every copy's address changed, shown as "Take the copies back"
    case = mixed_letter.case
    provider = case.parties.get(role="requesting_provider")
    printed_for = provider.address
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        _worker_moves(case, case_admin)
        _party_moves(case, case_admin, "requesting_provider", "9 Cedar Court\nVisalia, CA 93277")
    assert "Take the copies back" in admin.get(reverse("letters:print_queue")).content.decode()

    # When another administrator puts the provider's address back before the button is pressed
    with django_capture_on_commit_callbacks(execute=True):
        _party_moves(case, case_admin, "requesting_provider", printed_for)
    response = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {
            f"batch-{batch.pk}-posted_on": timezone.localdate().isoformat(),
            f"batch-{batch.pk}-take_back": "1",
        },
    )

    # Then it is refused with why, and no copy is taken back or recorded as posted
    assert response.status_code == 400
    assert f"Not taken back: 1 copy of batch {batch.pk} can be posted after all" in (
        response.content.decode()
    )
    batch.refresh_from_db()
    assert batch.posted_on is None and batch.pdf
    assert set(batch.mailings.values_list("recipient_role", flat=True)) == {
        "injured_worker",
        "requesting_provider",
    }
    assert not mixed_letter.deliveries.filter(status=DeliveryStatus.POSTED).exists()
    assert not CaseEvent.objects.filter(
        case=case, type__in=[EventType.COPY_TAKEN_BACK, EventType.LETTER_POSTED]
    ).exists()
    # and the panel now offers to confirm the provider's copy posted, the worker's taken out
    panel = response.content.decode().split('id="batches-title"', 1)[1]
    assert "Confirm posted" in panel


def _amend(case, actor, capture):
    with capture(execute=True):
        return letter_correct(
            case=case, actor=actor, correction_note="The claim number.", password=PASSWORD
        )


def test_printed_copies_of_a_letter_amended_since_are_taken_out_never_sent(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a printed batch of one case's letter (the worker's and the provider's copies) and
    # another case's letter
    today = timezone.localdate()
    other = mixed_letter_made(django_capture_on_commit_callbacks)
    case = mixed_letter.case
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=today)
    assert batch.mailings.count() == 4
    proofs = list(ProofOfService.objects.filter(letter_delivery__letter=mixed_letter, batch=batch))
    assert len(proofs) == 2

    # When the first case's letter is amended before the batch is posted
    amended = _amend(case, case_admin, django_capture_on_commit_callbacks)

    # Then the batch's panel says not to post its two copies, and why
    queue = admin.get(reverse("letters:print_queue")).content.decode()
    panel = queue.split('id="batches-title"', 1)[1].split('id="posted-title"', 1)[0]
    assert "Do not post the copies below; post the rest." in panel
    assert "An amended version of the letter was signed after the batch was printed." in panel
    worker = mixed_letter.deliveries.get(recipient_role="injured_worker").recipient_name
    assert (
        f"{case.case_number}: Final Determination Letter v1 to {worker}: replaced by version 2"
    ) in panel
    assert "Confirm posted" in panel
    assert f'v1 to {worker} <strong class="text-warn">(do not post: replaced by version 2)' in (
        panel
    )
    # and the case page says so of those copies, in its history at once too
    page = case_page(admin, case)
    assert "Not sent: an amended version replaces it; printed in batch" in page
    assert "do not post it" in page
    assert "3 copies not sent: an amended version replaces them" in page
    assert (
        f"Final Determination Letter v1 to {worker}: not sent (printed in batch {batch.pk}: do "
        "not post it); version 2, the amended letter, is served instead"
    ) in page
    # and the amended version's copies wait to be printed
    assert sorted((row.document.case, row.document.version) for row in print_queue()) == [
        (case, 2),
        (case, 2),
    ]

    # When the batch is confirmed posted
    with django_capture_on_commit_callbacks(execute=True):
        page = _confirm(admin, batch, today).content.decode()

    # Then the other case's copies are served, the first case's version 1 copies are not
    assert f"Not sent from batch {batch.pk}: {case.case_number}: Final Determination" in page
    assert "An amended version of the letter replaces them and is served in their place" in page
    assert "the date of service of the 2 mailings confirmed" in page
    assert set(
        other.deliveries.filter(status=DeliveryStatus.POSTED).values_list(
            "recipient_role", flat=True
        )
    ) == {"injured_worker", "requesting_provider"}
    for row in mixed_letter.deliveries.filter(
        recipient_role__in=["injured_worker", "requesting_provider"]
    ):
        assert (row.status, row.batch, row.served_on) == (DeliveryStatus.REPLACED, None, None)
    for proof in proofs:
        proof.refresh_from_db()
        assert proof.superseded_at is not None
    assert not amended.deliveries.filter(status=DeliveryStatus.REPLACED).exists()
    # and the history names each copy once
    page = case_page(admin, case)
    assert page.count(f"Final Determination Letter v1 to {worker}: not sent") == 1


def test_a_batch_of_copies_all_replaced_since_printing_is_taken_back_whole(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a printed batch holding only one letter's copies, amended since
    with django_capture_on_commit_callbacks(execute=True):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    _amend(mixed_letter.case, case_admin, django_capture_on_commit_callbacks)

    # Then the panel says none of it may be posted, and offers to take the copies back
    panel = admin.get(reverse("letters:print_queue")).content.decode()
    panel = panel.split('id="batches-title"', 1)[1].split('id="posted-title"', 1)[0]
    assert "Do not post this batch: none of its copies may be posted." in panel
    assert "Take the copies back" in panel and "Confirm posted" not in panel
    response = admin.post(
        reverse("letters:print_batch_confirm", args=[batch.pk]),
        {
            f"batch-{batch.pk}-posted_on": timezone.localdate().isoformat(),
            f"batch-{batch.pk}-take_back": "1",
        },
        follow=True,
    )
    page = response.content.decode()
    assert f"Nothing in batch {batch.pk} was served: every copy was taken out." in page
    assert not mixed_letter.deliveries.filter(status=DeliveryStatus.POSTED).exists()
    batch.refresh_from_db()
    assert not batch.pdf


def test_a_copy_replaced_while_its_batch_is_being_prepared_is_never_printed(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    # Given a batch of two letters' mailed copies, taken but not yet prepared by the worker
    other = mixed_letter_made(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        batch = print_batch_make(actor=case_admin, posting_on=timezone.localdate())
    # When the first letter is amended before the worker prepares the batch
    _amend(mixed_letter.case, case_admin, django_capture_on_commit_callbacks)
    worker = mixed_letter.deliveries.get(recipient_role="injured_worker")
    assert (worker.status, worker.batch) == (DeliveryStatus.REPLACED, None)
    print_batch_render(batch_id=batch.pk)

    # Then the batch prints the other letter's copies only, with no proof for the replaced ones
    batch.refresh_from_db()
    assert batch.total == 2
    text = _downloaded(admin, batch)
    assert worker.recipient_name not in text
    assert other.deliveries.get(recipient_role="injured_worker").recipient_name in text
    assert not ProofOfService.objects.filter(letter_delivery__letter=mixed_letter, batch=batch)


def test_a_second_tabs_print_a_batch_says_the_copies_are_in_a_batch_already(
    mixed_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    """From QA: refused, it said "Nothing is waiting to be printed." twice, the page's own line
    and the refusal, with no word of where the copies went."""
    today = timezone.localdate().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.post(reverse("letters:print_queue"), {"posting_on": today}).status_code == 302
    # Today asked again: a CI run crossed midnight between the two posts, and yesterday's
    # date was refused as a date before it said anything of the batch.
    again = admin.post(
        reverse("letters:print_queue"), {"posting_on": timezone.localdate().isoformat()}
    )
    assert again.status_code == 400
    page = again.content.decode()
    assert "No batch was made: every copy that was waiting is in a batch already" in page
    assert page.count("Nothing is waiting to be printed.") == 1
    assert PrintBatch.objects.count() == 1
