"""Signed letters and print batches are checked against their recorded SHA-256 wherever they
leave the store: downloads, the Administrative Director's copies, the print batch."""

from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.integrity.checks import stored_files_verify
from cases.integrity.models import IntegrityFinding
from cases.integrity.stored import StoredFileCorrupt
from cases.lifecycle.models import CaseEvent, EventType, PartyRole
from reviews.letters.ad_outbox import ad_outbox_export
from reviews.letters.models import LetterStatus, PrintBatch, PrintBatchStatus
from reviews.letters.print_batches import print_batch_make
from reviews.letters.services import letter_request
from tests.factories import UserFactory, approved_determination

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(django_capture_on_commit_callbacks):
    determination = approved_determination()
    determination.case.parties.filter(role=PartyRole.REQUESTING_PROVIDER).update(
        delivery_method="mail"
    )
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    assert letter.status in (LetterStatus.SIGNED, LetterStatus.DELIVERED)
    UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")
    mail.outbox.clear()
    return letter


def _append(field) -> None:
    path = Path(field.path)
    path.write_bytes(path.read_bytes() + b"\n% appended\n")


@pytest.mark.parametrize("which", ["party", "public"])
def test_each_letter_copy_is_served_intact_and_refused_once_changed(
    client, case_admin, letter, which
):
    client.force_login(case_admin)
    url = reverse("letters:letter_download", args=[letter.case.case_number, 1, which])
    field = letter.party_pdf if which == "party" else letter.public_pdf
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == Path(field.path).read_bytes()

    _append(field)
    refused = client.get(url)
    assert refused.status_code == 500
    assert "failed its integrity check" in refused.content.decode()
    assert CaseEvent.objects.filter(case=letter.case, type=EventType.FILE_INTEGRITY_FAILED).exists()
    assert "sysadmin@example.org" in mail.outbox[0].to


def test_a_changed_letter_is_not_copied_to_the_administrative_director(letter, tmp_path):
    _append(letter.party_pdf)
    with pytest.raises(StoredFileCorrupt):
        ad_outbox_export(tmp_path / "ad")
    assert not list((tmp_path / "ad").glob("*.pdf"))


def test_a_changed_letter_is_not_printed(
    client, case_admin, letter, django_capture_on_commit_callbacks
):
    client.force_login(case_admin)
    _append(letter.party_pdf)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("letters:print_queue"), {"posting_on": timezone.localdate().isoformat()}
        )
    # The batch is prepared by the worker, which refuses the changed letter: the batch fails
    # with the reason, nothing is joined, and the administrators are told.
    assert response.status_code == 302
    batch = PrintBatch.objects.get()
    assert batch.status == PrintBatchStatus.FAILED and not batch.pdf
    assert "SHA-256" in batch.error or "integrity" in batch.error
    assert "sysadmin@example.org" in mail.outbox[0].to
    page = client.get(reverse("letters:print_queue")).content.decode()
    assert "Retry" in page


def _batch_made(actor, capture) -> PrintBatch:
    with capture(execute=True):
        batch = print_batch_make(actor=actor, posting_on=timezone.localdate())
    return PrintBatch.objects.get(pk=batch.pk)


def test_a_changed_print_batch_is_not_downloaded(
    client, case_admin, letter, django_capture_on_commit_callbacks
):
    client.force_login(case_admin)
    batch = _batch_made(case_admin, django_capture_on_commit_callbacks)
    url = reverse("letters:print_batch_download", args=[batch.pk])
    assert client.get(url).status_code == 200
    _append(batch.pdf)
    assert client.get(url).status_code == 500
    assert IntegrityFinding.objects.get().kind == "Print batch"


def test_the_periodic_check_covers_letters_and_batches(
    case_admin, letter, django_capture_on_commit_callbacks
):
    batch = _batch_made(case_admin, django_capture_on_commit_callbacks)
    assert stored_files_verify().run.problems == 0
    _append(letter.public_pdf)
    _append(PrintBatch.objects.get(pk=batch.pk).pdf)
    result = stored_files_verify()
    assert sorted(f.kind for f in result.findings) == ["Letter (public copy)", "Print batch"]
