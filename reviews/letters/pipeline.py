"""What the letter's and the notices' production share once a try fails: the error noted while
another try is scheduled, and the document failed after the last (the case page then shows the
error and a retry button). A delivered document is never touched; a signed one keeps its bytes."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from reviews.letters.models import LetterStatus


def document_retry_noted(model, *, pk: int, error: str) -> None:
    """A try failed and another is scheduled: the case page says why it is taking longer."""
    model.objects.filter(pk=pk).exclude(status=LetterStatus.DELIVERED).update(error=error[:2000])


def document_fail(load: Callable[..., object], *, pk: int, error: str) -> None:
    """After the task's last try: `load(pk, lock=True)` reads the document under its lock."""
    with transaction.atomic():
        document = load(pk, lock=True)
        if document.status == LetterStatus.DELIVERED:
            return
        document.status = LetterStatus.FAILED
        document.error = error[:2000]
        document.save(update_fields=["status", "error"])
