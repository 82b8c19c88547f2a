"""The letter's life: request, render and sign once, store with its SHA-256, deliver, retry,
correct by a new version (SPEC section 6). Run by the letters Celery task."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import site_link
from cases.integrity.stored import stored_file_bytes
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseStatus, DeliveryMethod, SentBy
from cases.lifecycle.services import case_status_set
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.models import FollowUp
from cases.outbox.selectors import follow_up_for
from cases.outbox.services import follow_up_add
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.determination.models import Determination, DeterminationStatus

# tasks.py imports this module by name (a task calls one service), so this side imports the
# module, not its names: each resolves at call time.
from reviews.determination.status_table import DeterminationAction, determination_actions
from reviews.letters import tasks
from reviews.letters.defaults import LETTER_TEXT_FIELDS
from reviews.letters.delivery import document_serve, letter_service_refresh
from reviews.letters.models import (
    AdOutboxItem,
    Letter,
    LetterStatus,
    LetterText,
)
from reviews.letters.pipeline import (
    document_fail,
    document_retry,
    document_retry_noted,
    document_retryable,
)
from reviews.letters.proofs import proofs_of_electronic_service_make
from reviews.letters.render import (
    Recipient,
    _letter_html_both,
    letter_pdf,
    letter_recipients,
    letter_text_current,
)
from reviews.letters.selectors import letter_amends, letter_attachment_name
from reviews.letters.signing import pdf_sign
from reviews.letters.superseded import (
    earlier_copies_replace,
    replaced_by_version,
    unsent_copies_replace,
)
from reviews.organization.models import Organization
from reviews.organization.services import organization_current
from reviews.precedents.services import precedent_record_determination

# Errors worth another try (mail server or disk trouble); smtplib's errors are OSErrors.
TRANSIENT_ERRORS = (OSError,)


# --- Producing a letter version: render, sign, store, deliver, issue -----------------------


def _signature_reason(letter: Letter, *, public: bool) -> str:
    which = "public version" if public else "party version"
    return (
        f"Final Determination Letter {letter.case.case_number}, version {letter.version} ({which})"
    )


def letter_render_signed(letter: Letter) -> tuple[bytes, bytes]:
    """Render and sign both versions of a letter (no database writes; the calendar versions of
    the dates it printed are set on `letter` for _letter_store to keep)."""

    party_html, public_html, organization, calendars, duties = _letter_html_both(
        letter.determination, letter=letter
    )
    letter.calendar_versions = calendars
    letter.duties_printed = duties
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
            # The notices count from service by this method, so the letter prints the dates
            # the case page computes once it is delivered (Lab. Code 4610.6(h); CCP 1013(a)).
            letter.sent_by = _sending_method(letter)
        letter.save(update_fields=["attempts", "error", "status", "mailing_date", "sent_by"])
    party_pdf = None
    if not letter.party_sha256:
        # The slow part runs outside any transaction so the case page and other workers
        # are not held up; storing re-checks under the lock.
        party_pdf, public_pdf = letter_render_signed(letter)
        stored = _letter_store(
            letter_id=letter_id,
            party_pdf=party_pdf,
            public_pdf=public_pdf,
            calendar_versions=letter.calendar_versions,
            duties_printed=letter.duties_printed,
        )
        if stored.party_sha256 != hashlib.sha256(party_pdf).hexdigest():
            # Another run stored its own bytes first: mail those, read back from storage.
            party_pdf = None
        letter = stored
    if letter.determination.imported:
        # Legacy history: the case was issued elsewhere; nothing is mailed from here.
        return f"{letter} signed"
    letter_deliver(letter, party_pdf=party_pdf)
    # CCP 1013b: each e-mailed copy's proof of service, before the letter counts as out.
    proofs_of_electronic_service_make(letter)
    return _letter_issue(letter_id=letter_id)


def _sending_method(letter: Letter) -> str:
    """How the letter will be served, as letter_service_refresh will record it: by mail when
    any recipient is served by mail (or waits for an address), else electronically. A legacy
    letter is not sent from here (blank: the calculator applies CLOCK_UNKNOWN_LETTER_SERVICE)."""
    if letter.determination.imported:
        return ""
    addressees, cc = letter_recipients(letter.case)
    recipients = [*addressees, *cc]
    if not recipients:
        return ""
    if any(r.method == DeliveryMethod.MAIL for r in recipients):
        return SentBy.MAIL
    return SentBy.ELECTRONIC


def _letter_store(
    *,
    letter_id: int,
    party_pdf: bytes,
    public_pdf: bytes,
    calendar_versions: dict[str, str],
    duties_printed: dict[str, str],
) -> Letter:
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
        letter.calendar_versions = calendar_versions
        letter.duties_printed = duties_printed
        letter.save(
            update_fields=[
                "calendar_versions",
                "duties_printed",
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


def _delivery_message(letter: Letter, recipient: Recipient, organization: Organization) -> str:
    """The e-mail a served copy goes with."""
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
            lines.append(f"It is an amended letter. Correction: {letter.correction_note}")
    verify_url = site_link(reverse("letters:letter_verify"))
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


def letter_deliver(letter: Letter, *, party_pdf: bytes | None = None) -> None:
    """Serve the signed party letter on every addressee and cc by their method (e-mail now,
    postal mail to the print queue, held when a party cannot be served); a retry skips those
    already served. A superseded version sends nothing more (reviews.letters.superseded).
    `party_pdf`: the stored party bytes, when the caller has them in hand (else they are read
    back from storage, only if an e-mail goes)."""
    # An amended version signed since replaces this one: what has not gone out never will.
    replaced_by = replaced_by_version(letter)
    if replaced_by is not None:
        unsent_copies_replace(letter, by_version=replaced_by)
        return
    # This one is the amended version: the earlier ones' unsent copies are replaced by it.
    earlier_copies_replace(letter)
    case = letter.case
    organization = organization_current()
    addressees, cc = letter_recipients(case)

    def signed_bytes() -> bytes:
        if party_pdf is not None:
            return party_pdf
        return stored_file_bytes(letter, "party_pdf")

    document_serve(
        recipients=[*((r, False) for r in addressees), *((r, True) for r in cc)],
        deliveries=letter.deliveries,
        pdf=signed_bytes,
        attachment_name=letter_attachment_name(letter),
        subject=f"Final Determination Letter, IMR case {case.case_number}",
        body_for=lambda recipient: _delivery_message(letter, recipient, organization),
        on_sent=lambda delivery: events.letter_delivered(
            case=case, letter=letter, delivery=delivery
        ),
    )


def letter_serve_again(*, letter_id: int) -> str:
    """Serve whatever of an issued letter still waits for a party (their address was added or
    their method changed); then the letter's service is brought up to date."""
    letter = _letter_load(letter_id, lock=False)
    if letter.status != LetterStatus.DELIVERED or letter.determination.imported:
        return f"{letter} is not out yet"
    letter_deliver(letter)
    proofs_of_electronic_service_make(letter)
    with transaction.atomic():
        letter_service_refresh(_letter_load(letter_id, lock=True))
    return f"{letter} served again"


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
            from_status = case_status_set(
                case=case, to_status=CaseStatus.ISSUED, actor=letter.created_by
            )
        determination = Determination.objects.select_for_update().get(pk=letter.determination_id)
        if determination.status == DeterminationStatus.APPROVED:
            determination.status = DeterminationStatus.ISSUED
            determination.save(update_fields=["status", "updated_at"])
        Assignment.objects.filter(
            case=case, round=determination.round, status=AssignmentStatus.ACCEPTED
        ).update(status=AssignmentStatus.COMPLETED)
        letter.status = LetterStatus.DELIVERED
        letter.save(update_fields=["status"])
        # Served once every recipient is: e-mail when sent, mail when the batch is posted.
        letter_service_refresh(letter)
        # Lab. Code 4610.6: the determination is the Administrative Director's; a copy of
        # each goes to the outbox that export_ad_outbox writes out.
        AdOutboxItem.objects.get_or_create(letter=letter)
        # The precedent library: the decision's public text, searchable by the staff (an
        # amended version brings it up to date).
        precedent_record_determination(determination)
        events.letter_issued(
            case=case, actor=letter.created_by, letter=letter, from_status=from_status
        )
    return f"{letter} delivered"


def letter_retry_noted(*, letter_id: int, error: str) -> None:
    """A try failed and another is scheduled: the case page says why it is taking longer."""
    document_retry_noted(Letter, pk=letter_id, error=error)


def letter_fail(*, letter_id: int, error: str) -> None:
    """After the task's last try: the case page shows the error and a retry button. A signed
    letter keeps its bytes (only its delivery failed)."""
    document_fail(_letter_load, pk=letter_id, error=error)


def _letter_render_queue(letter: Letter, *, again: bool = False) -> None:
    follow_up_add(
        task=tasks.letter_render.name,
        args=[letter.pk],
        case=letter.case,
        what=f"Letter version {letter.version} will be rendered, signed and sent",
        again=again,
    )


def letter_follow_up(letter: Letter) -> FollowUp | None:
    """The outbox row of the letter's rendering (waiting for the queue, stuck, failed)."""
    return follow_up_for(tasks.letter_render.name, [letter.pk])


def letter_retryable(letter: Letter, follow_up: FollowUp | None) -> bool:
    """Failed, or not yet out for service while its work is stuck or waits for the task queue."""
    return document_retryable(letter, follow_up)


@transaction.atomic
def letter_retry(*, letter: Letter, actor) -> Letter:
    """Queue a failed or stuck letter again (the retry button). A letter already signed keeps
    its bytes: only its delivery is tried again (letter_produce never renders it twice)."""
    return document_retry(
        _letter_load,
        pk=letter.pk,
        follow_up_of=letter_follow_up,
        queue=_letter_render_queue,
        name=lambda document: f"Letter version {document.version}",
    )


@transaction.atomic
def letter_request(
    *, determination: Determination, actor, correction_note: str = "", enqueue: bool = True
) -> Letter:
    """Queue a new letter version for an approved (or imported, issued) determination; the
    Celery task renders, signs, stores and delivers it after commit (`enqueue=False` for a
    caller that produces it itself). A later version of the same determination is a
    correction: it needs a note saying what changed."""
    if DeterminationAction.MAKE_LETTER not in determination_actions(determination):
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
    # Spaces and unseen characters around it are no reason (a note of "\u200b" printed nothing).
    correction_note = visible_strip(correction_note)
    last = letters.aggregate(last=Max("version"))["last"]
    # A second letter of the same determination is a correction; a remand's new round is not.
    if letters.filter(determination=determination).exists() and not correction_note:
        raise ValidationError("Say what the corrected version changes.")
    letter = Letter(
        case=determination.case,
        determination=determination,
        version=(last or 0) + 1,
        status=LetterStatus.QUEUED,
        letter_text=letter_text_current(),
        correction_note=correction_note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    letter.full_clean(exclude=["party_pdf", "public_pdf"])
    letter.save()
    if enqueue:
        _letter_render_queue(letter)
    return letter


@transaction.atomic
def letter_correct(*, case: Case, actor, correction_note: str, password: str) -> Letter:
    """Issue an amended version of an issued case's letter (re-authenticated): rendered from
    the determination and the case as they stand, marked AMENDED with the reason printed, and
    served again to every party as the first version was. Earlier versions stay on file and
    verify as superseded."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if Action.AMEND_LETTER not in allowed_actions(case):
        raise ValidationError(
            f"A case that is {CaseStatus(case.status).label.lower()} has no issued letter to amend."
        )
    if not password or not actor.check_password(password):
        raise ValidationError(
            "That is not your password. Enter the password you sign in with to issue an "
            "amended letter.",
            code="password",
        )
    determination = (
        Determination.objects.filter(case=case, letters__isnull=False).order_by("-round").first()
    )
    if determination is None:
        raise ValidationError(f"{case.case_number} has no letter to correct.")
    letter = letter_request(
        determination=determination, actor=actor, correction_note=correction_note
    )
    amends = letter_amends(letter)
    if amends is None:
        raise ValidationError(f"{case.case_number} has no signed letter to amend.")
    events.letter_amended(case=case, actor=actor, letter=letter, amends=amends)
    return letter


# A paragraph of the organization's letter text: the longest shipped one is about 900
# characters; a limit keeps every letter's layout to a few pages and its rendering quick.
LETTER_PARAGRAPH_MAX_CHARS = 5_000


# Anything written in braces, as a placeholder is.
_BRACED = re.compile(r"\{[^{}\n]{0,40}\}")


@transaction.atomic
def letter_text_update(*, actor, based_on: int | None = None, **paragraphs) -> LetterText:
    """A new version of the organization's paragraphs (versions are never edited: each letter
    records the one it printed). Returns the current version unchanged when nothing changed.
    `based_on`: the version the editor started from; refused when another has been saved
    since, whose changes the new version would silently undo."""
    current = letter_text_current()
    values = {
        name: visible_strip(paragraphs.get(name, getattr(current, name)) or "")
        for name in LETTER_TEXT_FIELDS
    }
    if all(values[name] == getattr(current, name) for name in LETTER_TEXT_FIELDS):
        return current
    # Before the paragraphs' own checks: a save over a version saved meanwhile is told so
    # first, whatever else it would be refused for.
    last = LetterText.objects.select_for_update().aggregate(last=Max("version"))["last"] or 0
    if based_on is not None and based_on != last:
        raise ValidationError(
            f"Version {last} was saved while you were editing version {based_on}: your text is "
            f"kept below. Compare it with version {last} under Versions, then save again.",
            code="conflict",
        )
    problems = {
        name: (
            "This paragraph prints nothing: write it, or keep the shipped wording."
            if not value
            else f"Keep a paragraph under {LETTER_PARAGRAPH_MAX_CHARS:,} characters "
            f"(this one has {len(value):,})."
        )
        for name, value in values.items()
        if not value or len(value) > LETTER_PARAGRAPH_MAX_CHARS
    }
    # From QA: "{Org}" was saved and printed as such in signed notices; {org} is the only
    # placeholder (render.paragraph_printed), so anything else in braces is a typing slip.
    for name, value in values.items():
        unknown = [found for found in _BRACED.findall(value) if found != "{org}"]
        if unknown and name not in problems:
            problems[name] = (
                f"“{unknown[0]}” would print as it is: the one placeholder is {{org}}, the "
                "organization's name, in lower case. Write {org} or the words themselves."
            )
    if "how_made" not in problems and "{org}" not in values["how_made"]:
        problems["how_made"] = "Keep {org} where the organization's name goes in this paragraph."
    # Every paragraph's problems in one answer (from QA: a mistyped placeholder was told only
    # once a blank paragraph had been fixed and the form sent again).
    if problems:
        raise ValidationError(problems)
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
