"""Celery tasks of the letters room. Each takes ids, fetches, and calls one service."""

from celery import shared_task

from cases.outbox.tasks import FollowUpTask
from reviews.letters import held_copies, notices, print_batches, services

LETTER_MAX_RETRIES = 5


def _produce_with_retries(task, *, produce, retry_noted, fail, transient) -> str:
    """The body of a document task (the letter's, a notice's): `produce()`; a transient error
    (mail server, disk) is noted and retried with exponential backoff; after the last try, or
    at once on any other error, the document is failed (`fail(error)`) and the case page offers
    a retry."""
    try:
        return produce()
    except transient as exc:
        error = f"{type(exc).__name__}: {exc}"
        if task.request.retries < task.max_retries:
            retry_noted(error)
            raise task.retry(exc=exc, countdown=min(2**task.request.retries * 5, 300)) from exc
        fail(error)
        raise
    except Exception as exc:
        fail(f"{type(exc).__name__}: {exc}")
        raise


# Routed to the "letters" queue by CELERY_TASK_ROUTES (PDF work; its workers are recycled).
# Named as before the move, so messages already queued still find it.
@shared_task(
    name="reviews.tasks.letter_render",
    base=FollowUpTask,
    bind=True,
    acks_late=True,
    max_retries=LETTER_MAX_RETRIES,
)
def letter_render(self, letter_id: int) -> str:
    """Render, sign, store and deliver one letter version; retried, then failed."""
    return _produce_with_retries(
        self,
        produce=lambda: services.letter_produce(letter_id=letter_id),
        retry_noted=lambda error: services.letter_retry_noted(letter_id=letter_id, error=error),
        fail=lambda error: services.letter_fail(letter_id=letter_id, error=error),
        transient=services.TRANSIENT_ERRORS,
    )


# Routed to the "letters" queue with the letter (PDF work).
@shared_task(
    name="reviews.tasks.notice_render",
    base=FollowUpTask,
    bind=True,
    acks_late=True,
    max_retries=LETTER_MAX_RETRIES,
)
def notice_render(self, notice_id: int) -> str:
    """Render, sign, store, deliver and serve one notice; retried and failed as the letter."""
    return _produce_with_retries(
        self,
        produce=lambda: notices.notice_produce(notice_id=notice_id),
        retry_noted=lambda error: notices.notice_retry_noted(notice_id=notice_id, error=error),
        fail=lambda error: notices.notice_fail(notice_id=notice_id, error=error),
        transient=notices.TRANSIENT_ERRORS,
    )


# Routed to the "letters" queue (it prepares proofs of service and joins PDFs). An outbox
# follow-up (cases.outbox): queued in the request's transaction, relayed when the broker is back,
# re-queued when a worker died preparing it.
@shared_task(
    name="reviews.tasks.print_batch_render",
    base=FollowUpTask,
    bind=True,
    acks_late=True,
    max_retries=LETTER_MAX_RETRIES,
)
def print_batch_render(self, batch_id: int) -> str:
    """Prepare one print batch: the proofs of service, then the joined PDF; retried on a
    transient error (disk), then failed: the print queue offers a retry."""
    return _produce_with_retries(
        self,
        produce=lambda: print_batches.print_batch_render(batch_id=batch_id),
        retry_noted=lambda error: print_batches.print_batch_retry_noted(
            batch_id=batch_id, error=error
        ),
        fail=lambda error: print_batches.print_batch_fail(batch_id=batch_id, error=error),
        transient=(OSError,),
    )


# Routed to the "letters" queue (it may render proofs of service).
@shared_task(
    name="reviews.tasks.party_copies_serve",
    base=FollowUpTask,
    bind=True,
    acks_late=True,
    max_retries=5,
)
def party_copies_serve(self, case_id: int, role: str, actor_id: int | None = None) -> str:
    """Serve the copies held for a party once they have an address or e-mail (`actor_id`: the
    user whose change sent them). Transient mail errors are retried; the copies stay held and
    the case page shows them."""
    try:
        return held_copies.party_copies_serve(case_id=case_id, role=role, actor_id=actor_id)
    except services.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc


@shared_task(
    name="reviews.tasks.letter_serve", base=FollowUpTask, bind=True, acks_late=True, max_retries=5
)
def letter_serve(self, letter_id: int) -> str:
    """Serve what of an issued letter waited for a party (an address added, a method changed).
    Transient mail errors are retried; the row stays waiting and the case page shows it.
    Nothing queues it now (party_copies_serve serves every document held for the party); it
    stays registered so a follow-up recorded before that change still runs."""
    try:
        return services.letter_serve_again(letter_id=letter_id)
    except services.TRANSIENT_ERRORS as exc:
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 5, 300)) from exc
