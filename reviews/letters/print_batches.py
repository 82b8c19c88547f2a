"""The print queue: the postal mailings waiting to be printed, the print batch (one PDF with each
mailing's stored document followed by its stored proof of service, joined by the Celery task
`print_batch_render`) and its confirmation as posted, which is each mailing's date of service
(CCP 1013(a): service by mail is complete on deposit).

"Print batch" records the batch, takes its mailings and writes the task's outbox row
(cases.outbox) in the request's transaction; the relay hands it to the worker when the broker is
back, and again when a worker died preparing it: a batch is never lost between the page and the
worker."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.clock.deadlines import add_business_days, is_business_day
from cases.integrity.stored import stored_file_bytes
from cases.lifecycle import events
from cases.outbox.services import follow_up_add
from reviews.letters import held_copies, notices, tasks

# tasks.py imports this module by name (a task calls one service), so this side imports the
# modules in that cycle (tasks, held_copies, notices), not their names.
from reviews.letters.delivery import letter_service_refresh
from reviews.letters.models import (
    DeliveryStatus,
    Letter,
    LetterDelivery,
    Notice,
    NoticeDelivery,
    PrintBatch,
    PrintBatchStatus,
    ProofOfService,
)
from reviews.letters.notice_service import notice_service_refresh
from reviews.letters.proofs import batch_declarant, document_label, proof_make
from reviews.letters.render import letter_pdf
from reviews.letters.superseded import (
    mailings_replaced,
    mailings_take_out_replaced,
    replaced_by_subquery,
)
from reviews.organization.services import organization_current


def mailing_key(row) -> tuple[str, int]:
    """A mailing's identity across its two kinds (a letter's and a notice's copy)."""
    return type(row).__name__, row.pk


def _queue_order(row) -> tuple:
    document = row.document
    return (document.case.case_number, type(row).__name__, document.pk, row.pk)


def _print_querysets():
    """The waiting mailings of each kind of document: letters and notices."""
    return (
        LetterDelivery.objects.filter(status=DeliveryStatus.TO_PRINT).select_related(
            "letter__case"
        ),
        NoticeDelivery.objects.filter(status=DeliveryStatus.TO_PRINT).select_related(
            "notice__case"
        ),
    )


def print_queue() -> list:
    """Every postal mailing waiting to be printed (letters and notices), oldest case first."""
    return sorted((row for queryset in _print_querysets() for row in queryset), key=_queue_order)


def batch_mailings(batch: PrintBatch) -> list:
    """The mailings of a batch, letters and notices, in print order (uses prefetched rows)."""
    return sorted([*batch.mailings.all(), *batch.notice_mailings.all()], key=_queue_order)


def _batches_with_mailings():
    return (
        PrintBatch.objects.select_related("created_by")
        .prefetch_related(
            # The parties: each mailing's address is compared with its party's own.
            Prefetch(
                "mailings",
                LetterDelivery.objects.select_related("letter__case")
                .annotate(replaced_by=replaced_by_subquery())
                .prefetch_related("letter__case__parties"),
            ),
            Prefetch(
                "notice_mailings",
                NoticeDelivery.objects.select_related("notice__case").prefetch_related(
                    "notice__case__parties"
                ),
            ),
        )
        .order_by("created_at")
    )


def batch_case_numbers(batch: PrintBatch) -> list[str]:
    """The cases whose documents the batch's PDF holds, its letters' and notices' (one query)."""
    # Unordered: a compound statement takes no ORDER BY in its parts (the models order theirs).
    letters = (
        LetterDelivery.objects.filter(batch=batch)
        .order_by()
        .values_list("letter__case__case_number", flat=True)
    )
    notices = (
        NoticeDelivery.objects.filter(batch=batch)
        .order_by()
        .values_list("notice__case__case_number", flat=True)
    )
    return sorted(letters.union(notices))


def print_batches_open():
    """Batches not yet confirmed posted, and any posted one whose proofs are being re-dated."""
    return _batches_with_mailings().filter(~Q(status=PrintBatchStatus.READY) | Q(posted_on=None))


def print_batches_posted_recent(today: dt.date):
    """The batches confirmed posted in the last PRINT_BATCH_POSTED_LISTED_DAYS days and ready
    (a re-dated one once its new proofs are joined), newest first; `remade`: its proofs were
    made again for the date it was really posted (CCP 1013a(3))."""
    since = today - dt.timedelta(days=settings.PRINT_BATCH_POSTED_LISTED_DAYS)
    return (
        PrintBatch.objects.filter(status=PrintBatchStatus.READY, posted_on__gte=since)
        .select_related("posted_by")
        .annotate(remade=_proofs_remade())
        .order_by("-posted_on", "-pk")
    )


def _proofs_remade() -> Exists:
    """The batch (the outer row) was posted on another date than its first proofs declare:
    they are superseded by proofs for the real date (CCP 1013a(3))."""
    return Exists(
        ProofOfService.objects.filter(batch=OuterRef("pk"))
        .exclude(superseded_at=None)
        .exclude(served_on=OuterRef("posted_on"))
    )


def print_batch_proofs_remade(batch: PrintBatch) -> bool:
    """`remade` of print_batches_posted_recent, for one batch."""
    return (
        batch.posted_on is not None
        and PrintBatch.objects.filter(pk=batch.pk).filter(_proofs_remade()).exists()
    )


def print_batch_get(batch_id: int) -> PrintBatch | None:
    return _batches_with_mailings().filter(pk=batch_id).first()


def _enqueue(batch: PrintBatch, *, again: bool = False) -> None:
    """The batch's preparation, recorded in the caller's transaction (cases.outbox)."""
    follow_up_add(
        task=tasks.print_batch_render.name,
        args=[batch.pk],
        what=f"Print batch {batch.pk} will be prepared",
        again=again,
    )


def posting_first(today: dt.date) -> dt.date:
    """The posting date a batch printed `today` is offered: today, or the next working day on a
    weekend or holiday of the state offices' calendar (from QA: a Sunday was offered and became
    the date of service its proofs declare, CCP 1013a(3))."""
    return today if is_business_day(today) else add_business_days(today, 1)


def posting_latest(today: dt.date) -> dt.date:
    """The latest date a batch printed `today` may declare for its posting."""
    return add_business_days(today, settings.PRINT_BATCH_POSTING_WORKING_DAYS)


def print_batch_make(*, actor, posting_on: dt.date) -> PrintBatch:
    """Take every waiting mailing into a new batch, to be declared by `actor` as posted on
    `posting_on`; the task prepares each proof of service and joins the PDF after commit.
    The mailings wait in the batch until it is confirmed posted."""
    today = timezone.localdate()
    latest = posting_latest(today)
    if posting_on < today:
        # From QA: the date to choose is said, as for one too late.
        raise ValidationError(
            {
                "posting_on": f"{posting_on:%m/%d/%Y} is before today, and a batch cannot be "
                f"posted before it is printed: choose a posting date from today to "
                f"{latest:%m/%d/%Y}."
            }
        )
    if posting_on > latest:
        # CCP 1013a(3): each proof declares, under penalty of perjury, the date of mailing.
        raise ValidationError(
            {
                "posting_on": f"Choose a posting date from today to {latest:%m/%d/%Y} "
                f"({settings.PRINT_BATCH_POSTING_WORKING_DAYS} working days ahead): each proof "
                "of service declares it under penalty of perjury (CCP 1013a(3)), so print the "
                "batch when it can be posted."
            }
        )
    with transaction.atomic():
        locked = [list(queryset.select_for_update(of=("self",))) for queryset in _print_querysets()]
        count = sum(len(rows) for rows in locked)
        if not count:
            # From QA: a second tab's "Print a batch" said the page's own line a second time.
            raise ValidationError(
                "No batch was made: every copy that was waiting is in a batch already (made "
                "from another tab or by someone else), listed under “Batches waiting to be "
                "posted”."
            )
        batch = PrintBatch.objects.create(
            created_by=actor, posting_on=posting_on, total=count, status=PrintBatchStatus.QUEUED
        )
        for model, rows in zip((LetterDelivery, NoticeDelivery), locked, strict=True):
            model.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=DeliveryStatus.PRINTED, batch=batch
            )
        _enqueue(batch)
    return batch


def _address(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def mailings_readdressed(mailings: list) -> list[tuple]:
    """The mailings whose party's postal address changed since the copy was printed, each with
    the address it now has: (row, new address). Such a copy served at the old address would not
    be served at the party's address (CCP 1013(a): the envelope addressed to the person at
    their address); it must be printed again. The cases' parties are read once per case."""
    addresses: dict[int, dict[str, str]] = {}
    changed = []
    for row in mailings:
        case = row.document.case
        if case.pk not in addresses:
            recipients = notices.notice_recipients(case)
            addresses[case.pk] = {r.role: _address(r.address) for r in recipients}
        current = addresses[case.pk].get(row.recipient_role)
        if current is not None and current != _address(row.address):
            changed.append((row, current))
    return changed


def _mailing_pull_back(row, *, address: str, batch: PrintBatch, actor) -> None:
    """Take a mailing out of its batch, back to the print queue with the party's new address;
    the proofs the batch made for it are void (kept, superseded), so none declares service at
    the old address. The held-copies task serves it by the party's method as it stands now
    (e-mailed, if they changed to e-mail)."""
    row.proofs.filter(batch=batch, superseded_at=None).update(superseded_at=timezone.now())
    row.status = DeliveryStatus.TO_PRINT
    row.batch = None
    row.address = address
    row.served_on = None
    row.save(update_fields=["status", "batch", "address", "served_on"])
    events.copy_taken_back(
        case=row.document.case,
        actor=actor,
        document=document_label(row.document),
        party=row.recipient_name,
        batch_id=batch.pk,
    )
    held_copies.party_copies_changed(row.document.case, row.recipient_role, actor)


@dataclass(frozen=True)
class Withheld:
    """A batch's mailings sorted for posting: `replaced`, (row, amending version) of a letter
    amended since printing (never sent); `readdressed`, (row, new address) of a party whose
    address changed since printing (printed again); `to_post`, the rest."""

    replaced: list
    readdressed: list
    to_post: list


def mailings_withheld(mailings: list) -> Withheld:
    """Which of a batch's printed mailings may not be posted, and why."""
    replaced = mailings_replaced(mailings)
    replaced_keys = {mailing_key(row) for row, _ in replaced}
    rest = [row for row in mailings if mailing_key(row) not in replaced_keys]
    readdressed = mailings_readdressed(rest)
    readdressed_keys = {mailing_key(row) for row, _ in readdressed}
    return Withheld(
        replaced=replaced,
        readdressed=readdressed,
        to_post=[row for row in rest if mailing_key(row) not in readdressed_keys],
    )


@dataclass
class BatchPosted:
    """What confirming a batch posted did: the batch, the mailings taken back to the print
    queue because their party's address changed since printing (never served at the old one),
    and those taken out because an amended version of the letter replaces them (never sent)."""

    batch: PrintBatch
    confirmed: int = 0
    pulled: list = field(default_factory=list)
    replaced: list = field(default_factory=list)


def _mailings_of(batch: PrintBatch) -> list:
    return sorted(
        [
            *batch.mailings.select_related("letter__case").annotate(
                replaced_by=replaced_by_subquery()
            ),
            *batch.notice_mailings.select_related("notice__case"),
        ],
        key=_queue_order,
    )


def _document_bytes(document: Letter | Notice) -> bytes:
    """The stored signed bytes that are printed (the party version of a letter), checked
    against the SHA-256 recorded when they were signed."""
    if isinstance(document, Notice):
        return stored_file_bytes(document, "pdf")
    return stored_file_bytes(document, "party_pdf")


def print_batch_render(*, batch_id: int) -> str:
    """Prepare a batch: each mailing's proof of service (stored, signed once; a retry reuses
    those made), progress recorded after each, then one PDF of each stored document followed by
    its stored proof. Idempotent: a ready batch is left alone."""
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == PrintBatchStatus.READY:
            return f"{batch} already ready"
        batch.status = PrintBatchStatus.RENDERING
        batch.attempts += 1
        batch.error = ""
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "attempts", "error", "started_at"])
    # A copy an amended version replaced meanwhile is never printed (reviews.letters.superseded).
    mailings = [row for row in _mailings_of(batch) if row.status != DeliveryStatus.REPLACED]
    declarant = batch_declarant(batch)
    proofs: list[ProofOfService] = []
    for done, row in enumerate(mailings, start=1):
        proofs.append(proof_make(row, on=batch.posting_on, declarant=declarant, batch=batch))
        PrintBatch.objects.filter(pk=batch.pk).update(done=done, total=len(mailings))
    writer = PdfWriter()
    # Each document read and counted once, however many of its copies the batch holds; each
    # proof (one per mailing) read once, for its count and its pages.
    documents: dict[tuple[str, int], tuple[bytes, int]] = {}
    parts = []
    for row, proof in zip(mailings, proofs, strict=True):
        key = (type(row.document).__name__, row.document.pk)
        if key not in documents:
            content = _document_bytes(row.document)
            documents[key] = (content, len(PdfReader(BytesIO(content)).pages))
        document, document_pages = documents[key]
        proof_reader = PdfReader(BytesIO(stored_file_bytes(proof, "pdf")))
        parts.append((row, document, document_pages + len(proof_reader.pages), proof_reader))
    sheets = _address_sheets(batch, [(row, pages) for row, _doc, pages, _proof in parts])
    for (_row, document, _pages, proof_reader), sheet in zip(parts, sheets, strict=True):
        writer.add_page(sheet)
        # A new reader for each copy of a document: pypdf clones a reader's pages once.
        writer.append(PdfReader(BytesIO(document)))
        writer.append(proof_reader)
    out = BytesIO()
    writer.write(out)
    content = out.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch_id)
        if batch.status == PrintBatchStatus.READY:
            return f"{batch} already ready"
        name = f"batch-{batch.pk}-{batch.posting_on:%Y%m%d}-{digest[:12]}.pdf"
        batch.pdf.save(name, ContentFile(content), save=False)
        batch.sha256 = digest
        batch.status = PrintBatchStatus.READY
        batch.done = batch.total = len(mailings)
        batch.save(update_fields=["pdf", "sha256", "status", "done", "total"])
    return f"{batch} ready: {len(mailings)} mailings"


def _address_sheets(batch: PrintBatch, parts) -> list:
    """One address sheet per mailing (templates/letters/address_sheets.html), as PDF pages in
    the mailings' order: the return address and the recipient's, placed for a No. 10 window
    envelope. One rendering for the whole batch. `parts`: (mailing, pages behind its sheet)
    each."""
    if not parts:
        return []
    html = render_to_string(
        "letters/address_sheets.html",
        {
            "org": organization_current(),
            "batch": batch,
            "mailings": [
                {
                    "name": row.recipient_name,
                    "address": row.address,
                    "what": document_label(row.document),
                    "pages": f"{pages} page{'s' if pages != 1 else ''} behind this sheet",
                }
                for row, pages in parts
            ],
        },
    )
    pages = list(PdfReader(BytesIO(letter_pdf(html))).pages)
    if len(pages) != len(parts):
        # Each sheet is one page whatever it holds (its boxes clip); said plainly if not.
        raise ValueError(
            f"The address sheets came to {len(pages)} pages for {len(parts)} mailings."
        )
    return pages


def print_batch_retry_noted(*, batch_id: int, error: str) -> None:
    PrintBatch.objects.filter(pk=batch_id).exclude(status=PrintBatchStatus.READY).update(
        error=error[:2000]
    )


def print_batch_fail(*, batch_id: int, error: str) -> None:
    """After the task's last try: the print queue shows the error and a retry button."""
    PrintBatch.objects.filter(pk=batch_id).exclude(status=PrintBatchStatus.READY).update(
        status=PrintBatchStatus.FAILED, error=error[:2000]
    )


def print_batch_retry(*, batch: PrintBatch, actor) -> PrintBatch:
    """Queue a failed batch again (the retry button); proofs already made are kept."""
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != PrintBatchStatus.FAILED:
            raise ValidationError(f"Batch {batch.pk} has not failed; nothing to retry.")
        batch.status = PrintBatchStatus.QUEUED
        batch.error = ""
        batch.queued_at = timezone.now()
        batch.save(update_fields=["status", "error", "queued_at"])
        _enqueue(batch, again=True)
    return batch


def _by_document(mailings: list) -> dict[tuple[str, int], list]:
    grouped: dict[tuple[str, int], list] = {}
    for row in mailings:
        grouped.setdefault((type(row.document).__name__, row.document.pk), []).append(row)
    return grouped


def print_batch_posted(
    *, batch: PrintBatch, actor, posted_on: dt.date, take_back_only: bool = False
) -> BatchPosted:
    """The batch was posted on `posted_on`: each mailing is served that day (CCP 1013(a):
    service by mail is complete on deposit), and each letter or notice whose recipients are all
    served now has its date of service (for the notice of assignment, the records clock runs
    from it). Posted on another date than its proofs declare, those proofs are superseded and
    the task makes new ones for the real date (CCP 1013a(3)) and joins the batch again.
    A mailing whose party's address changed since printing is not served: it goes back to the
    print queue with the new address (`mailings_readdressed`); a copy of a letter amended since
    printing is taken out, never sent (`mailings_replaced`). The rest are confirmed, and the
    batch's PDF is joined again without those; with every copy taken out it keeps none.
    `take_back_only`: the user was told no copy may be posted (each address changed, or an
    amended version replaces it) and nothing is posted;
    if a copy could be posted after all (an address was put back since), nothing changes."""
    with transaction.atomic():
        # Of the batch alone: FOR UPDATE cannot take the nullable side of the join (PostgreSQL).
        batch = (
            PrintBatch.objects.select_for_update(of=("self",))
            .select_related("posted_by")
            .get(pk=batch.pk)
        )
        # Already posted comes first: a second tab's date is beside the point (from QA).
        if not batch.posted_on and posted_on > timezone.localdate():
            raise ValidationError(
                {"posted_on": "A batch cannot be confirmed posted in the future."}
            )
        if not batch.posted_on and posted_on < timezone.localtime(batch.created_at).date():
            raise ValidationError({"posted_on": "A batch cannot be posted before it was printed."})
        if batch.posted_on:
            by = (
                batch.posted_by.get_full_name() or batch.posted_by.username
                if batch.posted_by
                else ""
            )
            raise ValidationError(
                f"Batch {batch.pk} was already confirmed posted on {batch.posted_on:%m/%d/%Y}"
                f"{f' by {by}' if by else ''}: that date stands, and nothing was changed."
            )
        if batch.status != PrintBatchStatus.READY:
            raise ValidationError(
                f"Batch {batch.pk} is not ready to print yet: it cannot have been posted."
            )
        mailings = _mailings_of(batch)
        withheld = mailings_withheld(mailings)
        replaced, pulled = withheld.replaced, withheld.readdressed
        mailings = withheld.to_post
        if take_back_only and mailings:
            raise ValidationError(
                f"Not taken back: {len(mailings)} cop{'y' if len(mailings) == 1 else 'ies'} of "
                f"batch {batch.pk} can be posted after all (the address was put back since the "
                "page was shown). Nothing was changed: look at the batch again."
            )
        for row, address in pulled:
            _mailing_pull_back(row, address=address, batch=batch, actor=actor)
        mailings_take_out_replaced(replaced)
        taken_out = pulled or replaced
        redated = posted_on != batch.posting_on
        # The batch's PDF is the file of what was posted: joined again for the new date's
        # proofs, or without the copies taken out (their proofs void), keeping the rest's.
        if mailings and (redated or taken_out):
            if redated:
                batch.proofs.filter(superseded_at=None).update(superseded_at=timezone.now())
            batch.posting_on = posted_on
            batch.status = PrintBatchStatus.QUEUED
            batch.queued_at = timezone.now()
            batch.done = 0
            _enqueue(batch)
        elif taken_out:
            # Every copy taken out: nothing was served, so the batch keeps no PDF to be filed
            # as what was posted (the printed file stays in storage, no longer offered).
            batch.pdf = ""
            batch.sha256 = ""
            batch.total = batch.done = 0
        batch.posted_on = posted_on
        batch.posted_by = actor
        batch.save()
        batch.mailings.filter(status=DeliveryStatus.PRINTED).update(
            status=DeliveryStatus.POSTED, served_on=posted_on
        )
        batch.notice_mailings.update(status=DeliveryStatus.POSTED, served_on=posted_on)
        for rows in _by_document(mailings).values():
            if isinstance(rows[0], NoticeDelivery):
                notice = (
                    Notice.objects.select_related("case")
                    .select_for_update(of=("self",))
                    .get(pk=rows[0].notice_id)
                )
                notice_service_refresh(notice)
                # Each batch's copies in the history as they go, as a letter's are: a notice
                # whose other copies wait for an address is not served yet (notice_served).
                events.notice_posted(
                    case=notice.case,
                    actor=actor,
                    notice=notice,
                    served_on=posted_on,
                    recipients=[row.recipient_name for row in rows],
                )
                continue
            letter = Letter.objects.select_related("case").get(pk=rows[0].letter_id)
            letter_service_refresh(letter)
            events.letter_posted(
                case=letter.case,
                actor=actor,
                letter=letter,
                served_on=posted_on,
                recipients=[row.recipient_name for row in rows],
            )
    return BatchPosted(
        batch=batch,
        confirmed=len(mailings),
        pulled=[row for row, _ in pulled],
        replaced=[row for row, _ in replaced],
    )
