"""The Final Determination Letter (SPEC section 6): its words, the one template that renders
the preview and both PDFs, signing and storing, delivery, corrections and verification.

A letter version moves queued -> rendering -> signed -> delivered (or failed, with a retry).
Once signed its bytes never change: a correction is a new version and every version stays."""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import mimetypes
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Max, Q, prefetch_related_objects
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from cases import deadlines, events
from cases.models import Case, CaseStatus, CitationKind, PartyRole
from cases.services import case_status_set

from .licensure import licensure_display
from .models import (
    Assignment,
    AssignmentStatus,
    CaseOutcome,
    Determination,
    DeterminationStatus,
    Letter,
    LetterDelivery,
    LetterStatus,
    LetterText,
    Organization,
    Outcome,
)

# The organization's fixed paragraphs, in our own words; a system administrator edits them
# (each edit is a new version).
DEFAULT_LETTER_TEXT = {
    "how_made": (
        "{org} sent the complete case file to an expert reviewer who is independent of every "
        "party: the reviewer has no affiliation with the employer, the injured worker, the "
        "requesting provider or their group, the utilization review organization or physician, "
        "or the claims administrator. The reviewer has been in active clinical practice for "
        "more than five years and currently practices at least 24 hours a week. The reviewer "
        "was chosen for clinical experience, education, background and expertise in the same "
        "or a similar specialty to those that evaluate or treat the condition and the disputed "
        "items or services, and is familiar with the governing laws and regulations, including "
        "the strength-of-evidence hierarchy that applies to Independent Medical Review."
    ),
    "summary_lead_in": (
        "The expert reviewer wrote the following clinical case summary after reviewing the "
        "whole case file, including all medical records:"
    ),
    "issues_lead_in": (
        "The Final Determination rests on the decisions for the disputed items and services "
        "set out below:"
    ),
    "binding_notice": (
        "This determination is binding on the employee and the employer (Lab. Code 4610.6). "
        "It is the final determination of the Administrative Director."
    ),
    "appeal_notice": (
        "Either party may appeal this determination by filing a verified petition with the "
        "Workers' Compensation Appeals Board within 30 days of the date of service of this "
        "letter (Lab. Code 4610.6(h); 8 CCR 10575). An appeal is limited to the grounds set "
        "out in Labor Code section 4610.6(h)."
    ),
    "overturned_notice": (
        "For each item overturned above, the claims administrator must authorize the service "
        "within 5 working days of receipt of this determination or, if the service was "
        "already provided, reimburse it within 20 days (8 CCR 9792.10.7)."
    ),
}


LETTER_TEXT_FIELDS = tuple(DEFAULT_LETTER_TEXT)
ORGANIZATION_FIELDS = (
    "name",
    "short_name",
    "address",
    "phone",
    "email",
    "website",
    "signatory_name",
    "signatory_title",
)
# Errors worth another try (mail server or disk trouble); smtplib's errors are OSErrors.
TRANSIENT_ERRORS = (OSError,)


def organization_current() -> Organization:
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        organization = Organization.objects.create()
    return organization


def letter_text_current() -> LetterText:
    """The newest version of the organization's paragraphs (version 1 from the defaults)."""
    text = LetterText.objects.order_by("-version").first()
    if text is None:
        text = LetterText.objects.create(version=1, **DEFAULT_LETTER_TEXT)
    return text


# --- The letter's words ---------------------------------------------------------------------

CLAIMS_ADMINISTRATOR = "The Claims Administrator"
EXPERT_REVIEWER = "The Expert Reviewer"


def letter_date(value: dt.date | None) -> str:
    """Dates print MM/DD/YYYY (SPEC section 6)."""
    return value.strftime("%m/%d/%Y") if value else ""


def _sentence(text: str) -> str:
    """End with one period: "Page(s): 103-104" gains one, "... 2004." keeps its own."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def citation_render(kind: str, text: str, *, by: str) -> str:
    """A guideline line by its kind (SPEC section 6); `by` names who decided."""
    if kind == CitationKind.MTUS:
        return _sentence(f"Decision based on {text.strip()}")
    if kind == CitationKind.NON_MTUS:
        return (
            f"{by} based their decision on recommendation(s) outside of the MTUS Guidelines. "
            + _sentence(f"Decision based on Non-MTUS Citation {text.strip()}")
        )
    if kind == CitationKind.NONE:
        return f"{by} did not cite any medical evidence for its decision."
    return "Not yet chosen."


def item_line(item, outcome_label: str) -> str:
    """The disputed item's line; a request UR modified names what was asked and authorized."""
    if item.was_modified:
        original = item.original_request.strip().rstrip(".")
        authorized = item.authorized_portion.strip().rstrip(".")
        return (
            f"{original} was the original request. {authorized} was authorized by the Claims "
            "Administrator. The remaining IMR eligible portion of the original request, "
            f"{item.description.strip()}: {outcome_label}"
        )
    return f"{item.description.strip()}: {outcome_label}"


RECIPIENT_ROLE_LABELS = {
    "injured_worker": "Injured Worker",
    PartyRole.ATTORNEY: "Attorney for the Injured Worker",
    PartyRole.REQUESTING_PROVIDER: "Requesting Provider",
    PartyRole.CLAIMS_ADMINISTRATOR: "Claims Administrator",
    PartyRole.EMPLOYER: "Employer",
}


@dataclass(frozen=True)
class Recipient:
    role: str
    role_label: str
    name: str
    address: str = ""
    email: str = ""


def letter_recipients(case: Case) -> tuple[list[Recipient], list[Recipient]]:
    """Addressees (the worker, or their attorney when represented; the requesting provider; the
    claims administrator) and the cc list (the employer; the worker when the attorney is
    addressed)."""
    # Each party is looked up by role: the case's parties are read once from SQL.
    prefetch_related_objects([case], "parties")
    attorney = case.party(PartyRole.ATTORNEY)
    worker = Recipient(
        role="injured_worker",
        role_label=RECIPIENT_ROLE_LABELS["injured_worker"],
        name=case.worker_name,
        address=case.worker_address,
        email=case.worker_email,
    )
    addressees: list[Recipient] = []
    cc: list[Recipient] = []
    if attorney is not None:
        addressees.append(
            Recipient(
                role=PartyRole.ATTORNEY,
                role_label=RECIPIENT_ROLE_LABELS[PartyRole.ATTORNEY],
                name=attorney.name,
                address=attorney.address,
                email=attorney.email,
            )
        )
        cc.append(worker)
    else:
        addressees.append(worker)
    for role, into in (
        (PartyRole.REQUESTING_PROVIDER, addressees),
        (PartyRole.CLAIMS_ADMINISTRATOR, addressees),
        (PartyRole.EMPLOYER, cc),
    ):
        party = case.party(role)
        if party is not None:
            into.append(
                Recipient(
                    role=role,
                    role_label=RECIPIENT_ROLE_LABELS[role],
                    name=party.name,
                    address=party.address,
                    email=party.email,
                )
            )
    return addressees, cc


def _outcome_label(choices: type[Outcome] | type[CaseOutcome], outcome: str | None) -> str:
    """An item's or the case's outcome as the letter prints it."""
    return choices(outcome).label if outcome else "Not yet decided"


def letter_context(
    determination: Determination, *, public: bool, letter: Letter | None = None
) -> dict:
    """Everything the letter template prints, from the determination's current data. For a
    preview (no letter yet) the mailing date reads "Not yet mailed" and the dates the notices
    count from are today's. The reviewer's name is deliberately not in it."""
    case = determination.case
    organization = organization_current()
    text = letter.letter_text if letter is not None else letter_text_current()
    today = timezone.localdate()
    mailing_date = letter.mailing_date if letter is not None else None
    served_on = mailing_date or today
    decision_date = determination.decision_date or mailing_date or today
    decisions = list(determination.decisions.select_related("item").order_by("item__position"))
    items = []
    for decision in decisions:
        outcome_label = _outcome_label(Outcome, decision.outcome)
        items.append(
            {
                "line": item_line(decision.item, outcome_label),
                "ur_citation": citation_render(
                    decision.item.ur_citation_kind,
                    decision.item.ur_citation_text,
                    by=CLAIMS_ADMINISTRATOR,
                ),
                "reviewer_citation": citation_render(
                    decision.citation_kind, decision.citation_text, by=EXPERT_REVIEWER
                ),
                "rationale": decision.rationale.strip(),
            }
        )
    context = {
        "public": public,
        "title": f"Final Determination Letter {case.case_number}",
        "org": organization,
        "text": text,
        # Plain replacement, not str.format: an administrator's braces must not be code.
        "how_made": text.how_made.replace("{org}", organization.name),
        "case": case,
        "facts": {
            "date_assigned": letter_date(case.date_assigned),
            "date_of_injury": letter_date(case.date_of_injury),
            "decision_date": letter_date(decision_date),
            "ur_denial_date": letter_date(case.ur_decision_date),
            "priority": case.get_priority_display(),
            "application_received": letter_date(case.application_received),
        },
        "licensure": licensure_display(determination.reviewer_licensure),
        "certifications": ", ".join(determination.reviewer_certifications),
        "summary": determination.clinical_summary.strip(),
        "items": items,
    }
    if public:
        return context
    addressees, cc = letter_recipients(case)
    employer = case.party(PartyRole.EMPLOYER)
    context.update(
        {
            "mailing_date_text": letter_date(mailing_date) if mailing_date else "Not yet mailed",
            "addressees": addressees,
            "cc": cc,
            "employer_name": employer.name if employer else "",
            "outcome_label": _outcome_label(CaseOutcome, determination.outcome),
            "documents": [
                {
                    "title": record.title,
                    "date": letter_date(record.document_date) or "undated",
                    "pages": record.pages,
                }
                for record in case.records.order_by(F("document_date").asc(nulls_last=True), "id")
            ],
            "overturned": any(d.outcome == Outcome.OVERTURNED for d in decisions),
            # 8 CCR 9792.10.7 and Lab. Code 4610.6(h), counted from the mailing date.
            "authorization_due": letter_date(deadlines.authorization_due_on(served_on)),
            "reimbursement_due": letter_date(deadlines.reimbursement_due_on(served_on)),
            "appeal_due": letter_date(deadlines.appeal_due_on(served_on)),
        }
    )
    return context


def letter_html(
    determination: Determination, *, public: bool = False, letter: Letter | None = None
) -> str:
    """The letter as an HTML page for the browser (the reviewer's preview), from the same
    template as the PDF; its stylesheet is linked from the static files."""
    context = letter_context(determination, public=public, letter=letter)
    context["stylesheet_href"] = static("letters/letter.css")
    return render_to_string("letters/letter.html", context)


def _letter_html_for_pdf(determination: Determination, *, public: bool, letter: Letter) -> str:
    # The renderer applies the stylesheet itself (parsed once per process).
    return render_to_string(
        "letters/letter.html", letter_context(determination, public=public, letter=letter)
    )


def _letter_html_both(
    determination: Determination, *, letter: Letter
) -> tuple[str, str, Organization]:
    """The party and the public HTML from one reading of the data (the public letter prints
    a subset of the party letter's context), and the organization they print."""
    context = letter_context(determination, public=False, letter=letter)
    party = render_to_string("letters/letter.html", context)
    public = render_to_string("letters/letter.html", {**context, "public": True})
    return party, public, context["org"]


# --- The PDF (WeasyPrint) -------------------------------------------------------------------

# The only static folders the letter may read from: its stylesheet and the bundled fonts.
LETTER_STATIC_FOLDERS = ("letters", "fonts")


class URLRefused(ValueError):
    """The letter asked for something other than its own static files."""


def _letter_stylesheet_path() -> Path:
    found = finders.find("letters/letter.css")
    if not found:
        raise FileNotFoundError("static/letters/letter.css is missing")
    return Path(found).resolve()


def _static_roots() -> list[Path]:
    roots = []
    for base in settings.STATICFILES_DIRS:
        base_path = Path(base[1] if isinstance(base, tuple) else base)
        roots.extend((base_path / folder).resolve() for folder in LETTER_STATIC_FOLDERS)
    return roots


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves the letter's stylesheet and fonts from disk; refuses every other URL, so no
        text in a letter can make the server fetch anything."""

        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.roots = _static_roots()

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise URLRefused(f"The letter fetches nothing from {url[:120]!r}.")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                raise URLRefused(f"The letter may not read {url[:120]!r}.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFileFetcher


def static_file_fetcher():
    """A new URL fetcher that serves only the letter's static files."""
    return _fetcher_class()()


class _Renderer:
    """WeasyPrint with the letter's stylesheet and fonts parsed once and reused by every
    render in this process (the stylesheet is the main per-render cost after layout)."""

    def __init__(self, url_fetcher):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        stylesheet = _letter_stylesheet_path()
        self.url_fetcher = url_fetcher
        self.base_url = stylesheet.parent.as_uri() + "/"
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(
            filename=str(stylesheet), url_fetcher=url_fetcher, font_config=self.font_config
        )

    def pdf(self, html: str) -> bytes:
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.url_fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


_renderer_lock = threading.Lock()
_renderer: _Renderer | None = None


@atexit.register
def _renderer_drop() -> None:
    # Release WeasyPrint's font configuration while its libraries are still loaded (at
    # interpreter teardown its finalizer would fail noisily).
    global _renderer
    _renderer = None


def letter_pdf(html: str, *, url_fetcher=None) -> bytes:
    """The letter's HTML as unsigned PDF bytes (US Letter, bundled fonts, page numbers). With
    `url_fetcher`, a fresh renderer that fetches through it (tests watch what is fetched)."""
    global _renderer
    with _renderer_lock:
        if url_fetcher is not None:
            return _Renderer(url_fetcher).pdf(html)
        if _renderer is None:
            _renderer = _Renderer(static_file_fetcher())
        return _renderer.pdf(html)


# --- Producing a letter version: render, sign, store, deliver, issue -----------------------


def _signature_reason(letter: Letter, *, public: bool) -> str:
    which = "public version" if public else "party version"
    return (
        f"Final Determination Letter {letter.case.case_number}, version {letter.version} ({which})"
    )


def letter_render_signed(letter: Letter) -> tuple[bytes, bytes]:
    """Render and sign both versions of a letter (no database writes)."""
    from .signing import pdf_sign

    party_html, public_html, organization = _letter_html_both(letter.determination, letter=letter)
    signed = []
    for public, html in ((False, party_html), (True, public_html)):
        signed.append(
            pdf_sign(
                letter_pdf(html),
                reason=_signature_reason(letter, public=public),
                signer_name=organization.name,
                contact=organization.email,
            )
        )
    return signed[0], signed[1]


def _letter_load(letter_id: int, *, lock: bool) -> Letter:
    queryset = Letter.objects.select_related("case", "determination", "letter_text")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=letter_id)


def _mailing_date_for(letter: Letter) -> dt.date:
    # A legacy letter is re-rendered as it was issued: on its decision date.
    if letter.determination.imported and letter.determination.decision_date:
        return letter.determination.decision_date
    return timezone.localdate()


def letter_produce(*, letter_id: int) -> str:
    """Render, sign, store and deliver one letter version; then the case is issued. Idempotent:
    a second run finds each step done and goes on from where the first stopped. A signed letter
    is never rendered again. Transient errors (mail server, disk) propagate for the task to
    retry; the task marks the letter failed after its last try."""
    with transaction.atomic():
        letter = _letter_load(letter_id, lock=True)
        if letter.status == LetterStatus.DELIVERED:
            return f"{letter} already delivered"
        letter.attempts += 1
        letter.error = ""
        letter.status = LetterStatus.SIGNED if letter.party_sha256 else LetterStatus.RENDERING
        if not letter.party_sha256:
            # The date the letter prints is the day it is signed and sent; an earlier failed
            # try does not keep its date.
            letter.mailing_date = _mailing_date_for(letter)
        letter.save(update_fields=["attempts", "error", "status", "mailing_date"])
    party_pdf = None
    if not letter.party_sha256:
        # The slow part runs outside any transaction so the case page and other workers
        # are not held up; storing re-checks under the lock.
        party_pdf, public_pdf = letter_render_signed(letter)
        stored = _letter_store(letter_id=letter_id, party_pdf=party_pdf, public_pdf=public_pdf)
        if stored.party_sha256 != hashlib.sha256(party_pdf).hexdigest():
            # Another run stored its own bytes first: mail those, read back from storage.
            party_pdf = None
        letter = stored
    if letter.determination.imported:
        # Legacy history: the case was issued elsewhere; nothing is mailed from here.
        return f"{letter} signed"
    _letter_deliver(letter, party_pdf=party_pdf)
    return _letter_issue(letter_id=letter_id)


def _letter_store(*, letter_id: int, party_pdf: bytes, public_pdf: bytes) -> Letter:
    with transaction.atomic():
        letter = _letter_load(letter_id, lock=True)
        if letter.party_sha256:
            # Another run signed it first: its bytes stand, ours are dropped.
            return letter
        case_number = letter.case.case_number
        for public, content in ((False, party_pdf), (True, public_pdf)):
            digest = hashlib.sha256(content).hexdigest()
            which = "public" if public else "party"
            name = f"{case_number}-v{letter.version}-{which}-{digest[:12]}.pdf"
            getattr(letter, f"{which}_pdf").save(name, ContentFile(content), save=False)
            setattr(letter, f"{which}_sha256", digest)
        letter.signed_at = timezone.now()
        letter.status = LetterStatus.SIGNED
        letter.save(
            update_fields=[
                "party_pdf",
                "party_sha256",
                "public_pdf",
                "public_sha256",
                "signed_at",
                "status",
            ]
        )
        if letter.determination.imported:
            events.letter_issued(
                case=letter.case, actor=letter.created_by, letter=letter, from_status=None
            )
    return letter


def letter_attachment_name(letter: Letter, *, public: bool = False) -> str:
    which = "-public" if public else ""
    return f"{letter.case.case_number}-final-determination-v{letter.version}{which}.pdf"


def _delivery_message(letter: Letter, recipient: Recipient, organization: Organization) -> str:
    case = letter.case
    lines = [
        f"Dear {recipient.name},",
        "",
        f"{organization.name} has completed the Independent Medical Review of case "
        f"{case.case_number} (claim number {case.claim_number}). The Final Determination "
        "Letter is attached as a PDF file, digitally signed by "
        f"{organization.name}.",
    ]
    if letter.version > 1:
        lines += [
            "",
            f"This is version {letter.version} of the letter; it replaces every earlier version.",
        ]
        if letter.correction_note:
            lines.append(f"Correction: {letter.correction_note}")
    verify_url = settings.SITE_URL.rstrip("/") + reverse("letter_verify")
    lines += [
        "",
        f"Anyone holding the letter can check its signature at {verify_url}",
        "",
        organization.name,
    ]
    contact = " · ".join(part for part in (organization.phone, organization.email) if part)
    if contact:
        lines.append(contact)
    return "\n".join(lines) + "\n"


def _letter_deliver(letter: Letter, *, party_pdf: bytes | None = None) -> None:
    """E-mail the signed party letter to each addressee with an address, once each: a retry
    skips those already delivered. (A crash between sending and recording can send one
    message twice; never none.) `party_pdf`: the stored party bytes, when the caller has
    them in hand (else they are read back from storage)."""
    case = letter.case
    organization = organization_current()
    addressees, _cc = letter_recipients(case)
    done = set(letter.deliveries.values_list("email", flat=True))
    pending: dict[str, Recipient] = {}
    for recipient in addressees:
        email = recipient.email.strip().lower()
        if email and email not in done:
            pending.setdefault(email, recipient)
    if not pending:
        return
    if party_pdf is None:
        with letter.party_pdf.open("rb") as stored:
            party_pdf = stored.read()
    # One connection to the mail server for all the addressees.
    with get_connection(fail_silently=False) as connection:
        for email, recipient in pending.items():
            message = EmailMessage(
                subject=f"Final Determination Letter, IMR case {case.case_number}",
                body=_delivery_message(letter, recipient, organization),
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.email],
                connection=connection,
            )
            message.attach(letter_attachment_name(letter), party_pdf, "application/pdf")
            message.send(fail_silently=False)
            with transaction.atomic():
                delivery, created = LetterDelivery.objects.get_or_create(
                    letter=letter,
                    email=email,
                    defaults={
                        "recipient_role": recipient.role,
                        "recipient_name": recipient.name,
                    },
                )
                if created:
                    events.letter_delivered(case=case, letter=letter, delivery=delivery)


def _letter_issue(*, letter_id: int) -> str:
    """The letter is out: the case becomes issued (from approved), the determination issued,
    the round's assignment completed, and the issue recorded. Once."""
    with transaction.atomic():
        letter = _letter_load(letter_id, lock=True)
        if letter.status == LetterStatus.DELIVERED:
            return f"{letter} already delivered"
        case = Case.objects.select_for_update().get(pk=letter.case_id)
        from_status = None
        if case.status == CaseStatus.APPROVED:
            from_status = case_status_set(case=case, to_status=CaseStatus.ISSUED)
        determination = Determination.objects.select_for_update().get(pk=letter.determination_id)
        if determination.status == DeterminationStatus.APPROVED:
            determination.status = DeterminationStatus.ISSUED
            determination.save(update_fields=["status", "updated_at"])
        Assignment.objects.filter(
            case=case, round=determination.round, status=AssignmentStatus.ACCEPTED
        ).update(status=AssignmentStatus.COMPLETED)
        letter.status = LetterStatus.DELIVERED
        letter.save(update_fields=["status"])
        events.letter_issued(
            case=case, actor=letter.created_by, letter=letter, from_status=from_status
        )
    return f"{letter} delivered"


def letter_retry_noted(*, letter_id: int, error: str) -> None:
    """A try failed and another is scheduled: the case page says why it is taking longer."""
    Letter.objects.filter(pk=letter_id).exclude(status=LetterStatus.DELIVERED).update(
        error=error[:2000]
    )


def letter_fail(*, letter_id: int, error: str) -> None:
    """After the task's last try: the case page shows the error and a retry button. A signed
    letter keeps its bytes (only its delivery failed)."""
    with transaction.atomic():
        letter = _letter_load(letter_id, lock=True)
        if letter.status == LetterStatus.DELIVERED:
            return
        letter.status = LetterStatus.FAILED
        letter.error = error[:2000]
        letter.save(update_fields=["status", "error"])


@transaction.atomic
def letter_retry(*, letter: Letter, actor) -> Letter:
    """Queue a failed letter again (the retry button)."""
    letter = _letter_load(letter.pk, lock=True)
    if letter.status != LetterStatus.FAILED:
        raise ValidationError(f"Letter version {letter.version} has not failed; nothing to retry.")
    letter.status = LetterStatus.QUEUED
    letter.error = ""
    letter.save(update_fields=["status", "error"])
    from .tasks import letter_render

    letter_render.delay_on_commit(letter.pk)
    return letter


@transaction.atomic
def letter_request(
    *, determination: Determination, actor, correction_note: str = "", enqueue: bool = True
) -> Letter:
    """Queue a new letter version for an approved (or imported, issued) determination; the
    Celery task renders, signs, stores and delivers it after commit (`enqueue=False` for a
    caller that produces it itself). A later version of the same determination is a
    correction: it needs a note saying what changed."""
    if determination.status not in (DeterminationStatus.APPROVED, DeterminationStatus.ISSUED):
        raise ValidationError("Only an approved determination can become a letter.")
    # Lock the case row: two requests at once get consecutive versions, not a clash.
    Case.objects.select_for_update().get(pk=determination.case_id)
    letters = Letter.objects.filter(case_id=determination.case_id)
    if letters.filter(
        status__in=[LetterStatus.QUEUED, LetterStatus.RENDERING, LetterStatus.FAILED]
    ).exists():
        raise ValidationError(
            "A letter version of this case is still being produced (or failed and waits for a "
            "retry); finish it before issuing another."
        )
    last = letters.aggregate(last=Max("version"))["last"]
    # A second letter of the same determination is a correction; a remand's new round is not.
    if letters.filter(determination=determination).exists() and not correction_note.strip():
        raise ValidationError("Say what the corrected version changes.")
    letter = Letter(
        case=determination.case,
        determination=determination,
        version=(last or 0) + 1,
        status=LetterStatus.QUEUED,
        letter_text=letter_text_current(),
        correction_note=correction_note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    letter.full_clean(exclude=["party_pdf", "public_pdf"])
    letter.save()
    if enqueue:
        from .tasks import letter_render

        letter_render.delay_on_commit(letter.pk)
    return letter


def letter_correct(*, case: Case, actor, correction_note: str) -> Letter:
    """Issue a corrected version of the case's letter from its latest determination."""
    determination = (
        Determination.objects.filter(case=case, letters__isnull=False).order_by("-round").first()
    )
    if determination is None:
        raise ValidationError(f"{case.case_number} has no letter to correct.")
    return letter_request(determination=determination, actor=actor, correction_note=correction_note)


# --- Organization settings (system administrators) -----------------------------------------


@transaction.atomic
def organization_update(*, actor, **values) -> Organization:
    """Letterhead and signature block; letters already signed keep what they printed."""
    organization = Organization.objects.select_for_update().get(pk=organization_current().pk)
    for name in ORGANIZATION_FIELDS:
        if name in values:
            setattr(organization, name, (values[name] or "").strip())
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def letter_text_update(*, actor, **paragraphs) -> LetterText:
    """A new version of the organization's paragraphs (versions are never edited: each letter
    records the one it printed). Returns the current version unchanged when nothing changed."""
    current = letter_text_current()
    values = {
        name: (paragraphs.get(name, getattr(current, name)) or "").strip()
        for name in LETTER_TEXT_FIELDS
    }
    if all(values[name] == getattr(current, name) for name in LETTER_TEXT_FIELDS):
        return current
    if "{org}" not in values["how_made"]:
        raise ValidationError(
            {"how_made": "Keep {org} where the organization's name goes in this paragraph."}
        )
    last = LetterText.objects.select_for_update().aggregate(last=Max("version"))["last"] or 0
    text = LetterText(version=last + 1, created_by=actor, **values)
    text.full_clean()
    text.save()
    return text


# --- Reads --------------------------------------------------------------------------------


def letters_for_case(case: Case):
    return (
        Letter.objects.filter(case=case)
        .select_related("letter_text", "created_by")
        .prefetch_related("deliveries")
        .order_by("-version")
    )


# --- Verification (SPEC section 6: anyone holding a letter can check it) -------------------


@dataclass
class VerifyResult:
    signature_valid: bool
    intact: bool
    trusted: bool
    issued_by_us: bool
    letter: Letter | None = None
    public: bool = False
    superseded_by: Letter | None = None
    message: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Valid, ours, and the current version."""
        return self.signature_valid and self.issued_by_us and self.superseded_by is None


def letter_verify(pdf: bytes) -> VerifyResult:
    """Is this a valid letter we signed and issued, and is it still the current version?"""
    from .signing import pdf_signature_check

    check = pdf_signature_check(pdf)
    digest = hashlib.sha256(pdf).hexdigest()
    letter = (
        Letter.objects.select_related("case")
        .filter(Q(party_sha256=digest) | Q(public_sha256=digest))
        .first()
    )
    result = VerifyResult(
        signature_valid=check.ok,
        intact=check.intact,
        trusted=check.trusted,
        issued_by_us=letter is not None,
        letter=letter,
        public=letter is not None and letter.public_sha256 == digest,
    )
    if check.problem:
        result.problems.append(check.problem)
    if letter is None:
        result.problems.append("It does not match any letter we issued.")
    else:
        result.superseded_by = (
            Letter.objects.filter(case=letter.case, version__gt=letter.version)
            .filter(status__in=[LetterStatus.SIGNED, LetterStatus.DELIVERED])
            .order_by("-version")
            .first()
        )
        if result.superseded_by is not None:
            result.problems.append(
                f"Version {letter.version} was superseded by version "
                f"{result.superseded_by.version} signed "
                f"{letter_date(timezone.localdate(result.superseded_by.signed_at))}."
            )
    if result.ok:
        which = "public" if result.public else "party"
        result.message = (
            f"Valid: the {which} version {letter.version} of the Final Determination Letter for "
            f"case {letter.case.case_number}, signed by us on "
            f"{letter_date(timezone.localdate(letter.signed_at))}, and the current version."
        )
    else:
        result.message = "Not verified: " + " ".join(result.problems)
    return result
