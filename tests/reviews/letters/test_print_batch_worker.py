"""The print batch prepared by a real Celery worker on the `letters` queue, as in production:
"Print a batch" commits the batch and the worker makes the proofs and joins the PDF."""

from io import BytesIO

import pytest
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from cases.lifecycle.models import PartyRole
from reviews.letters.models import PrintBatch, PrintBatchStatus, ProofOfService
from reviews.letters.print_batches import print_batch_make
from reviews.letters.services import letter_produce, letter_request
from tests.factories import UserFactory, approved_determination


@pytest.mark.worker(queues="letters")
def test_a_real_worker_prepares_the_print_batch_with_each_proof(celery_worker):
    determination = approved_determination()
    case = determination.case
    case.parties.filter(role=PartyRole.REQUESTING_PROVIDER).update(delivery_method="mail")
    with transaction.atomic():
        letter = letter_request(determination=determination, actor=None, enqueue=False)
    letter_produce(letter_id=letter.pk)  # in this process: only the batch goes to the worker
    admin = UserFactory(role="case_admin", first_name="Dana", last_name="Printer")

    batch = print_batch_make(actor=admin, posting_on=timezone.localdate())

    def ready():
        current = PrintBatch.objects.get(pk=batch.pk)
        return current.status == PrintBatchStatus.READY and current

    done = celery_worker.wait_for(ready, what="the batch to be ready", timeout=60)
    assert (done.done, done.total) == (1, 1)
    letter.refresh_from_db()
    with done.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    with letter.party_pdf.open("rb") as handle:
        letter_pages = len(PdfReader(BytesIO(handle.read())).pages)
    assert len(reader.pages) == letter_pages + 2  # its address sheet, the letter, its proof
    assert "PROOF OF SERVICE BY MAIL" in reader.pages[-1].extract_text()
    proof = ProofOfService.objects.get(batch=done)
    assert proof.declarant == "Dana Printer"
