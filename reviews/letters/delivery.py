"""Serving a signed document on every recipient by their method: e-mail through Django's mail
backend (served when sent), postal mail through the print queue (served when the printed batch
is confirmed posted, with a proof of service per CCP 1013a(3)), and a recipient who cannot be
served held "waiting for an address" until the case administrator fixes it.

`document_serve` takes a signed PDF, its recipients and the document's delivery rows, so any
signed document of the case (the letter today; the notices later) is served the same way."""

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
from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from cases.lifecycle import events
from cases.lifecycle.models import DeliveryMethod, SentBy
from reviews.letters.models import (
    SERVED_STATUSES,
    DeliveryStatus,
    Letter,
    LetterDelivery,
    PrintBatch,
)
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


def print_queue():
    """Every postal mailing waiting to be printed, oldest case first."""
    return (
        LetterDelivery.objects.filter(status=DeliveryStatus.TO_PRINT)
        .select_related("letter__case")
        .order_by("letter__case__case_number", "letter__version", "id")
    )


def print_batches_open():
    """Batches printed and not yet confirmed posted."""
    return (
        PrintBatch.objects.filter(posted_on=None)
        .select_related("created_by")
        .prefetch_related("mailings__letter__case")
        .order_by("created_at")
    )


def _proof_of_service_pdf(
    letter: Letter, mailings: list[LetterDelivery], *, declarant, on: dt.date
) -> bytes:
    """A signed proof of service by mail of one letter (CCP 1013a(3)): the document, the
    declarant, the business practice, each person served by mail as on the envelope, and the
    date and place of deposit; the recipients served by e-mail are listed with their address
    and date."""
    organization = organization_current()
    electronic = [
        row
        for row in letter.deliveries.all()
        if row.method == DeliveryMethod.EMAIL and row.status == DeliveryStatus.SENT
    ]
    declarant_name = declarant.get_full_name() or declarant.username
    html = render_to_string(
        "letters/proof_of_service.html",
        {
            "org": organization,
            "letter": letter,
            "case": letter.case,
            "document_title": (
                f"Final Determination Letter, Independent Medical Review case "
                f"{letter.case.case_number}, version {letter.version}, dated "
                f"{letter_date(letter.mailing_date)}"
            ),
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
        reason=f"Proof of service, {letter.case.case_number} letter version {letter.version}",
        signer_name=organization.name,
        contact=organization.email,
    )


def _batch_pdf(mailings: list[LetterDelivery], *, declarant, on: dt.date) -> bytes:
    """One PDF to print: for each mailing, the stored signed letter (never rendered again)
    followed by its letter's proof of service."""
    by_letter: dict[int, list[LetterDelivery]] = {}
    for row in mailings:
        by_letter.setdefault(row.letter_id, []).append(row)
    proofs: dict[int, bytes] = {}
    letters: dict[int, bytes] = {}
    for letter_id, rows in by_letter.items():
        letter = rows[0].letter
        proofs[letter_id] = _proof_of_service_pdf(letter, rows, declarant=declarant, on=on)
        with letter.party_pdf.open("rb") as stored:
            letters[letter_id] = stored.read()
    writer = PdfWriter()
    for row in mailings:
        writer.append(PdfReader(BytesIO(letters[row.letter_id])))
        writer.append(PdfReader(BytesIO(proofs[row.letter_id])))
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
        mailings = list(print_queue().select_for_update(of=("self",)))
        if not mailings:
            raise ValidationError("Nothing is waiting to be printed.")
        content = _batch_pdf(mailings, declarant=actor, on=posting_on)
        batch = PrintBatch(created_by=actor, posting_on=posting_on)
        _batch_store(batch, content)
        batch.save()
        LetterDelivery.objects.filter(pk__in=[row.pk for row in mailings]).update(
            status=DeliveryStatus.PRINTED, batch=batch
        )
    return batch


def print_batch_posted(*, batch: PrintBatch, actor, posted_on: dt.date) -> PrintBatch:
    """The batch was posted on `posted_on`: each mailing is served that day (CCP 1013(a):
    service by mail is complete on deposit), and each letter whose recipients are all served
    now has its date of service. A date other than the one the proofs declare re-dates them."""
    if posted_on > timezone.localdate():
        raise ValidationError({"posted_on": "A batch cannot be confirmed posted in the future."})
    if posted_on < timezone.localtime(batch.created_at).date():
        raise ValidationError({"posted_on": "A batch cannot be posted before it was printed."})
    with transaction.atomic():
        batch = PrintBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.posted_on:
            raise ValidationError(f"This batch was confirmed posted on {batch.posted_on:%m/%d/%Y}.")
        mailings = list(
            batch.mailings.select_related("letter__case").order_by(
                "letter__case__case_number", "letter__version", "id"
            )
        )
        if posted_on != batch.posting_on:
            # The proofs must declare the actual date of deposit: print them again.
            _batch_store(batch, _batch_pdf(mailings, declarant=actor, on=posted_on))
            batch.posting_on = posted_on
        batch.posted_on = posted_on
        batch.posted_by = actor
        batch.save()
        batch.mailings.update(status=DeliveryStatus.POSTED, served_on=posted_on)
        letters: dict[int, list[LetterDelivery]] = {}
        for row in mailings:
            letters.setdefault(row.letter_id, []).append(row)
        for rows in letters.values():
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
