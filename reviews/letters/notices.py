"""The case-file notices: the Notice of Assignment and Request for Information (8 CCR
9792.10.4(b), 9792.10.5(a)) and the written notice of ineligibility (8 CCR 9792.10.3(c)).

The eligibility finding queues one (`notice_after_finding`, registered in the case file's
registry and called inside the finding's transaction); the Celery task `notice_render` renders
it with the letter's pipeline (same stylesheet, letterhead and fetcher), signs it, stores it with
the SHA-256 of the signed bytes, e-mails it to every addressee with an address, and records the
date of service. For the notice of assignment that date, not the finding's, starts the records
clock. A signed notice is never rendered again."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Prefetch, prefetch_related_objects
from django.template.loader import render_to_string
from django.utils import timezone

from cases.clock.calculator import compute
from cases.integrity.stored import stored_file_bytes
from cases.lifecycle import events
from cases.lifecycle.clock import case_facts
from cases.lifecycle.models import (
    INELIGIBILITY_SOURCES,
    Case,
    CaseEvent,
    DeliveryMethod,
    IneligibilityReason,
    PartyRole,
    SentBy,
)
from cases.lifecycle.services import DUE_ON_FIELDS, case_due_on_refresh
from cases.outbox.models import FollowUp
from cases.outbox.selectors import follow_up_for
from cases.outbox.services import follow_up_add

# tasks.py imports this module by name (a task calls one service): this side imports the
# module, so each name resolves at call time.
from reviews.letters import tasks
from reviews.letters.delivery import document_serve
from reviews.letters.models import LetterStatus, Notice, NoticeKind
from reviews.letters.notice_service import notice_date_kept_why, notice_service_refresh
from reviews.letters.pipeline import (
    document_fail,
    document_retry,
    document_retry_noted,
    document_retryable,
)
from reviews.letters.proofs import proofs_of_electronic_service_make
from reviews.letters.render import (
    RECIPIENT_ROLE_LABELS,
    Recipient,
    letter_date,
    letter_pdf,
    letter_text_current,
    with_org,
)
from reviews.letters.service_status import service_status
from reviews.letters.signing import pdf_sign
from reviews.letters.superseded import notice_unsent_if_closed
from reviews.organization.models import Organization
from reviews.organization.services import organization_current

# Errors worth another try (mail server or disk trouble); smtplib's errors are OSErrors.
TRANSIENT_ERRORS = (OSError,)

TEMPLATES = {
    NoticeKind.NOTICE_OF_ASSIGNMENT: "letters/notice_of_assignment.html",
    NoticeKind.INELIGIBILITY_NOTICE: "letters/ineligibility_notice.html",
}

# 8 CCR 9792.10.5(a)(1)(A)-(D): what the claims administrator must send, in our words.
RECORDS_REQUESTED = (
    (
        "(A)",
        "All reports of the physician relevant to the employee's current medical condition "
        "produced within six months before the date of the request for authorization, "
        "including those named in the request for authorization or in the utilization review "
        "determination. If the requesting physician has treated the employee for less than "
        "six months, the reports of any prior treating or referring physician from that "
        "six-month period.",
    ),
    (
        "(B)",
        "The Application for Independent Medical Review (DWC Form IMR) that was sent with the "
        "utilization review determination, without the determination itself or the "
        "application's instructions.",
    ),
    (
        "(C)",
        "Other than the written utilization review determination, all information, including "
        "correspondence, that the claims administrator gave the employee about the "
        "utilization review decision on the disputed treatment.",
    ),
    (
        "(D)",
        "Any materials the employee or the employee's provider sent the claims administrator "
        "in support of the request for the disputed treatment.",
    ),
)
RECORDS_REQUESTED_SOURCE = "8 CCR 9792.10.5(a)(1)(A)-(D)"


# --- Who gets a notice -----------------------------------------------------------------------


def notice_recipients(case: Case) -> list[Recipient]:
    """Every party a notice goes to: the employee, their attorney when represented, the
    employer, the requesting physician and the claims administrator (8 CCR 9792.10.4(b); the
    claims administrator for the request for records of 9792.10.5(a)). All are addressees."""
    prefetch_related_objects([case], "parties")
    recipients = [
        Recipient(
            role="injured_worker",
            role_label=RECIPIENT_ROLE_LABELS["injured_worker"],
            name=case.worker_name,
            address=case.worker_address,
            email=case.worker_email,
            delivery_method=case.worker_delivery_method,
            e_service_consent=case.worker_e_service_consent,
        )
    ]
    for role in (
        PartyRole.ATTORNEY,
        PartyRole.EMPLOYER,
        PartyRole.REQUESTING_PROVIDER,
        PartyRole.CLAIMS_ADMINISTRATOR,
    ):
        party = case.party(role)
        if party is not None:
            recipients.append(
                Recipient(
                    role=role,
                    role_label=RECIPIENT_ROLE_LABELS[role],
                    name=party.name,
                    address=party.address,
                    email=party.email,
                    delivery_method=party.delivery_method,
                    e_service_consent=party.e_service_consent,
                )
            )
    return recipients


def notice_planned_method(case: Case) -> str:
    """How the case's notice will be served, as `notice_service_refresh` will record it: by mail
    when any addressee is served by mail (or waits for an address), else electronically. The
    eligibility finding dates the records clock by it (8 CCR 9792.10.5(a)(1)), so the case page
    and the notice give the same records due date from the start."""
    recipients = notice_recipients(case)
    if any(r.method == DeliveryMethod.MAIL for r in recipients):
        return SentBy.MAIL
    return SentBy.ELECTRONIC


# --- What a notice says -----------------------------------------------------------------------


def _finding_reasons(event: CaseEvent) -> list[dict[str, str]]:
    """The reasons of an ineligible finding, each with its source: codes of the vocabulary
    (with their citations), then free-text reasons of older findings and of a lapsed request
    for information, which carry their own citation."""
    details = event.details or {}
    reasons = []
    for code in details.get("reason_codes") or []:
        try:
            reason = IneligibilityReason(code)
        except ValueError:
            reasons.append({"label": code, "source": ""})
            continue
        reasons.append({"label": reason.label, "source": INELIGIBILITY_SOURCES[reason]})
    for text in details.get("reasons") or []:
        reasons.append({"label": text, "source": ""})
    return reasons


def notice_records_due(notice: Notice):
    """The records due date a notice of assignment prints (a Deadline, or None): counted from
    its date (today before it is signed) by how it goes, as it stands when it is signed."""
    case = notice.case
    facts = dataclasses.replace(
        case_facts(case),
        notice_sent_on=notice.mailing_date or timezone.localdate(),
        notice_sent_by=notice.sent_by or notice_planned_method(case),
        # The date this notice prints, not one an earlier notice printed.
        notice_records_due_on=None,
    )
    return compute(facts).records_due_on


def notice_context(notice: Notice, *, records_due=None) -> dict:
    """Everything a notice's template prints. Before it is signed (a preview) the date reads
    "Not yet sent" and the records due date counts from today. `records_due`: the date the
    case keeps as printed (notice_produce), so the PDF prints exactly that one."""
    case = notice.case
    organization = organization_current()
    text = notice.letter_text
    recipients = notice_recipients(case)
    provider = case.party(PartyRole.REQUESTING_PROVIDER)
    employer = case.party(PartyRole.EMPLOYER)
    administrator = case.party(PartyRole.CLAIMS_ADMINISTRATOR)
    context = {
        "title": f"{notice.get_kind_display()} {case.case_number}",
        "kind": notice.kind,
        "kind_label": notice.get_kind_display(),
        "org": organization,
        "case": case,
        "addressees": recipients,
        "mailing_date_text": (
            letter_date(notice.mailing_date) if notice.mailing_date else "Not yet sent"
        ),
        "employer_name": employer.name if employer else "",
        "provider_name": provider.name if provider else "Not stated",
        "administrator_name": administrator.name if administrator else "Not stated",
        "facts": {
            "date_of_injury": letter_date(case.date_of_injury),
            "application_received": letter_date(case.application_received),
            "ur_decision_date": letter_date(case.ur_decision_date),
            "priority": case.get_priority_display(),
        },
        "items": [item.description.strip() for item in case.items.order_by("position")],
    }
    if notice.kind == NoticeKind.NOTICE_OF_ASSIGNMENT:
        records_due = records_due or notice_records_due(notice)
        context.update(
            {
                "assignment_notice": with_org(text.assignment_notice, organization),
                "records_request": with_org(text.records_request, organization),
                "records_requested": RECORDS_REQUESTED,
                "records_requested_source": RECORDS_REQUESTED_SOURCE,
                "records_due": letter_date(records_due.on) if records_due else "",
                "records_due_how": records_due.text if records_due else "",
            }
        )
    else:
        details = notice.event.details or {}
        context.update(
            {
                "ineligibility_notice": with_org(text.ineligibility_notice, organization),
                "ineligibility_next": with_org(text.ineligibility_next, organization),
                "finding_date": letter_date(timezone.localdate(notice.event.created_at)),
                "reasons": _finding_reasons(notice.event),
                "note": (details.get("note") or "").strip(),
            }
        )
    return context


def notice_html(notice: Notice, *, records_due=None) -> str:
    """The notice's HTML for the PDF (the renderer applies the letter's stylesheet)."""
    return render_to_string(
        TEMPLATES[NoticeKind(notice.kind)], notice_context(notice, records_due=records_due)
    )


# --- Queued by the finding ------------------------------------------------------------------


def _notice_render_queue(notice: Notice, *, again: bool = False) -> None:
    """Record the rendering in the outbox with the finding: with the broker down the finding
    stands and the relay hands the notice over later (README, "No lost work")."""
    follow_up_add(
        task=tasks.notice_render.name,
        args=[notice.pk],
        case=notice.case,
        what=f"The {notice.get_kind_display()} will be rendered, signed and sent",
        again=again,
    )


def notice_follow_up(notice: Notice) -> FollowUp | None:
    return follow_up_for(tasks.notice_render.name, [notice.pk])


def notice_retryable(notice: Notice, follow_up: FollowUp | None) -> bool:
    """Failed, or not yet out for service while its work is stuck or waits for the task queue."""
    return document_retryable(notice, follow_up)


def notice_after_finding(*, case: Case, actor, event: CaseEvent, eligible: bool) -> Notice:
    """The eligibility finding calls for a notice: the notice of assignment for an eligible
    case (8 CCR 9792.10.4(b)), the written notice with reasons for an ineligible one
    (9792.10.3(c)). Called inside the finding's transaction: the row is saved with the finding
    and the task is enqueued once it commits. Once per finding."""
    kind = NoticeKind.NOTICE_OF_ASSIGNMENT if eligible else NoticeKind.INELIGIBILITY_NOTICE
    existing = Notice.objects.filter(event=event, kind=kind).first()
    if existing is not None:
        return existing
    last = Notice.objects.filter(case=case, kind=kind).aggregate(last=Max("version"))["last"]
    notice = Notice(
        case=case,
        kind=kind,
        version=(last or 0) + 1,
        event=event,
        letter_text=letter_text_current(),
        intended_on=case.date_assigned if eligible else timezone.localdate(),
        intended_sent_by=case.notice_sent_by if eligible else "",
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    notice.full_clean(exclude=["pdf"])
    notice.save()
    _notice_render_queue(notice)
    return notice


# --- Produced by the task: render and sign once, store, deliver, serve ----------------------


def _notice_load(notice_id: int, *, lock: bool) -> Notice:
    queryset = Notice.objects.select_related("case", "letter_text", "event")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=notice_id)


def notice_attachment_name(notice: Notice) -> str:
    kind = notice.kind.replace("_", "-")
    return f"{notice.case.case_number}-{kind}-v{notice.version}.pdf"


def notice_render_signed(notice: Notice, *, records_due=None) -> bytes:
    """Render and sign a notice (no database writes)."""
    organization = organization_current()
    return pdf_sign(
        letter_pdf(notice_html(notice, records_due=records_due)),
        reason=f"{notice.get_kind_display()} {notice.case.case_number}, version {notice.version}",
        signer_name=organization.name,
        contact=organization.email,
    )


def notice_produce(*, notice_id: int) -> str:
    """Render, sign, store, deliver and serve one notice. Idempotent: a second run finds each
    step done and goes on from where the first stopped; a signed notice is never rendered
    again. Transient errors propagate for the task to retry."""
    printed = None
    with transaction.atomic():
        notice = _notice_load(notice_id, lock=True)
        if notice.status == LetterStatus.DELIVERED:
            return f"{notice} already delivered"
        notice.attempts += 1
        notice.error = ""
        notice.status = LetterStatus.SIGNED if notice.sha256 else LetterStatus.RENDERING
        if not notice.sha256:
            # It prints the day it is signed and sent; an earlier failed try keeps no date.
            notice.mailing_date = timezone.localdate()
            if notice.kind == NoticeKind.NOTICE_OF_ASSIGNMENT:
                printed = _records_due_printed_keep(notice)
        notice.save(update_fields=["attempts", "error", "status", "mailing_date"])
    pdf = None
    if not notice.sha256:
        # The slow part runs outside any transaction; storing re-checks under the lock.
        # The records date the case keeps, not one worked out again: a party's service changed
        # meanwhile would make them differ (from a review).
        pdf = notice_render_signed(notice, records_due=printed)
        stored = _notice_store(notice_id=notice_id, pdf=pdf)
        if stored.sha256 != hashlib.sha256(pdf).hexdigest():
            pdf = None  # another run stored its bytes first: mail those
        notice = stored
    # A notice of assignment of a case closed since the finding asks for records for a review
    # that is over: it goes to nobody (reviews.letters.superseded).
    if not notice_unsent_if_closed(notice, notice_recipients(notice.case)):
        notice_deliver(notice, pdf=pdf)
        # CCP 1013b: each e-mailed copy's proof of service, before the notice counts as out.
        proofs_of_electronic_service_make(notice)
        # Closed while it was being served: what has not gone out stays here.
        notice_unsent_if_closed(notice)
    return notice_serve(notice_id=notice_id)


def _records_due_printed_keep(notice: Notice):
    """The case keeps the records due date this notice prints: the records clock never ends
    before it, whichever way its copies are then served (CLOCK_RECORDS_DUE_AS_PRINTED; from
    QA: a notice signed to be mailed printed 15 days, its copies were e-mailed once the parties
    gave addresses, and the case counted 12)."""
    case = Case.objects.select_for_update().get(pk=notice.case_id)
    notice.case = case  # read under the lock
    printed = notice_records_due(notice)
    case.notice_records_due_on = printed.on if printed else None
    case_due_on_refresh(case)
    case.save(update_fields=["notice_records_due_on", *DUE_ON_FIELDS, "updated_at"])
    return printed


def _notice_store(*, notice_id: int, pdf: bytes) -> Notice:
    with transaction.atomic():
        notice = _notice_load(notice_id, lock=True)
        if notice.sha256:
            return notice
        digest = hashlib.sha256(pdf).hexdigest()
        name = f"{notice.case.case_number}-{notice.kind}-v{notice.version}-{digest[:12]}.pdf"
        notice.pdf.save(name, ContentFile(pdf), save=False)
        notice.sha256 = digest
        notice.signed_at = timezone.now()
        notice.status = LetterStatus.SIGNED
        notice.save(update_fields=["pdf", "sha256", "signed_at", "status"])
    return notice


def _delivery_message(notice: Notice, recipient: Recipient, organization: Organization) -> str:
    case = notice.case
    lines = [
        f"Dear {recipient.name},",
        "",
        f"{organization.name} sends the attached {notice.get_kind_display()} for Independent "
        f"Medical Review case {case.case_number} (claim number {case.claim_number}), a PDF "
        f"file digitally signed by {organization.name}.",
    ]
    if notice.kind == NoticeKind.NOTICE_OF_ASSIGNMENT and recipient.role == (
        PartyRole.CLAIMS_ADMINISTRATOR
    ):
        lines += [
            "",
            "For the claims administrator it is also the request for the records listed in it "
            f"({RECORDS_REQUESTED_SOURCE}); the date they are due is printed in the notice.",
        ]
    lines += ["", organization.name]
    contact = " · ".join(part for part in (organization.phone, organization.email) if part)
    if contact:
        lines.append(contact)
    return "\n".join(lines) + "\n"


def notice_deliver(notice: Notice, *, pdf: bytes | None = None) -> None:
    """Serve the signed notice on every addressee by their method, as the letter is served
    (`document_serve`): e-mail now, postal mail to the print queue (served when the batch is
    confirmed posted, with a proof of service), and a party who cannot be served held as a
    problem on the case page. A retry skips those already served. `pdf`: the stored bytes when
    the caller has them (else read back from storage, only if an e-mail goes)."""
    case = notice.case
    organization = organization_current()

    def signed_bytes() -> bytes:
        if pdf is not None:
            return pdf
        return stored_file_bytes(notice, "pdf")

    document_serve(
        recipients=[(recipient, False) for recipient in notice_recipients(case)],
        deliveries=notice.deliveries,
        pdf=signed_bytes,
        attachment_name=notice_attachment_name(notice),
        subject=f"{notice.get_kind_display()}, IMR case {case.case_number}",
        body_for=lambda recipient: _delivery_message(notice, recipient, organization),
        on_sent=lambda delivery: events.notice_delivered(
            case=case, notice=notice, delivery=delivery
        ),
    )


def notice_serve(*, notice_id: int) -> str:
    """The notice is out of our hands (e-mailed, queued for printing, or held for a party's
    address): it is delivered, and served once every recipient is (`notice_service_refresh`:
    at once when all went by e-mail, else when the print batch is confirmed posted). For the
    notice of assignment the date of service moves the records clock. A party who cannot be
    served keeps the notice unserved: the case page shows it, never silence."""
    with transaction.atomic():
        notice = _notice_load(notice_id, lock=True)
        if notice.status == LetterStatus.DELIVERED:
            return f"{notice} already delivered"
        notice.status = LetterStatus.DELIVERED
        notice.save(update_fields=["status"])
        if not notice_service_refresh(notice):
            return f"{notice} delivered; waiting for service by mail or for an address"
    return f"{notice} delivered"


def notice_retry_noted(*, notice_id: int, error: str) -> None:
    document_retry_noted(Notice, pk=notice_id, error=error)


def notice_fail(*, notice_id: int, error: str) -> None:
    """After the task's last try: the case page shows the error and a retry button."""
    document_fail(_notice_load, pk=notice_id, error=error)


@transaction.atomic
def notice_retry(*, notice: Notice, actor) -> Notice:
    """Queue a failed or stuck notice again (the retry button). A signed one keeps its bytes."""
    return document_retry(
        _notice_load,
        pk=notice.pk,
        follow_up_of=notice_follow_up,
        queue=_notice_render_queue,
        name=lambda document: document.get_kind_display(),
    )


# --- Reads --------------------------------------------------------------------------------


def notices_for_case(case: Case) -> list[Notice]:
    """The case's notices, each kind's newest version first, with their deliveries. Read once
    per case object: the case page's clock panel and its letters panel both show them."""
    prefetch_related_objects(
        [case],
        Prefetch(
            "notices",
            queryset=Notice.objects.select_related("letter_text")
            .prefetch_related("deliveries")
            .order_by("kind", "-version"),
            to_attr="notices_read",
        ),
    )
    return case.notices_read


@dataclass(frozen=True)
class NoticeState:
    """Where the case's notice of assignment stands, for the case page."""

    status: str
    status_label: str
    intended_on: dt.date
    served_on: dt.date | None
    sent_by: str
    # Why the case's Date Assigned is not its date of service (notice_date_kept_why), or "".
    kept_why: str = ""


def notice_of_assignment_state(case: Case) -> NoticeState | None:
    notice = next(
        (row for row in notices_for_case(case) if row.kind == NoticeKind.NOTICE_OF_ASSIGNMENT),
        None,
    )
    if notice is None:
        return None
    service = service_status(notice)
    return NoticeState(
        status=notice.status,
        # What is true of its copies, never a bare "delivered".
        status_label=service.text if service else notice.get_status_display(),
        intended_on=notice.intended_on,
        served_on=notice.served_on,
        sent_by=notice.sent_by,
        kept_why=notice_date_kept_why(case, notice.served_on),
    )
