"""Proofs of service: one signed document per served copy, rendered by the letter's pipeline
(WeasyPrint, then PAdES), stored with the SHA-256 of the signed bytes and never rendered again.

A copy served by e-mail gets its proof once it is sent (CCP 1013b: proof of electronic
service). A copy served by mail gets its proof from its print batch, for the posting date the
batch declares (CCP 1013a(3): the envelope placed for collection and mailing that day following
the business's ordinary practice); the batch prints that stored proof behind the document. If
the batch is confirmed posted on another date, the proof is superseded (kept) by one declaring
the real date."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.utils import parseaddr

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from cases.lifecycle.models import DeliveryMethod
from cases.states import state_name
from reviews.letters.models import (
    SERVED_STATUSES,
    DeliveryStatus,
    Letter,
    Notice,
    NoticeDelivery,
    PrintBatch,
    ProofOfService,
)
from reviews.letters.render import RECIPIENT_ROLE_LABELS, letter_date, letter_pdf
from reviews.letters.signing import pdf_sign
from reviews.organization.services import organization_current

# The law each proof declares under, printed in it and shown on the case page.
PROOF_LAW = {
    DeliveryMethod.MAIL: "Code Civ. Proc. 1013a(3)",
    DeliveryMethod.EMAIL: "Code Civ. Proc. 1013b",
}


def document_title(document: Letter | Notice) -> str:
    """The exact title of the document served, as the proof states it."""
    name = (
        document.get_kind_display()
        if isinstance(document, Notice)
        else "Final Determination Letter"
    )
    return (
        f"{name}, Independent Medical Review case {document.case.case_number}, version "
        f"{document.version}, dated {letter_date(document.mailing_date)}"
    )


def document_label(document: Letter | Notice) -> str:
    """The document's short name for pages: "Final Determination Letter v2"."""
    if isinstance(document, Notice):
        return f"{document.get_kind_display()} v{document.version}"
    return f"Final Determination Letter v{document.version}"


def _person_name(user) -> str:
    return user.display_name if user else ""


def electronic_declarant(document: Letter | Notice) -> str:
    """Who declares an e-mail service: the person whose action sent the document, else the
    organization's signatory (the mail goes out under the organization's name)."""
    return _person_name(document.created_by) or organization_current().signatory_name


def batch_declarant(batch: PrintBatch) -> str:
    """Who declares a batch's mailings: whoever confirmed it posted (a re-dated batch), else
    whoever printed it."""
    return _person_name(batch.posted_by) or _person_name(batch.created_by) or "the declarant"


def _delivery_field(delivery) -> str:
    return "notice_delivery" if isinstance(delivery, NoticeDelivery) else "letter_delivery"


def address_inline(address: str) -> str:
    """A postal address written on several lines, as one line for a sentence:
    "100 Example Street, Sacramento, CA 95814"."""
    return ", ".join(line.strip().rstrip(",") for line in address.splitlines() if line.strip())


# The city line of a US postal address: "Sacramento, CA 95814".
_CITY_LINE = re.compile(
    r"^\s*(?P<city>[^,\d][^,]*?)\s*,\s*(?P<state>[A-Za-z .]+?)\s+\d{5}(-\d{4})?\s*$"
)


def place_of_execution(address: str) -> str:
    """Where the declaration is signed, as CCP 2015.5 has a declaration made in California
    state it (with the date): the city and state of the organization's business address,
    "Sacramento, California"; the address itself when no line of it reads as a city line."""
    for line in reversed(address.splitlines()):
        match = _CITY_LINE.match(line)
        # A state the line names as a state: "Suite 200, Sacramento CA 95814" names none.
        state = state_name(match["state"]) if match else None
        if state:
            return f"{match['city']}, {state}"
    return address_inline(address)


def proof_render_signed(delivery, *, on: dt.date, declarant: str) -> bytes:
    """Render and sign the proof of service of one copy (no database writes)."""
    organization = organization_current()
    document = delivery.document
    title = document_title(document)
    method = delivery.method
    html = render_to_string(
        "letters/proof_of_service.html",
        {
            "org": organization,
            # Inside a sentence the address's lines are joined with commas, not broken.
            "org_address_inline": address_inline(organization.address),
            "place": place_of_execution(organization.address),
            "case": document.case,
            "document_title": title,
            "declarant": declarant,
            "on_text": letter_date(on),
            "row": delivery,
            "role": RECIPIENT_ROLE_LABELS.get(delivery.recipient_role, ""),
            "by_mail": method == DeliveryMethod.MAIL,
            # CCP 1013b(a)(1): the electronic service address of the person making service.
            "server_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or organization.email,
            "law": PROOF_LAW[DeliveryMethod(method)],
        },
    )
    return pdf_sign(
        letter_pdf(html),
        reason=f"Proof of service, {title}, on {delivery.recipient_name}",
        signer_name=organization.name,
        contact=organization.email,
    )


def proof_make(
    delivery, *, on: dt.date, declarant: str, batch: PrintBatch | None = None
) -> ProofOfService:
    """The copy's proof of service declaring `on`: the stored one if made already (a retried
    task never signs a second), else rendered, signed and stored now. Rendering runs outside
    any transaction."""
    field = _delivery_field(delivery)
    in_force = ProofOfService.objects.filter(
        **{field: delivery, "served_on": on}, superseded_at=None
    )
    existing = in_force.first()
    if existing is not None:
        return existing
    content = proof_render_signed(delivery, on=on, declarant=declarant)
    digest = hashlib.sha256(content).hexdigest()
    document = delivery.document
    proof = ProofOfService(
        case_id=document.case_id,
        method=delivery.method,
        served_on=on,
        declarant=declarant[:200],
        batch=batch,
        sha256=digest,
        signed_at=timezone.now(),
        **{field: delivery},
    )
    name = (
        f"{document.case.case_number}-proof-{field.split('_')[0]}{document.pk}-"
        f"{delivery.recipient_role}-{on:%Y%m%d}-{digest[:12]}.pdf"
    )
    try:
        with transaction.atomic():
            proof.pdf.save(name, ContentFile(content), save=False)
            proof.save()
    except IntegrityError:
        # Another run stored its proof first: that one stands.
        return in_force.get()
    return proof


def proofs_of_electronic_service_make(
    document: Letter | Notice, *, declarant: str | None = None
) -> int:
    """A proof for each copy of `document` e-mailed and still without one (CCP 1013b),
    declared by `declarant` (the person whose action sent the copies), else as the document's
    own first service (electronic_declarant). Returns how many were made."""
    made = 0
    for delivery in document.deliveries.filter(
        method=DeliveryMethod.EMAIL, status=DeliveryStatus.SENT, proofs=None
    ).exclude(served_on=None):
        declarant = declarant or electronic_declarant(document)
        # The row's document is `document`: no query to read it back.
        setattr(delivery, "notice" if isinstance(document, Notice) else "letter", document)
        proof_make(delivery, on=delivery.served_on, declarant=declarant)
        made += 1
    return made


def proofs_for_case(case) -> list[ProofOfService]:
    """The case's proofs of completed service: each served copy's proof declaring the date it
    was served (a proof superseded by a re-dated posting, or made for a batch not yet posted,
    is not a proof of service yet)."""
    proofs = ProofOfService.objects.filter(case=case, superseded_at=None).select_related(
        "letter_delivery__letter__case", "notice_delivery__notice__case"
    )
    return [
        proof
        for proof in proofs
        if proof.delivery.status in SERVED_STATUSES and proof.delivery.served_on == proof.served_on
    ]


def proof_of(case, proof_id: int) -> ProofOfService | None:
    return (
        ProofOfService.objects.filter(case=case, pk=proof_id)
        .select_related("letter_delivery__letter__case", "notice_delivery__notice__case")
        .first()
    )


def proof_attachment_name(proof: ProofOfService) -> str:
    document = proof.delivery.document
    kind = "letter" if isinstance(document, Letter) else document.kind.replace("_", "-")
    return (
        f"{proof.case.case_number}-proof-of-service-{kind}-v{document.version}-"
        f"{proof.delivery.recipient_role.replace('_', '-')}.pdf"
    )
