"""What is true of a signed document's service, said in words for every page that shows it: a
document is not "delivered" while copies wait for the post or for an address. Served copies
count from their date of service (CCP 1013(a) by mail on deposit; CCP 1010.6(a)(3) by e-mail
when sent)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.lifecycle.models import DeliveryMethod, SentBy
from reviews.letters.models import (
    NEVER_SENT_STATUSES,
    SERVED_STATUSES,
    DeliveryStatus,
    LetterStatus,
)


def copies_text(count: int) -> str:
    return f"{count} cop{'y' if count == 1 else 'ies'}"


@dataclass(frozen=True)
class CopyCounts:
    """A document's copies by where their service stands: the served ones' dates, how many
    wait for the post (on the print queue or in a print batch) or for an address, and how many
    an amended version replaced before they went out, or were withdrawn when the case closed
    (never sent, not counted in `total`)."""

    total: int
    served: tuple  # the date of service of each served copy
    to_print: int  # on the print queue
    printed: int  # in a print batch, not yet posted
    held: int
    replaced: int = 0
    withdrawn: int = 0

    @property
    def by_post(self) -> int:
        return self.to_print + self.printed

    def post_parts(self) -> list[str]:
        """The copies waiting for the post, as the print queue names their two stages."""
        parts = []
        if self.to_print:
            parts.append(f"{copies_text(self.to_print)} waiting to be printed")
        if self.printed:
            parts.append(f"{copies_text(self.printed)} printed, waiting to be posted")
        return parts


def copies_sent_by(rows) -> str:
    """How a document's copies went, as its service is counted: by mail when any copy is posted
    (the longer period, so no deadline runs out before that party's own), else electronically."""
    by_mail = any(row.method == DeliveryMethod.MAIL for row in rows)
    return SentBy.MAIL if by_mail else SentBy.ELECTRONIC


def copy_counts(rows) -> CopyCounts:
    rows = list(rows)
    replaced = sum(row.status == DeliveryStatus.REPLACED for row in rows)
    withdrawn = sum(row.status == DeliveryStatus.WITHDRAWN for row in rows)
    return CopyCounts(
        total=sum(row.status not in NEVER_SENT_STATUSES for row in rows),
        served=tuple(
            row.served_on for row in rows if row.status in SERVED_STATUSES and row.served_on
        ),
        to_print=sum(row.status == DeliveryStatus.TO_PRINT for row in rows),
        printed=sum(row.status == DeliveryStatus.PRINTED for row in rows),
        held=sum(row.status == DeliveryStatus.NO_ADDRESS for row in rows),
        replaced=replaced,
        withdrawn=withdrawn,
    )


def _unsent_text(counts: CopyCounts) -> str:
    """The copies never sent, and why: "1 copy not sent: an amended version replaces it"."""
    parts = []
    if counts.replaced:
        it = "it" if counts.replaced == 1 else "them"
        parts.append(f"{copies_text(counts.replaced)} not sent: an amended version replaces {it}")
    if counts.withdrawn:
        parts.append(
            f"{copies_text(counts.withdrawn)} not sent: the case closed before "
            f"{'it' if counts.withdrawn == 1 else 'they'} went out"
        )
    return "; ".join(parts)


@dataclass(frozen=True)
class ServiceStatus:
    text: str
    # "served": every copy served; "waiting": copies for the post; "held": a copy has no address;
    # "unsent": no copy went, and none will (the case closed first).
    tone: str


def service_status(document) -> ServiceStatus | None:
    """The service of a document that is out of production (LetterStatus.DELIVERED), from its
    copies (uses prefetched `deliveries`): "Served on 03/04/2025" once every copy is, else
    "Signed, 2 copies waiting to be printed, 1 served". None before then. A copy an amended
    version replaced, or withdrawn when the case closed, is not waited for: "Served on
    03/04/2025; 1 copy not sent: ..."."""
    if document.status != LetterStatus.DELIVERED:
        return None
    counts = copy_counts(document.deliveries.all())
    # Copies never sent (reviews.letters.superseded).
    unsent = _unsent_text(counts)
    if counts.total and len(counts.served) == counts.total:
        dates = sorted(set(counts.served))
        served = (
            f"Served on {dates[0]:%m/%d/%Y}"
            if len(dates) == 1
            else f"Served; the last copy on {dates[-1]:%m/%d/%Y}"
        )
        return ServiceStatus(served + (f"; {unsent}" if unsent else ""), "served")
    if unsent and not counts.total:
        if counts.withdrawn:
            # Not served, and never to be: not the green of a served document (from QA).
            return ServiceStatus("Not sent: the case closed before it went out", "unsent")
        return ServiceStatus("Not sent: an amended version replaces it", "served")
    # On the print queue or in a print batch: each copy's own line says which.
    parts = counts.post_parts()
    if counts.held:
        parts.append(f"{copies_text(counts.held)} waiting for an address")
    if counts.served:
        parts.append(f"{len(counts.served)} served")
    if unsent:
        parts.append(unsent)
    if not parts:
        return ServiceStatus("Signed, not sent from here", "waiting")
    return ServiceStatus("Signed, " + ", ".join(parts), "held" if counts.held else "waiting")


def copy_status(row) -> str:
    """One copy's status: "Served on 03/04/2025 (e-mailed)", "Waiting to be printed", ..."""
    if row.status in SERVED_STATUSES and row.served_on:
        how = "e-mailed" if row.status == DeliveryStatus.SENT else "posted"
        return f"Served on {row.served_on:%m/%d/%Y} ({how})"
    if row.status == DeliveryStatus.REPLACED and row.batch_id:
        # Printed before the amended version was signed: the print queue lists it until the
        # batch is confirmed posted (reviews.letters.superseded).
        return f"{row.get_status_display()}; printed in batch {row.batch_id}: do not post it"
    return row.get_status_display()
