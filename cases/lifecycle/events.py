"""One function per kind of case event (the append-only log). Called only from services.

The reviewer side's objects (assignment, determination, quality review, letter, delivery) and
the records room's medical record sit in rooms above this one, which it may not import, even
for type checking; the protocols below name the attributes each event reads from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import transaction
from django.db.models import DateField, F, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from cases.lifecycle.findings import date_assigned_corrected
from cases.lifecycle.models import Case, CaseEvent, EligibilityFinding, EventType


class MedicalRecordLike(Protocol):
    """cases.records.models.MedicalRecord."""

    pk: Any
    title: str
    size: int
    sha256: str
    pages: int | None
    pages_problem: str


class AssignmentLike(Protocol):
    """reviews.assignment.models.Assignment."""

    pk: Any
    reviewer: User
    round: int


class DeterminationLike(Protocol):
    """reviews.determination.models.Determination."""

    pk: Any
    imported: bool
    quality_reviews: Any  # its related manager

    @property
    def outcome(self) -> str | None: ...


class QualityReviewLike(Protocol):
    """reviews.determination.models.QualityReview."""

    number: int
    comment: str
    item_comments: Any  # its related manager


class LetterLike(Protocol):
    """reviews.letters.models.Letter."""

    pk: Any
    version: int
    mailing_date: dt.date | None
    party_sha256: str
    public_sha256: str
    correction_note: str
    determination: DeterminationLike


class DeliveryLike(Protocol):
    """reviews.letters.models.LetterDelivery."""

    recipient_role: str
    recipient_name: str
    method: str
    email: str


class NoticeLike(Protocol):
    """reviews.letters.models.Notice."""

    pk: Any
    kind: str
    version: int
    sha256: str

    def get_kind_display(self) -> str: ...


def event_record(*, case: Case, type: str, actor: User | None = None, **details: Any) -> CaseEvent:
    event = _event_new(case=case, type=type, actor=actor, details=details)
    event.save(force_insert=True)
    return event


def _event_new(*, case: Case, type: str, actor: User | None, details: dict) -> CaseEvent:
    if type not in EventType.values:
        raise ValueError(f"Unknown case event type {type!r}")
    return CaseEvent(case=case, type=type, actor=actor, details=details)


def case_received(
    *, case: Case, actor: User | None, source: str, draft: int | None = None
) -> CaseEvent:
    """`draft`: the intake form's draft the case was made from (it is then dropped), so the
    draft's address, opened again (the Back button), leads to the case."""
    extra = {"draft": draft} if draft is not None else {}
    return event_record(
        case=case, type=EventType.CASE_RECEIVED, actor=actor, source=source, **extra
    )


def cases_received(*, cases: list[Case], source: str) -> list[CaseEvent]:
    """case_received for each of many new cases (an import's batch), in one INSERT."""
    return CaseEvent.objects.bulk_create(
        [
            _event_new(
                case=case,
                type=EventType.CASE_RECEIVED,
                actor=case.created_by,
                details={"source": source},
            )
            for case in cases
        ]
    )


def case_imported(*, case: Case, actor: User | None, source: str, status: str) -> CaseEvent:
    return event_record(
        case=case, type=EventType.CASE_IMPORTED, actor=actor, source=source, status=status
    )


@transaction.atomic
def eligibility_recorded(
    *,
    case: Case,
    actor: User | None,
    eligible: bool,
    reasons: list[str],
    late_application: bool,
    from_status: str,
    reason_codes: list[str] | None = None,
    note: str = "",
    overrides: list[dict] | None = None,
    checks: dict[str, str] | None = None,
) -> CaseEvent:
    """The finding. `reason_codes` (IneligibilityReason) and `note` say why a case is
    ineligible; `overrides` the blocking checks found eligible anyway, each with its reason;
    `checks` each check's result then. Older events hold free-text `reasons` instead."""
    details: dict[str, Any] = {}
    if reasons:
        details["reasons"] = reasons
    if reason_codes:
        details["reason_codes"] = reason_codes
    if note:
        details["note"] = note
    if overrides:
        details["overrides"] = overrides
    if checks:
        details["checks"] = checks
    event = event_record(
        case=case,
        type=EventType.ELIGIBILITY_RECORDED,
        actor=actor,
        eligible=eligible,
        late_application=late_application,
        from_status=from_status,
        to_status=case.status,
        **details,
    )
    # Dated by the day it is recorded until a notice of assignment dates it (below).
    recorded_on = timezone.localtime(event.created_at).date()
    EligibilityFinding.objects.create(
        event=event, case=case, eligible=eligible, recorded_on=recorded_on, found_on=recorded_on
    )
    return event


@transaction.atomic
def notice_of_assignment_sent(
    *,
    case: Case,
    actor: User | None,
    sent_by: str,
    records_due_on: dt.date,
    from_status: str,
) -> CaseEvent:
    # The notice's Date Assigned dates the eligible findings it follows (8 CCR 9792.10.3,
    # 9792.10.4(b)); a Date Assigned corrected before it stands.
    EligibilityFinding.objects.filter(case=case, eligible=True, notice_on__isnull=True).update(
        notice_on=case.date_assigned,
        found_on=Coalesce(F("corrected_on"), Value(case.date_assigned), output_field=DateField()),
    )
    return event_record(
        case=case,
        type=EventType.NOTICE_OF_ASSIGNMENT_SENT,
        actor=actor,
        date_assigned=case.date_assigned.isoformat(),
        sent_by=sent_by,
        records_due_on=records_due_on.isoformat(),
        # The holiday-calendar version the new date used (each deadline records its version).
        records_due_on_calendar=case.clock.calendar_versions.get("records_due_on"),
        from_status=from_status,
        to_status=case.status,
    )


def record_added(*, case: Case, actor: User | None, record: MedicalRecordLike) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.RECORD_ADDED,
        actor=actor,
        record_id=record.pk,
        title=record.title,
        size=record.size,
        sha256=record.sha256,
    )


def record_inspected(*, case: Case, record: MedicalRecordLike) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.RECORD_INSPECTED,
        record_id=record.pk,
        title=record.title,
        pages=record.pages,
        problem=record.pages_problem,
    )


def record_withdrawn(
    *, case: Case, actor: User | None, record: MedicalRecordLike, reason: str
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.RECORD_WITHDRAWN,
        actor=actor,
        record_id=record.pk,
        title=record.title,
        sha256=record.sha256,
        reason=reason,
    )


def records_completed(
    *, case: Case, actor: User | None, complete: bool, late: bool, from_status: str
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.RECORDS_COMPLETED,
        actor=actor,
        records_complete_on=case.records_complete_on.isoformat(),
        complete=complete,
        late=late,
        determination_due_on=case.clock.determination_due_on.isoformat(),
        determination_due_on_calendar=case.clock.calendar_versions.get("determination_due_on"),
        from_status=from_status,
        to_status=case.status,
    )


def case_terminated(
    *, case: Case, actor: User | None, reason: str, note: str, from_status: str
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.CASE_TERMINATED,
        actor=actor,
        reason=reason,
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def case_remanded(*, case: Case, actor: User | None, note: str, from_status: str) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.CASE_REMANDED,
        actor=actor,
        note=note,
        round=case.round,
        # Lab. Code 4610.6(d): the new round's determination is counted from the remand.
        determination_due_on=case.clock.determination_due_on.isoformat(),
        determination_due_on_calendar=case.clock.calendar_versions.get("determination_due_on"),
        from_status=from_status,
        to_status=case.status,
    )


@dataclass(frozen=True)
class SentClockNotice:
    """A reminder or escalation of the clock sent to one recipient (cases.reminders), as the
    case's history records it: an escalation as one, a reminder as a reminder."""

    case: Case
    kind: str
    due_on: dt.date
    recipient: str
    escalation: bool
    # Who sent it: an administrator's reminder from the case list; None, the schedule's.
    actor: User | None = None


def _clock_notice_event(notice: SentClockNotice) -> CaseEvent:
    return _event_new(
        case=notice.case,
        type=EventType.ESCALATION_SENT if notice.escalation else EventType.REMINDER_SENT,
        actor=notice.actor,
        details={
            "kind": notice.kind,
            "recipient": notice.recipient,
            "due_on": notice.due_on.isoformat(),
        },
    )


def clock_notices_sent(notices: list[SentClockNotice]) -> list[CaseEvent]:
    """That reminders or escalations were sent, one event each, a thousand to an INSERT (a
    digest records thousands)."""
    return CaseEvent.objects.bulk_create(
        [_clock_notice_event(notice) for notice in notices], batch_size=1000
    )


def reviewer_assigned(
    *,
    case: Case,
    actor: User | None,
    assignment: AssignmentLike,
    score: int,
    batch: bool,
    from_status: str,
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.REVIEWER_ASSIGNED,
        actor=actor,
        assignment_id=assignment.pk,
        reviewer=assignment.reviewer.username,
        # The name as it was then, for the history (withheld with the username where the
        # reader may not know the reviewer: Lab. Code 4610.6(f)).
        reviewer_name=assignment.reviewer.display_name,
        round=assignment.round,
        score=score,
        batch=batch,
        from_status=from_status,
        to_status=case.status,
    )


def assignment_refused(
    *, case: Case, actor: User | None, reviewer: User, reasons: list[str]
) -> CaseEvent:
    """An attempt to assign a reviewer the rules exclude (or a case already taken)."""
    return event_record(
        case=case,
        type=EventType.ASSIGNMENT_REFUSED,
        actor=actor,
        reviewer=reviewer.username,
        reviewer_name=reviewer.display_name,
        reasons=reasons,
    )


def reviewer_accepted(
    *, case: Case, actor: User | None, assignment: AssignmentLike, from_status: str
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.REVIEWER_ACCEPTED,
        actor=actor,
        assignment_id=assignment.pk,
        attested_no_conflict=True,
        from_status=from_status,
        to_status=case.status,
    )


def reviewer_declined(
    *,
    case: Case,
    actor: User | None,
    assignment: AssignmentLike,
    reason: str,
    conflict: bool,
    from_status: str,
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.REVIEWER_DECLINED,
        actor=actor,
        assignment_id=assignment.pk,
        reason=reason,
        conflict=conflict,
        from_status=from_status,
        to_status=case.status,
    )


def reviewer_unassigned(
    *,
    case: Case,
    actor: User | None,
    assignment: AssignmentLike,
    reason: str,
    reassigned: bool,
    draft_discarded: bool,
    from_status: str,
    determination_withdrawn: bool = False,
) -> CaseEvent:
    """An administrator took the case back from its reviewer (to reassign it, or to wait)."""
    return event_record(
        case=case,
        type=EventType.REVIEWER_UNASSIGNED,
        actor=actor,
        assignment_id=assignment.pk,
        reviewer=assignment.reviewer.username,
        reviewer_name=assignment.reviewer.display_name,
        round=assignment.round,
        reason=reason,
        reassigned=reassigned,
        draft_discarded=draft_discarded,
        determination_withdrawn=determination_withdrawn,
        from_status=from_status,
        to_status=case.status,
    )


def acceptance_escalated(
    *, case: Case, assignment: AssignmentLike, recipients: list[str], due_at: str
) -> CaseEvent:
    """The reviewer had not accepted in time: the administrators were told (once)."""
    return event_record(
        case=case,
        type=EventType.ESCALATION_SENT,
        kind="acceptance_overdue",
        assignment_id=assignment.pk,
        reviewer=assignment.reviewer.username,
        reviewer_name=assignment.reviewer.display_name,
        recipient=", ".join(recipients),
        accept_by=due_at,
    )


def letter_issued(
    *, case: Case, actor: User | None, letter: LetterLike, from_status: str | None
) -> CaseEvent:
    """A letter version was signed and stored (and, unless legacy history, delivered)."""
    return event_record(
        case=case,
        type=EventType.LETTER_ISSUED,
        actor=actor,
        letter_id=letter.pk,
        version=letter.version,
        mailing_date=letter.mailing_date.isoformat() if letter.mailing_date else None,
        party_sha256=letter.party_sha256,
        public_sha256=letter.public_sha256,
        correction_note=letter.correction_note,
        legacy=letter.determination.imported,
        from_status=from_status,
        to_status=case.status,
    )


@transaction.atomic
def case_facts_edited(
    *, case: Case, actor: User | None, changes: list[dict], moved: list[dict]
) -> CaseEvent:
    """Facts corrected before issue: each field's old and new value, and each deadline the
    correction moved (from, to). A corrected Date Assigned re-dates the finding it belongs to
    for the state's reports (EligibilityFinding), as cases.lifecycle.findings replays it."""
    corrected, on = date_assigned_corrected(changes)
    if corrected:
        # The corrected date re-dates the finding it belongs to: the case's latest eligible one.
        # (The notice's service, which also sets the Date Assigned, does not come here.)
        latest = (
            EligibilityFinding.objects.filter(case=case, eligible=True)
            .order_by("-event_id")
            .values("pk")[:1]
        )
        EligibilityFinding.objects.filter(pk=Subquery(latest)).update(
            corrected_on=on,
            found_on=Coalesce(
                Value(on), F("notice_on"), F("recorded_on"), output_field=DateField()
            ),
        )
    return event_record(
        case=case, type=EventType.FACTS_EDITED, actor=actor, changes=changes, moved=moved
    )


def letter_amended(
    *, case: Case, actor: User | None, letter: LetterLike, amends: LetterLike
) -> CaseEvent:
    """An amended version was requested (re-authenticated); letter_issued follows once it is
    signed and served."""
    return event_record(
        case=case,
        type=EventType.LETTER_AMENDED,
        actor=actor,
        letter_id=letter.pk,
        version=letter.version,
        amends_version=amends.version,
        amends_mailing_date=amends.mailing_date.isoformat() if amends.mailing_date else None,
        reason=letter.correction_note,
    )


def letter_delivered(*, case: Case, letter: LetterLike, delivery: DeliveryLike) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.LETTER_DELIVERED,
        letter_id=letter.pk,
        version=letter.version,
        recipient_role=delivery.recipient_role,
        recipient=delivery.recipient_name,
        method=delivery.method,
        email=delivery.email,
    )


def notice_delivered(*, case: Case, notice: NoticeLike, delivery: DeliveryLike) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.NOTICE_DELIVERED,
        notice_id=notice.pk,
        kind=notice.kind,
        document=notice.get_kind_display(),
        version=notice.version,
        recipient_role=delivery.recipient_role,
        email=delivery.email,
    )


def notice_served(
    *,
    case: Case,
    notice: NoticeLike,
    served_on: dt.date,
    sent_by: str,
    intended_on: dt.date,
    clock_moved: bool,
    records_due_on: dt.date | None = None,
    records_due_on_calendar: str | None = None,
) -> CaseEvent:
    """A notice went out: its date of service. For the notice of assignment, `clock_moved` says
    the records clock now runs from this date instead of the date the finding intended."""
    details: dict[str, Any] = {}
    if records_due_on is not None:
        details["records_due_on"] = records_due_on.isoformat()
        details["records_due_on_calendar"] = records_due_on_calendar
    return event_record(
        case=case,
        type=EventType.NOTICE_SERVED,
        notice_id=notice.pk,
        kind=notice.kind,
        document=notice.get_kind_display(),
        version=notice.version,
        sha256=notice.sha256,
        served_on=served_on.isoformat(),
        sent_by=sent_by,
        intended_on=intended_on.isoformat(),
        clock_moved=clock_moved,
        **details,
    )


def letter_posted(
    *, case: Case, actor: User | None, letter: LetterLike, served_on: dt.date, recipients: list
) -> CaseEvent:
    """The printed copies of a letter were posted: the date of service by mail (CCP 1013a)."""
    return event_record(
        case=case,
        type=EventType.LETTER_POSTED,
        actor=actor,
        letter_id=letter.pk,
        version=letter.version,
        served_on=served_on.isoformat(),
        posted_to=recipients,
    )


def notice_posted(
    *, case: Case, actor: User | None, notice: NoticeLike, served_on: dt.date, recipients: list
) -> CaseEvent:
    """Printed copies of a notice were posted: each of them served that day (CCP 1013(a)). The
    notice itself is served (notice_served) once every copy is, perhaps in a later batch."""
    return event_record(
        case=case,
        type=EventType.NOTICE_POSTED,
        actor=actor,
        notice_id=notice.pk,
        kind=notice.kind,
        document=notice.get_kind_display(),
        version=notice.version,
        served_on=served_on.isoformat(),
        posted_to=recipients,
    )


def copy_taken_back(
    *, case: Case, actor: User | None, document: str, party: str, batch_id: int
) -> CaseEvent:
    """A printed copy was taken back from its batch at "Confirm posted": the party's address
    changed after printing, so it was never served at the old one (CCP 1013(a)) and waits to
    be printed again at the new one."""
    return event_record(
        case=case,
        type=EventType.COPY_TAKEN_BACK,
        actor=actor,
        document=document,
        party=party,
        batch=batch_id,
    )


def copies_replaced(
    *, case: Case, actor: User | None, version: int, by_version: int, copies: list[dict]
) -> CaseEvent:
    """Copies of letter `version` that had not gone out (held for an address, waiting to be
    printed, or printed and not posted) are never sent: the amended version `by_version`,
    signed since, is served in their place. Each {"party", "was"} (the copy's status before)."""
    return event_record(
        case=case,
        type=EventType.COPIES_REPLACED,
        actor=actor,
        version=version,
        by_version=by_version,
        copies=copies,
    )


def notice_copies_withdrawn(*, case: Case, actor: User | None, copies: list[dict]) -> CaseEvent:
    """The case closed while copies of its notice of assignment had not gone out (held for an
    address, or waiting to be printed): they are never sent. Each {"party", "was"}."""
    return event_record(
        case=case,
        type=EventType.NOTICE_COPIES_WITHDRAWN,
        actor=actor,
        closed_as=case.status,
        copies=copies,
    )


def held_copies_served(*, case: Case, role: str, name: str, copies: list[dict]) -> CaseEvent:
    """Copies held for a party with no usable address went out once one was added: each
    {"document", "method", "status", "email", "address"}."""
    return event_record(
        case=case, type=EventType.HELD_COPIES_SERVED, role=role, party=name, copies=copies
    )


def party_service_changed(
    *,
    case: Case,
    actor: User | None,
    role: str,
    name: str,
    changes: list[dict],
    method: str,
    problem: str,
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.PARTY_SERVICE_CHANGED,
        actor=actor,
        role=role,
        party=name,
        changes=changes,
        method=method,
        problem=problem,
    )


def determination_submitted(
    *,
    case: Case,
    actor: User | None,
    determination: DeterminationLike,
    from_status: str,
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.DETERMINATION_SUBMITTED,
        actor=actor,
        determination_id=determination.pk,
        outcome=determination.outcome,
        resubmitted=determination.quality_reviews.exists(),
        from_status=from_status,
        to_status=case.status,
    )


def determination_returned(
    *,
    case: Case,
    actor: User | None,
    determination: DeterminationLike,
    quality_review: QualityReviewLike,
    from_status: str,
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.DETERMINATION_RETURNED,
        actor=actor,
        determination_id=determination.pk,
        quality_round=quality_review.number,
        note=quality_review.comment,
        item_comments=quality_review.item_comments.count(),
        from_status=from_status,
        to_status=case.status,
    )


def determination_approved(
    *,
    case: Case,
    actor: User | None,
    determination: DeterminationLike,
    quality_review: QualityReviewLike,
    from_status: str,
    contradictions_read: list[str] | None = None,
) -> CaseEvent:
    """`contradictions_read`: the confirmed warnings of a decision its rationale's conclusion
    seems to contradict, which the approver ticked that they read (kept as evidence)."""
    extra = {"contradictions_read": contradictions_read} if contradictions_read else {}
    return event_record(
        case=case,
        type=EventType.DETERMINATION_APPROVED,
        actor=actor,
        determination_id=determination.pk,
        outcome=determination.outcome,
        quality_round=quality_review.number,
        note=quality_review.comment,
        from_status=from_status,
        to_status=case.status,
        **extra,
    )


class ConsistencyFlagLike(Protocol):
    """reviews.determination.models.ConsistencyFlag."""

    pk: Any
    determination_id: Any
    resolution: str
    note: str
    majority_outcome: str
    majority_count: int
    similar_count: int


def consistency_recorded(
    *, case: Case, actor: User | None, flag: ConsistencyFlagLike, item_position: int
) -> CaseEvent:
    """Quality review recorded what it made of a consistency flag (issue 13)."""
    return event_record(
        case=case,
        type=EventType.CONSISTENCY_RECORDED,
        actor=actor,
        determination_id=flag.determination_id,
        flag_id=flag.pk,
        item=item_position,
        resolution=flag.resolution,
        majority=f"{flag.majority_count} of {flag.similar_count} {flag.majority_outcome}",
        note=flag.note,
    )


def case_deferred(
    *, case: Case, actor: User | None, deferred_on: dt.date, note: str, from_status: str
) -> CaseEvent:
    """8 CCR 9792.10.3(a)(3), (d): the claims administrator disputes liability."""
    return event_record(
        case=case,
        type=EventType.CASE_DEFERRED,
        actor=actor,
        deferred_on=deferred_on.isoformat(),
        awaiting="liability",
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def liability_resolved(
    *,
    case: Case,
    actor: User | None,
    resolved_on: dt.date,
    deferred_on: dt.date | None,
    note: str,
    from_status: str,
) -> CaseEvent:
    """The liability dispute was resolved for the worker: the screen resumes."""
    return event_record(
        case=case,
        type=EventType.LIABILITY_RESOLVED,
        actor=actor,
        resolved_on=resolved_on.isoformat(),
        deferred_on=deferred_on.isoformat() if deferred_on else None,
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def information_requested(
    *,
    case: Case,
    actor: User | None,
    missing: list[str],
    requested_on: dt.date,
    sent_by: str,
    due_on: dt.date,
    note: str,
    from_status: str,
) -> CaseEvent:
    """8 CCR 9792.10.3(b), (c): what is missing, how the request went, and the 5 business
    days following its receipt to send it."""
    return event_record(
        case=case,
        type=EventType.INFORMATION_REQUESTED,
        actor=actor,
        missing=missing,
        requested_on=requested_on.isoformat(),
        sent_by=sent_by,
        information_due_on=due_on.isoformat(),
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def information_received(
    *, case: Case, actor: User | None, received_on: dt.date, late: bool, note: str, from_status: str
) -> CaseEvent:
    return event_record(
        case=case,
        type=EventType.INFORMATION_RECEIVED,
        actor=actor,
        received_on=received_on.isoformat(),
        late=late,
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def case_consolidated(
    *,
    case: Case,
    actor: User | None,
    kept: Case,
    duplicate: Case,
    items: int,
    records: int,
    note: str,
    from_status: str,
) -> CaseEvent:
    """8 CCR 9792.10.4(a): written on both cases, each saying which side of it the case is."""
    return event_record(
        case=case,
        type=EventType.CASE_CONSOLIDATED,
        actor=actor,
        kept=kept.case_number,
        duplicate=duplicate.case_number,
        items=items,
        records=records,
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def case_expedited(
    *,
    case: Case,
    actor: User | None,
    certified_on: dt.date,
    records_due_on: dt.date | None,
    determination_due_on: dt.date | None,
    note: str,
) -> CaseEvent:
    """8 CCR 9792.10.4(c): the physician's certification converts the review to expedited."""
    return event_record(
        case=case,
        type=EventType.CASE_EXPEDITED,
        actor=actor,
        certified_on=certified_on.isoformat(),
        records_due_on=records_due_on.isoformat() if records_due_on else None,
        determination_due_on=determination_due_on.isoformat() if determination_due_on else None,
        # An expedited period runs through holidays (no calendar: null), a standard one that
        # still stands after the conversion names its version.
        records_due_on_calendar=case.clock.calendar_versions.get("records_due_on")
        if records_due_on
        else None,
        determination_due_on_calendar=case.clock.calendar_versions.get("determination_due_on")
        if determination_due_on
        else None,
        note=note,
    )


def file_integrity_failed(
    *,
    case: Case,
    actor: User | None,
    kind: str,
    object_id: int,
    problem: str,
    expected_sha256: str,
    actual_sha256: str,
) -> CaseEvent:
    """A stored file of the case (a record, a letter, a notice) is missing or changed on disk:
    it was not served (45 CFR 164.312(c)(1))."""
    return event_record(
        case=case,
        type=EventType.FILE_INTEGRITY_FAILED,
        actor=actor,
        kind=kind,
        object_id=object_id,
        problem=problem,
        expected_sha256=expected_sha256,
        actual_sha256=actual_sha256,
    )
