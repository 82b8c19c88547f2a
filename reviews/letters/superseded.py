"""The copies of a letter that an amended version replaces before they go out.

An amended version (services.letter_correct) replaces every earlier version of the same
determination, and is served on every party. A copy of an earlier version that has not gone out
when the amended one is signed (held for an address, waiting to be printed) is never sent: the
party is served the amended letter only, not a superseded one first. A copy already printed in
a batch not yet posted is taken out of it when the batch is confirmed posted, and the print
queue says not to post it. A copy already served stays served. A remand's new round is a new
review, not an amendment: its letter replaces nothing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from cases.lifecycle import events
from reviews.letters.delivery import OPEN_STATUSES, letter_service_refresh
from reviews.letters.models import DeliveryStatus, Letter, LetterDelivery


def replaced_by_version(letter: Letter) -> int | None:
    """The latest signed version that amends `letter` (same determination, later version), or
    None. One queued, failed or of a new round (a remand's letter amends nothing) replaces
    nothing."""
    later = Letter.objects.filter(
        case_id=letter.case_id,
        determination_id=letter.determination_id,
        version__gt=letter.version,
        signed_at__isnull=False,
    )
    return later.aggregate(last=Max("version"))["last"]


def _replace(letter: Letter, rows: list, *, by_version: int, actor) -> None:
    """Mark `rows` (copies of `letter`) replaced, void their proofs and record it."""
    if not rows:
        return
    LetterDelivery.objects.filter(pk__in=[row.pk for row in rows]).update(
        status=DeliveryStatus.REPLACED, batch=None, served_on=None
    )
    for row in rows:
        # A proof made for a batch it is taken out of declares a service that never happened.
        row.proofs.filter(superseded_at=None).update(superseded_at=timezone.now())
    letter_service_refresh(Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk))
    events.copies_replaced(
        case=letter.case,
        actor=actor,
        version=letter.version,
        by_version=by_version,
        copies=[
            {"party": row.recipient_name, "was": DeliveryStatus(row.status).label} for row in rows
        ],
    )


def unsent_copies_replace(letter: Letter, *, by_version: int, actor=None) -> int:
    """`letter`'s copies that nothing has gone out for (held for an address, waiting to be
    printed) are replaced by version `by_version`: never sent. Returns how many."""
    with transaction.atomic():
        rows = list(
            letter.deliveries.select_for_update().filter(status__in=OPEN_STATUSES).order_by("pk")
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
        deliveries__status__in=OPEN_STATUSES,
    ).distinct()
    return sum(
        unsent_copies_replace(row, by_version=letter.version, actor=letter.created_by)
        for row in earlier.select_related("case")
    )


def replaced_by_subquery() -> Subquery:
    """For a LetterDelivery queryset: the latest signed version amending the copy's letter
    (`annotate(replaced_by=...)`), None when none does. Read by `mailings_replaced`."""
    return Subquery(
        Letter.objects.filter(
            determination_id=OuterRef("letter__determination_id"),
            version__gt=OuterRef("letter__version"),
            signed_at__isnull=False,
        )
        .order_by("-version")
        .values("version")[:1]
    )


def mailings_replaced(mailings: list) -> list[tuple]:
    """The mailings of a batch that are copies of a letter amended since it was printed, each
    with the amending version: (row, version). Such a copy is not to be posted. The letter
    mailings carry `replaced_by` (replaced_by_subquery), so this reads nothing more."""
    return [
        (row, row.replaced_by)
        for row in mailings
        if isinstance(row, LetterDelivery) and row.replaced_by is not None
    ]


def mailings_take_out_replaced(replaced: list[tuple], *, actor) -> None:
    """At "Confirm posted": the printed copies an amended version replaces leave the batch
    unserved (their proofs void), never posted."""
    by_letter: dict[int, list] = {}
    for row, version in replaced:
        by_letter.setdefault(row.letter_id, []).append((row, version))
    for pairs in by_letter.values():
        letter = pairs[0][0].letter
        _replace(
            letter, [row for row, _ in pairs], by_version=max(v for _, v in pairs), actor=actor
        )
