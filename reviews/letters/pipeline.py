"""What the letter's and the notices' production share once a try fails: the error noted while
another try is scheduled, the document failed after the last (the case page then shows the
error and a retry button), and the retry itself. A delivered document is never touched; a
signed one keeps its bytes."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.outbox.models import FollowUp
from cases.outbox.selectors import follow_up_retryable
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


def document_retryable(document, follow_up: FollowUp | None) -> bool:
    """Failed, or not yet out for service while its work is stuck or waits for the task queue."""
    if document.status == LetterStatus.FAILED:
        return True
    return (
        document.status != LetterStatus.DELIVERED
        and follow_up is not None
        and follow_up_retryable(follow_up)
    )


def document_retry(
    load: Callable[..., object],
    *,
    pk: int,
    follow_up_of: Callable[[object], FollowUp | None],
    queue: Callable[..., None],
    name: Callable[[object], str],
):
    """The retry button: the document read under its lock (`load(pk, lock=True)`) goes back to
    the queue if it failed or is stuck; a signed one keeps its bytes (only its delivery is tried
    again). Call inside a transaction."""
    document = load(pk, lock=True)
    if not document_retryable(document, follow_up_of(document)):
        raise ValidationError(f"{name(document)} has neither failed nor stuck; nothing to retry.")
    if document.status == LetterStatus.FAILED:
        document.status = LetterStatus.QUEUED
        document.error = ""
        document.save(update_fields=["status", "error"])
    queue(document, again=True)
    return document
