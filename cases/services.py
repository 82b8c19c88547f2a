"""Writes to the case file. Each function is one business step in one transaction, checks that
the step is allowed, and records what it did as a case event."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from . import events
from .deadlines import current_due_on
from .lifecycle import can_transition, refusal_message
from .models import (
    Case,
    CaseNumberCounter,
    CaseStatus,
    DisputedItem,
    MedicalRecord,
    Party,
    PartyRole,
    RecordKind,
)

PDF_MAGIC = b"%PDF-"
CASE_NUMBER_FORMAT = re.compile(r"CM(?P<year>\d{2})-(?P<serial>\d{7})")


def case_number_next(*, year: int) -> str:
    """CM + two-digit year + '-' + seven digits; numbers only go up, so none is ever reused.
    Must run inside the caller's transaction (the counter row is locked)."""
    yy = year % 100
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    while True:
        counter.last_number += 1
        number = f"CM{yy:02d}-{counter.last_number:07d}"
        if not Case.objects.filter(case_number=number).exists():
            break
    counter.save(update_fields=["last_number"])
    return number


def _case_number_reserve(number: str) -> None:
    """An imported case brings its number; move the counter past it so we never hand it out."""
    match = CASE_NUMBER_FORMAT.fullmatch(number)
    if match is None:
        raise ValidationError(
            {"case_number": f"Case number {number} is not of the form CM16-0213037."}
        )
    yy, serial = int(match["year"]), int(match["serial"])
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    if serial > counter.last_number:
        counter.last_number = serial
        counter.save(update_fields=["last_number"])


def _refresh_due_on(case: Case) -> None:
    case.__dict__.pop("clock", None)
    case.due_on = current_due_on(case)


def case_lock(case: Case) -> Case:
    """Re-read the case under a row lock so two people acting at once cannot both succeed."""
    return Case.objects.select_for_update().get(pk=case.pk)


def case_transition_check(*, case: Case, to_status: str) -> None:
    if not can_transition(case.status, to_status):
        raise ValidationError(refusal_message(case.status, to_status), code="illegal_transition")


def case_status_set(*, case: Case, to_status: str) -> str:
    """Move a locked case to `to_status` if the lifecycle allows it; returns the old status.
    For services (here and in reviews) that write their own event in the same transaction."""
    case_transition_check(case=case, to_status=to_status)
    from_status = case.status
    case.status = to_status
    _refresh_due_on(case)
    case.save(update_fields=["status", "due_on", "updated_at"])
    return from_status


@transaction.atomic
def case_create(*, data: dict[str, Any], actor=None, source: str = "ui") -> Case:
    """Create a case from cleaned intake data (cases.intake.intake_validate's output: the intake
    JSON of SPEC section 7 with dates as `date` objects; records are added separately).

    A case may arrive with its number and a Date Assigned (from another system); otherwise we
    give the number and the administrator later sends the notice of assignment."""
    case_number = data.get("case_number")
    if case_number:
        if Case.objects.filter(case_number=case_number).exists():
            raise ValidationError({"case_number": f"Case number {case_number} is already in use."})
        _case_number_reserve(case_number)
    else:
        case_number = case_number_next(year=data["application_received"].year)
    worker = data["injured_worker"]
    case = Case(
        case_number=case_number,
        application_id=data["application_id"],
        priority=data.get("priority") or "standard",
        application_received=data["application_received"],
        ur_decision_date=data["ur_decision_date"],
        ur_decision_served_on=data.get("ur_decision_served_on"),
        date_of_injury=data["date_of_injury"],
        claim_number=data["claim_number"],
        worker_first_name=worker["first_name"],
        worker_last_name=worker["last_name"],
        worker_date_of_birth=worker.get("date_of_birth"),
        worker_age=worker.get("age"),
        worker_sex=worker.get("sex") or "unknown",
        worker_email=worker.get("email") or "",
        worker_address=worker.get("address") or "",
        diagnoses=list(data.get("diagnoses") or []),
        source=source,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.full_clean(exclude=["due_on"])
    case.save()
    for role in PartyRole.values:
        party = data.get(role)
        if party:
            obj = Party(
                case=case,
                role=role,
                name=party["name"],
                identifier=party.get("identifier") or party.get("npi") or "",
                specialty=party.get("specialty") or "",
                email=party.get("email") or "",
                address=party.get("address") or "",
            )
            obj.full_clean()
            obj.save()
    for position, item in enumerate(data["items"], start=1):
        citation = item.get("ur_citation") or {"kind": "none", "text": ""}
        obj = DisputedItem(
            case=case,
            position=position,
            description=item["description"],
            category=item["category"],
            original_request=item.get("original_request") or "",
            authorized_portion=item.get("authorized_portion") or "",
            ur_citation_kind=citation["kind"],
            ur_citation_text=citation.get("text") or "",
            formulary_dispute=bool(item.get("formulary_dispute")),
        )
        obj.full_clean()
        obj.save()
    events.case_received(case=case, actor=case.created_by, source=source)
    if data.get("date_assigned"):
        # The other system already found it eligible and sent the notice of assignment.
        _eligible_and_notice(
            case=case,
            actor=case.created_by,
            notice_on=data["date_assigned"],
            electronic=True,
            reasons=["Found eligible before intake (Date Assigned given)."],
        )
    return case


def _eligible_and_notice(*, case, actor, notice_on, electronic, reasons, late_accepted=False):
    from_status = case_status_set(case=case, to_status=CaseStatus.ELIGIBLE)
    events.eligibility_recorded(
        case=case,
        actor=actor,
        eligible=True,
        reasons=reasons,
        late_application=late_accepted,
        from_status=from_status,
    )
    case.date_assigned = notice_on
    case.notice_sent_electronically = electronic
    case.save(update_fields=["date_assigned", "notice_sent_electronically"])
    from_status = case_status_set(case=case, to_status=CaseStatus.AWAITING_RECORDS)
    events.notice_of_assignment_sent(
        case=case,
        actor=actor,
        electronic=electronic,
        records_due_on=case.clock.records_due_on,
        from_status=from_status,
    )


@transaction.atomic
def case_eligibility_record(
    *,
    case: Case,
    actor,
    eligible: bool,
    reasons: list[str] | None = None,
    notice_on: dt.date | None = None,
    electronic: bool = True,
    late_accepted: bool = False,
) -> Case:
    """Record the administrator's finding. Eligible sends the notice of assignment (the letter's
    Date Assigned) and starts the records clock; ineligible closes the case with its reasons."""
    case = case_lock(case)
    reasons = [reason.strip() for reason in (reasons or []) if reason and reason.strip()]
    if eligible:
        case_transition_check(case=case, to_status=CaseStatus.ELIGIBLE)
        if case.clock.filed_late and not late_accepted:
            raise ValidationError(
                "The application was filed after the 30-day deadline "
                f"({case.clock.application_deadline:%m/%d/%Y}). Confirm that it is accepted "
                "anyway (8 CCR 9792.10.1(b)(1)), or find it ineligible."
            )
        if not case.items.exists():
            raise ValidationError("A case with no disputed item cannot be eligible.")
        notice_on = notice_on or timezone.localdate()
        if notice_on < case.application_received:
            raise ValidationError(
                "The notice of assignment cannot be dated before the application was received."
            )
        _eligible_and_notice(
            case=case,
            actor=actor,
            notice_on=notice_on,
            electronic=electronic,
            reasons=reasons,
            late_accepted=case.clock.filed_late,
        )
    else:
        if not reasons:
            raise ValidationError("Give at least one reason the application is ineligible.")
        from_status = case_status_set(case=case, to_status=CaseStatus.INELIGIBLE)
        events.eligibility_recorded(
            case=case,
            actor=actor,
            eligible=False,
            reasons=reasons,
            late_application=case.clock.filed_late,
            from_status=from_status,
        )
    return case


def record_file_check(uploaded: UploadedFile) -> None:
    """A record must be a PDF by its content (not its name) and within the size limit."""
    limit = settings.RECORD_MAX_UPLOAD_BYTES
    if uploaded.size is not None and uploaded.size > limit:
        raise ValidationError(
            f"{uploaded.name}: the file is {uploaded.size / 1_048_576:.1f} MB; "
            f"the limit is {limit / 1_048_576:.0f} MB."
        )
    if uploaded.size == 0:
        raise ValidationError(f"{uploaded.name}: the file is empty.")
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(0)
    if PDF_MAGIC not in head:
        raise ValidationError(f"{uploaded.name}: this is not a PDF file (only PDFs are accepted).")


@transaction.atomic
def record_add(
    *,
    case: Case,
    actor,
    uploaded: UploadedFile,
    title: str,
    document_date: dt.date | None = None,
    kind: str = RecordKind.MEDICAL,
) -> MedicalRecord:
    # Read the status under the lock: a case closed a moment ago takes no more records.
    case = case_lock(case)
    if not case.is_open:
        raise ValidationError("Records cannot be added to a closed case.")
    record_file_check(uploaded)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    record = MedicalRecord(
        case=case,
        title=title.strip(),
        document_date=document_date,
        kind=kind,
        original_filename=(uploaded.name or "")[:255],
        size=uploaded.size or 0,
        sha256=digest.hexdigest(),
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # Checked to be a PDF by its content: stored as one, whatever name it was uploaded under
    # (a name like x.html must never decide how the file is served).
    record.file.save("record.pdf", uploaded, save=False)
    try:
        record.full_clean()
        record.save()
    except Exception:
        record.file.delete(save=False)
        raise
    events.record_added(case=case, actor=record.uploaded_by, record=record)
    from .tasks import record_inspect

    record_inspect.delay_on_commit(record.pk)
    return record


@transaction.atomic
def record_inspect_pages(*, record_id: int) -> MedicalRecord | None:
    """Count a record's pages (printed in the letter's list of documents reviewed). Idempotent."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    record = MedicalRecord.objects.select_for_update().filter(pk=record_id).first()
    if record is None or record.pages is not None:
        return record
    try:
        with record.file.open("rb") as handle:
            record.pages = len(PdfReader(handle).pages)
    except (PdfReadError, ValueError, OSError):
        record.pages = 0
    record.save(update_fields=["pages"])
    events.record_inspected(case=record.case, record=record)
    return record


def record_opened(*, record: MedicalRecord, actor) -> None:
    events.record_opened(case=record.case, actor=actor, record=record)


@transaction.atomic
def case_records_complete(
    *, case: Case, actor, on: dt.date | None = None, proceed_without: bool = False
) -> Case:
    """Records are in: the determination clock starts (Lab. Code 4610.6(d)). With
    `proceed_without`, the records due date has passed and the review goes on with what was
    received (late records do not stop a review), but never on the UR decision alone."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.RECORDS_COMPLETE)
    on = on or timezone.localdate()
    today = timezone.localdate()
    if on > today:
        raise ValidationError("Records cannot be marked complete on a future date.")
    if case.date_assigned and on < case.date_assigned:
        raise ValidationError("Records cannot be complete before the notice of assignment.")
    medical = case.records.exclude(kind=RecordKind.UR_DECISION)
    due = case.clock.records_due_on
    if proceed_without and due and today <= due:
        raise ValidationError(
            f"Records are not overdue yet (due {due:%m/%d/%Y}); wait for them or mark them "
            "complete."
        )
    if not medical.exists():
        raise ValidationError(
            "There are no medical records besides the UR decision; a review cannot rest on the "
            "UR decision alone (8 CCR 9792.10.5)."
        )
    case.records_complete_on = on
    case.save(update_fields=["records_complete_on"])
    from_status = case_status_set(case=case, to_status=CaseStatus.RECORDS_COMPLETE)
    events.records_completed(
        case=case,
        actor=actor,
        complete=not proceed_without,
        late=case.clock.records_overdue,
        from_status=from_status,
    )
    return case


TERMINATION_REASONS = {
    "authorized": "The claims administrator authorized the treatment",
    "withdrawn": "The application was withdrawn",
}


@transaction.atomic
def case_terminate(*, case: Case, actor, reason: str, note: str = "") -> Case:
    case = case_lock(case)
    if reason not in TERMINATION_REASONS:
        raise ValidationError("Choose why the review ends: treatment authorized, or withdrawn.")
    from_status = case_status_set(case=case, to_status=CaseStatus.TERMINATED)
    events.case_terminated(
        case=case, actor=actor, reason=reason, note=note.strip(), from_status=from_status
    )
    return case


@transaction.atomic
def case_remand(*, case: Case, actor, note: str = "") -> Case:
    """A new review ordered on appeal: a new round, a different reviewer, a new letter."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.REMANDED)
    case.round += 1
    # The new round's determination clock runs from the day the remand is received.
    case.records_complete_on = timezone.localdate()
    case.save(update_fields=["round", "records_complete_on"])
    from_status = case_status_set(case=case, to_status=CaseStatus.REMANDED)
    events.case_remanded(case=case, actor=actor, note=note.strip(), from_status=from_status)
    return case
