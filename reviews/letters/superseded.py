"""Copies that will never go out: those of a letter that an amended version replaces, and
those of a notice of assignment when the case closes first.

An amended version (services.letter_correct) replaces every earlier version of the same
determination, and is served on every party. A copy of an earlier version that has not gone out
when the amended one is signed (held for an address, waiting to be printed, printed in a batch
not yet posted) is never sent: the party is served the amended letter only, not a superseded one
first. A printed copy stays listed in its batch, marked not to be posted, and leaves it when the
batch is confirmed posted. A copy already served stays served. A remand's new round is a new
review, not an amendment: its letter replaces nothing.

The notice of assignment asks the parties for the records of a review (8 CCR 9792.10.4(b),
9792.10.5(a)). A copy of it still held for an address, or waiting to be printed, when the case
closes (its determination issued, or the review terminated) asks for records of a review that
is over: it is withdrawn, never sent (from QA: giving a party an address after the letter
served the old notice with its records deadline). A copy already printed in a batch stays there
and is posted as printed; one served stays served."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cases.lifecycle import events
from cases.lifecycle.models import CLOSED_STATUSES, Case, DeliveryMethod
from reviews.letters.delivery import OPEN_STATUSES, letter_service_refresh
from reviews.letters.models import (
    DeliveryStatus,
    Letter,
    LetterDelivery,
    Notice,
    NoticeDelivery,
    NoticeKind,
    PrintBatch,
    PrintBatchStatus,
    ProofOfService,
)
from reviews.letters.notice_service import notice_service_refresh


def _amending(determination_id, version):
    """The signed versions that amend a letter of `determination_id` at `version` (values or
    OuterRefs), latest first. One queued, failed or of a new round (a remand's letter amends
    nothing) is not among them."""
    return Letter.objects.filter(
        determination_id=determination_id, version__gt=version, signed_at__isnull=False
    ).order_by("-version")


def replaced_by_version(letter: Letter) -> int | None:
    """The latest signed version that amends `letter`, or None."""
    return (
        _amending(letter.determination_id, letter.version).values_list("version", flat=True).first()
    )


# A copy nothing has gone out for: held for an address, waiting to be printed, or printed in a
# batch not yet posted.
REPLACEABLE = (*OPEN_STATUSES, DeliveryStatus.PRINTED)


def _replace(letter: Letter, rows: list, *, by_version: int, actor) -> None:
    """Mark `rows` (copies of `letter`) replaced, void their proofs and record it. A copy in a
    batch ready to print stays listed in it, marked not to be posted, until the batch is
    confirmed posted; one in a batch still being prepared leaves it (never printed)."""
    if not rows:
        return
    LetterDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=DeliveryStatus.REPLACED, served_on=None
    )
    printed = set(
        PrintBatch.objects.filter(
            pk__in={row.batch_id for row in rows if row.batch_id}, status=PrintBatchStatus.READY
        ).values_list("pk", flat=True)
    )
    LetterDelivery.objects.filter(pk__in=[row.pk for row in rows]).exclude(
        batch__in=printed
    ).update(batch=None)
    # A proof made for a batch declares a service that will never happen.
    ProofOfService.objects.filter(letter_delivery__in=rows, superseded_at=None).update(
        superseded_at=timezone.now()
    )
    letter_service_refresh(Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk))
    events.copies_replaced(
        case=letter.case,
        actor=actor,
        version=letter.version,
        by_version=by_version,
        copies=[{"party": row.recipient_name, "was": _was(row, printed)} for row in rows],
    )


def _was(row, printed: set[int]) -> str:
    """Where the copy stood, as the history says it: "printed in batch 4: do not post it"."""
    if row.batch_id in printed:
        return f"printed in batch {row.batch_id}: do not post it"
    return DeliveryStatus(row.status).label


def unsent_copies_replace(letter: Letter, *, by_version: int, actor=None) -> int:
    """`letter`'s copies that nothing has gone out for (held for an address, waiting to be
    printed, printed and not posted) are replaced by version `by_version`: never sent. Returns
    how many."""
    with transaction.atomic():
        rows = list(
            letter.deliveries.select_for_update().filter(status__in=REPLACEABLE).order_by("pk")
        )
        _replace(letter, rows, by_version=by_version, actor=actor)
    return len(rows)


def earlier_copies_replace(letter: Letter) -> int:
    """Once the amended `letter` is signed: the unsent copies of every earlier version of its
    determination are replaced by it. Returns how many."""
    earlier = Letter.objects.filter(
        case_id=letter.case_id,
        determination_id=letter.determination_id,
        version__lt=letter.version,
        deliveries__status__in=REPLACEABLE,
    ).distinct()
    return sum(
        unsent_copies_replace(row, by_version=letter.version, actor=letter.created_by)
        for row in earlier.select_related("case")
    )


def replaced_by_subquery() -> Subquery:
    """For a LetterDelivery queryset: the latest signed version amending the copy's letter
    (`annotate(replaced_by=...)`), None when none does. Read by `mailings_replaced`."""
    return Subquery(
        _amending(OuterRef("letter__determination_id"), OuterRef("letter__version")).values(
            "version"
        )[:1]
    )


def mailings_replaced(mailings: list) -> list[tuple]:
    """The mailings of a printed batch that an amended version replaced since, each with the
    amending version: (row, version). Such a copy is not to be posted. The letter mailings carry
    `replaced_by` (replaced_by_subquery), so this reads nothing more."""
    return [
        (row, row.replaced_by)
        for row in mailings
        if isinstance(row, LetterDelivery) and row.status == DeliveryStatus.REPLACED
    ]


def mailings_take_out_replaced(replaced: list[tuple]) -> None:
    """At "Confirm posted": the printed copies an amended version replaced leave the batch
    (replaced, and their proofs void, when it was signed), never posted."""
    LetterDelivery.objects.filter(pk__in=[row.pk for row, _ in replaced]).update(batch=None)


def notice_copies_withdraw(*, case, actor=None, unmade=()) -> int:
    """The case closed: the copies of its notice of assignment that nothing has gone out for
    (held for an address, waiting to be printed) are withdrawn, never sent, and the history
    says so; so is a copy not yet made for each of `unmade` (Recipients of a notice whose task
    runs only now). Registered as cases.registry's case_closed, in the closing transaction;
    `case` is locked and closed. Returns how many."""
    with transaction.atomic():
        rows = list(
            NoticeDelivery.objects.select_for_update()
            .filter(
                notice__case=case,
                notice__kind=NoticeKind.NOTICE_OF_ASSIGNMENT,
                status__in=OPEN_STATUSES,
                batch=None,
            )
            .order_by("pk")
        )
        said = [(row.recipient_name, DeliveryStatus(row.status).label) for row in rows]
        NoticeDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=DeliveryStatus.WITHDRAWN, served_on=None
        )
        notice_ids = {row.notice_id for row in rows}
        for notice, recipients in unmade:
            existing = set(notice.deliveries.values_list("recipient_role", flat=True))
            new = [
                NoticeDelivery(
                    notice=notice,
                    recipient_role=recipient.role,
                    recipient_name=recipient.name,
                    method=recipient.method or DeliveryMethod.MAIL,
                    status=DeliveryStatus.WITHDRAWN,
                )
                for recipient in recipients
                if recipient.role not in existing
            ]
            NoticeDelivery.objects.bulk_create(new)
            said += [(row.recipient_name, "being prepared") for row in new]
            notice_ids.add(notice.pk)
        if not said:
            return 0
        # Served on the copies that went, if every other one is withdrawn (notice_service).
        for notice in Notice.objects.select_for_update().filter(pk__in=notice_ids):
            notice_service_refresh(notice)
        events.notice_copies_withdrawn(
            case=case,
            actor=actor,
            copies=[{"party": party, "was": was} for party, was in said],
        )
    return len(said)


def notice_unsent_if_closed(notice, recipients=()) -> bool:
    """For the notice of assignment's task: if the case has closed since the finding, the copies
    not gone out are withdrawn, and a copy is made withdrawn for each of `recipients` who has
    none (from QA: a review terminated a second after the finding had its notice printed and
    posted). Locks the case; False, doing nothing, while it is open. The task asks before it
    serves (no e-mail goes) and after (a closing meanwhile leaves nothing waiting); a case that
    closes while the e-mails are being sent has those copies served, as any served before."""
    if notice.kind != NoticeKind.NOTICE_OF_ASSIGNMENT:
        return False
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=notice.case_id)
        if case.status not in CLOSED_STATUSES:
            return False
        notice_copies_withdraw(case=case, unmade=[(notice, recipients)])
    return True
