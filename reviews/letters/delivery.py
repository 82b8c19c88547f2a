"""Serving a signed document on every recipient by their method: e-mail through Django's mail
backend (served when sent), postal mail through the print queue (served when the printed batch
is confirmed posted, with a proof of service per CCP 1013a(3)), and a recipient who cannot be
served held "waiting for an address" until the case administrator fixes it.

`document_serve` takes a signed PDF, its recipients and the document's delivery rows, so any
signed document of the case (the letter and the notices) is served the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from cases.lifecycle.models import DeliveryMethod
from reviews.letters.models import (
    NEVER_SENT_STATUSES,
    SERVED_STATUSES,
    DeliveryStatus,
    Letter,
    LetterDelivery,
)
from reviews.letters.render import Recipient
from reviews.letters.service_status import copies_sent_by

# Rows that a new try may change: nothing has gone out for them yet.
OPEN_STATUSES = (DeliveryStatus.NO_ADDRESS, DeliveryStatus.TO_PRINT)


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
        if row is not None and row.status not in OPEN_STATUSES:
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
    no deadline on the case page runs out before a party's own). Until then, not served. A copy
    an amended version replaced (never sent) is not waited for."""
    rows = [row for row in letter.deliveries.all() if row.status not in NEVER_SENT_STATUSES]
    if not rows:
        return letter
    letter.sent_by = copies_sent_by(rows)
    served = [row.served_on for row in rows if row.status in SERVED_STATUSES and row.served_on]
    letter.served_on = max(served) if len(served) == len(rows) else None
    letter.save(update_fields=["sent_by", "served_on"])
    return letter
