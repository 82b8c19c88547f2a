"""Serving a signed document on every recipient by their method: e-mail through Django's mail
backend (served when sent), postal mail through the print queue (served when the printed batch
is confirmed posted, with a proof of service per CCP 1013a(3)), and a recipient who cannot be
served held "waiting for an address" until the case administrator fixes it.

`document_serve` takes a signed PDF, its recipients and the document's delivery rows, so any
signed document of the case (the letter and the notices) is served the same way."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.integrity.stored import stored_file_bytes
from cases.lifecycle import events
from cases.lifecycle.models import DeliveryMethod, SentBy
from reviews.letters.models import (
    SERVED_STATUSES,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    Notice,
    NoticeDelivery,
    PrintBatch,
)
from reviews.letters.notice_service import notice_service_refresh
from reviews.letters.render import RECIPIENT_ROLE_LABELS, Recipient, letter_date, letter_pdf
from reviews.letters.signing import pdf_sign
from reviews.organization.services import organization_current

# Rows that a new try may change: nothing has gone out for them yet.
_OPEN_STATUSES = (DeliveryStatus.NO_ADDRESS, DeliveryStatus.TO_PRINT)


def document_serve(
    *,
    recipients: Iterable[tuple[Recipient, bool]],
    deliveries,
    pdf: Callable[[], bytes],
    attachment_name: str,
    subject: str,
    body_for: Callable[[Recipient], str],
    on_sent: Callable[[LetterDelivery], object] = lambda delivery: None,
) -> None:
    """Serve one signed document on each (recipient, is_cc): e-mail now, queue postal mail for
    printing, or hold a recipient who cannot be served. `deliveries` is the document's related
    manager of delivery rows (one per recipient role); a row already sent, printed or posted is
    left alone, so a retry never serves twice (a crash between sending and recording can send
    one e-mail twice; never none). `pdf` returns the signed bytes (read only if e-mail goes)."""
    rows = {row.recipient_role: row for row in deliveries.all()}
    by_email: list[tuple[Recipient, bool]] = []
    for recipient, cc in recipients:
        row = rows.get(recipient.role)
        if row is not None and row.status not in _OPEN_STATUSES:
            continue
        if recipient.problem:
            status = DeliveryStatus.NO_ADDRESS
        elif recipient.method == DeliveryMethod.EMAIL:
            by_email.append((recipient, cc))
            continue
        else:
            status = DeliveryStatus.TO_PRINT
        deliveries.update_or_create(
            recipient_role=recipient.role,
            defaults={
                "recipient_name": recipient.name,
                "cc": cc,
                "method": DeliveryMethod.MAIL,
                "status": status,
                "email": "",
                "address": recipient.address.strip(),
                "served_on": None,
            },
        )
    if not by_email:
        return
    content = pdf()
    # One connection to the mail server for all the e-mails.
    with get_connection(fail_silently=False) as connection:
        for recipient, cc in by_email:
            message = EmailMessage(
                subject=subject,
                body=body_for(recipient),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.email],
                connection=connection,
            )
            message.attach(attachment_name, content, "application/pdf")
            message.send(fail_silently=False)
            with transaction.atomic():
                delivery, _ = deliveries.update_or_create(
                    recipient_role=recipient.role,
                    defaults={
                        "recipient_name": recipient.name,
                        "cc": cc,
                        "method": DeliveryMethod.EMAIL,
                        "status": DeliveryStatus.SENT,
                        "email": recipient.email.strip(),
                        "address": "",
                        # Electronic service is complete when sent (CCP 1010.6(a)(3)).
                        "served_on": timezone.localdate(),
                        "sent_at": timezone.now(),
                    },
                )
                on_sent(delivery)


def letter_service_refresh(letter: Letter) -> Letter:
    """The letter's service from its deliveries: served on the last recipient's date of service
    once every recipient is served; by mail when anyone is served by mail (the longer period, so
    no deadline on the case page runs out before a party's own). Until then, not served."""
    rows = list(letter.deliveries.all())
    if not rows:
        return letter
    by_mail = any(row.method == DeliveryMethod.MAIL for row in rows)
    letter.sent_by = SentBy.MAIL if by_mail else SentBy.ELECTRONIC
    served = [row.served_on for row in rows if row.status in SERVED_STATUSES and row.served_on]
    letter.served_on = max(served) if len(served) == len(rows) else None
    letter.save(update_fields=["sent_by", "served_on"])
    return letter


# --- The print queue ---------------------------------------------------------------------


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


def print_batches_open():
    """Batches printed and not yet confirmed posted."""
    return (
        PrintBatch.objects.filter(posted_on=None)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("mailings", LetterDelivery.objects.select_related("letter__case")),
            Prefetch("notice_mailings", NoticeDelivery.objects.select_related("notice__case")),
        )
        .order_by("created_at")
    )


def _document_title(document: Letter | Notice) -> str:
    if isinstance(document, Notice):
        return (
            f"{document.get_kind_display()}, Independent Medical Review case "
            f"{document.case.case_number}, version {document.version}, dated "
            f"{letter_date(document.mailing_date)}"
        )
    return (
        f"Final Determination Letter, Independent Medical Review case "
        f"{document.case.case_number}, version {document.version}, dated "
        f"{letter_date(document.mailing_date)}"
    )


def _document_pdf(document: Letter | Notice):
    """The stored signed bytes that are printed (the party version of a letter)."""
    return document.pdf if isinstance(document, Notice) else document.party_pdf


def _proof_of_service_pdf(document: Letter | Notice, mailings: list, *, declarant, on) -> bytes:
    """A signed proof of service by mail of one document (CCP 1013a(3)): the document, the
    declarant, the business practice, each person served by mail as on the envelope, and the
    date and place of deposit; the recipients served by e-mail are listed with their address
    and date."""
    organization = organization_current()
    electronic = [
        row
        for row in document.deliveries.all()
        if row.method == DeliveryMethod.EMAIL and row.status == DeliveryStatus.SENT
    ]
    declarant_name = declarant.get_full_name() or declarant.username
    title = _document_title(document)
    html = render_to_string(
        "letters/proof_of_service.html",
        {
            "org": organization,
            "case": document.case,
            "document_title": title,
            "declarant": declarant_name,
            "on_text": letter_date(on),
            "by_mail": [
                {"row": row, "role": RECIPIENT_ROLE_LABELS.get(row.recipient_role, "")}
                for row in mailings
            ],
            "by_email": [
                {"row": row, "role": RECIPIENT_ROLE_LABELS.get(row.recipient_role, "")}
                for row in electronic
            ],
        },
    )
    return pdf_sign(
        letter_pdf(html),
        reason=f"Proof of service, {title}",
        signer_name=organization.name,
        contact=organization.email,
    )


def _by_document(mailings: list) -> dict[tuple[str, int], list]:
    grouped: dict[tuple[str, int], list] = {}
    for row in mailings:
        grouped.setdefault((type(row.document).__name__, row.document.pk), []).append(row)
    return grouped


def _batch_pdf(mailings: list, *, declarant, on: dt.date) -> bytes:
    """One PDF to print: for each mailing, the stored signed document (never rendered again)
    followed by its document's proof of service."""
    proofs: dict[tuple[str, int], bytes] = {}
    documents: dict[tuple[str, int], bytes] = {}
    for key, rows in _by_document(mailings).items():
        document = rows[0].document
        proofs[key] = _proof_of_service_pdf(document, rows, declarant=declarant, on=on)
        # The signed bytes as stored, checked against their SHA-256 (cases.integrity).
        documents[key] = stored_file_bytes(document, _document_pdf(document).field.name)
    writer = PdfWriter()
    for row in mailings:
        key = (type(row.document).__name__, row.document.pk)
        writer.append(PdfReader(BytesIO(documents[key])))
        writer.append(PdfReader(BytesIO(proofs[key])))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _batch_store(batch: PrintBatch, content: bytes) -> None:
    batch.sha256 = hashlib.sha256(content).hexdigest()
    name = f"batch-{batch.created_at:%Y%m%d-%H%M%S}-{batch.sha256[:12]}.pdf"
    batch.pdf.save(name, ContentFile(content), save=False)


def print_batch_make(*, actor, posting_on: dt.date) -> PrintBatch:
    """Print every waiting mailing as one PDF with the proofs of service, declared by `actor`
    for posting on `posting_on`. The mailings wait in the batch until it is confirmed posted."""
    if posting_on < timezone.localdate():
        raise ValidationError({"posting_on": "A batch cannot be posted before it is printed."})
    with transaction.atomic():
        locked = [list(queryset.select_for_update(of=("self",))) for queryset in _print_querysets()]
        mailings = sorted((row for rows in locked for row in rows), key=_queue_order)
        if not mailings:
            raise ValidationError("Nothing is waiting to be printed.")
        content = _batch_pdf(mailings, declarant=actor, on=posting_on)
        batch = PrintBatch(created_by=actor, posting_on=posting_on)
        _batch_store(batch, content)
        batch.save()
        for model, rows in zip((LetterDelivery, NoticeDelivery), locked, strict=True):
            model.objects.filter(pk__in=[row.pk for row in rows]).update(
                status=DeliveryStatus.PRINTED, batch=batch
            )
    return batch


def print_batch_posted(*, batch: PrintBatch, actor, posted_on: dt.date) -> PrintBatch:
    """The batch was posted on `posted_on`: each mailing is served that day (CCP 1013(a):
    service by mail is complete on deposit), and each letter or notice whose recipients are all
    served now has its date of service (for the notice of assignment, the records clock runs
    from it). A date other than the one the proofs declare re-dates them."""
    if posted_on > timezone.localdate():
        raise ValidationError({"posted_on": "A batch cannot be confirmed posted in the future."})
    if posted_on < timezone.localtime(batch.created_at).date():
        raise ValidationError({"posted_on": "A batch cannot be posted before it was printed."})
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.posted_on:
            raise ValidationError(f"This batch was confirmed posted on {batch.posted_on:%m/%d/%Y}.")
        mailings = sorted(
            [
                *batch.mailings.select_related("letter__case"),
                *batch.notice_mailings.select_related("notice__case"),
            ],
            key=_queue_order,
        )
        if posted_on != batch.posting_on:
            # The proofs must declare the actual date of deposit: print them again.
            _batch_store(batch, _batch_pdf(mailings, declarant=actor, on=posted_on))
            batch.posting_on = posted_on
        batch.posted_on = posted_on
        batch.posted_by = actor
        batch.save()
        batch.mailings.update(status=DeliveryStatus.POSTED, served_on=posted_on)
        batch.notice_mailings.update(status=DeliveryStatus.POSTED, served_on=posted_on)
        for rows in _by_document(mailings).values():
            if isinstance(rows[0], NoticeDelivery):
                notice = (
                    Notice.objects.select_related("case")
                    .select_for_update(of=("self",))
                    .get(pk=rows[0].notice_id)
                )
                notice_service_refresh(notice)
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
    return batch
