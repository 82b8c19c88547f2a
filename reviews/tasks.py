"""Celery tasks of the reviewer side. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from . import notifications


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def assignment_notify(assignment_id: int) -> bool:
    return notifications.assignment_notify(assignment_id=assignment_id)


LETTER_MAX_RETRIES = 5


# Routed to the "letters" queue by CELERY_TASK_ROUTES (PDF work; its workers are recycled).
@shared_task(bind=True, acks_late=True, max_retries=LETTER_MAX_RETRIES)
def letter_render(self, letter_id: int) -> str:
    """Render, sign, store and deliver one letter version. Transient errors (mail server,
    disk) are retried with exponential backoff; after the last try, or at once on any other
    error, the letter is marked failed and the case page offers a retry."""
    from . import letters

    try:
        return letters.letter_produce(letter_id=letter_id)
    except letters.TRANSIENT_ERRORS as exc:
        if self.request.retries < self.max_retries:
            letters.letter_retry_noted(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")
            raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
        letters.letter_fail(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")
        raise
    except Exception as exc:
        letters.letter_fail(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")
        raise
