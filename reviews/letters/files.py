"""The letters room's stored files, registered for the integrity checks (cases.integrity):
each signed letter's two copies, each signed notice, each proof of service and each print batch."""

from cases.integrity.stored import StoredKind, stored_kind_register
from reviews.letters.models import Letter, Notice, PrintBatch, ProofOfService


def stored_kinds_register() -> None:
    for kind in (
        StoredKind("Letter (party copy)", Letter.objects.all, "party_pdf", "party_sha256"),
        StoredKind("Letter (public copy)", Letter.objects.all, "public_pdf", "public_sha256"),
        StoredKind("Notice", Notice.objects.all, "pdf", "sha256"),
        StoredKind("Proof of service", ProofOfService.objects.all, "pdf", "sha256"),
        StoredKind("Print batch", PrintBatch.objects.all, "pdf", "sha256", case_field=None),
    ):
        stored_kind_register(kind)
