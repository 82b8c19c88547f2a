"""The Administrative Director's copy of each determination (Lab. Code 4610.6: the IMR
organization's determination is the Administrative Director's). The state's intake channel is
outside this system, so issued letters wait in an outbox that `export_ad_outbox DIR` writes out
as files, once each:

    <case_number>-v<version>.pdf    the signed party letter, byte for byte as stored
    <case_number>-v<version>.json   {"format": "imr-desk/ad-copy/1", "case_number",
        "application_id", "claim_number", "version", "correction_note", "decision_date",
        "mailing_date", "served_on", "sent_by", "outcome", "items": [{"position",
        "description", "outcome"}], "pdf": {"file", "sha256"}, "public_sha256", "issued_at"}

The JSON is written last, so a reader that waits for it finds its PDF complete."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from cases.integrity.stored import stored_file_bytes
from reviews.letters.models import AdOutboxItem

AD_COPY_FORMAT = "imr-desk/ad-copy/1"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def ad_copy_metadata(item: AdOutboxItem, *, pdf_name: str) -> dict:
    letter = item.letter
    determination = letter.determination
    return {
        "format": AD_COPY_FORMAT,
        "case_number": letter.case.case_number,
        "application_id": letter.case.application_id,
        "claim_number": letter.case.claim_number,
        "version": letter.version,
        "correction_note": letter.correction_note or None,
        "decision_date": _iso(determination.decision_date),
        "mailing_date": _iso(letter.mailing_date),
        "served_on": _iso(letter.served_on),
        "sent_by": letter.sent_by or None,
        "outcome": determination.outcome,
        "items": [
            {
                "position": decision.item.position,
                "description": decision.item.description,
                "outcome": decision.outcome,
            }
            for decision in determination.decisions.select_related("item").order_by(
                "item__position"
            )
        ],
        "pdf": {"file": pdf_name, "sha256": letter.party_sha256},
        "public_sha256": letter.public_sha256,
        "issued_at": _iso(letter.signed_at),
    }


def ad_outbox_export(directory: Path) -> list[str]:
    """Write each pending copy into `directory` and mark it sent; returns the names written.
    Rows are locked and skipped when another run holds them, so no copy is written twice."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    with transaction.atomic():
        pending = (
            AdOutboxItem.objects.filter(exported_at=None)
            .select_related("letter__case", "letter__determination")
            .select_for_update(of=("self",), skip_locked=True)
            .order_by("created_at", "id")
        )
        for item in pending:
            letter = item.letter
            stem = f"{letter.case.case_number}-v{letter.version}"
            # Only the signed bytes as stored (checked against their SHA-256).
            (directory / f"{stem}.pdf").write_bytes(stored_file_bytes(letter, "party_pdf"))
            metadata = ad_copy_metadata(item, pdf_name=f"{stem}.pdf")
            (directory / f"{stem}.json").write_text(json.dumps(metadata, indent=2) + "\n")
            item.exported_at = timezone.now()
            item.exported_as = stem
            item.save(update_fields=["exported_at", "exported_as"])
            written.append(stem)
    return written
