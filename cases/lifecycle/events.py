"""One function per kind of case event (the append-only log). Called only from services."""

from cases.lifecycle.models import Case, CaseEvent, EventType


def event_record(*, case: Case, type: str, actor=None, **details) -> CaseEvent:
    if type not in EventType.values:
        raise ValueError(f"Unknown case event type {type!r}")
    return CaseEvent.objects.create(case=case, type=type, actor=actor, details=details)


def case_received(*, case, actor, source):
    return event_record(case=case, type=EventType.CASE_RECEIVED, actor=actor, source=source)


def case_imported(*, case, actor, source, status):
    return event_record(
        case=case, type=EventType.CASE_IMPORTED, actor=actor, source=source, status=status
    )


def eligibility_recorded(*, case, actor, eligible, reasons, late_application, from_status):
    return event_record(
        case=case,
        type=EventType.ELIGIBILITY_RECORDED,
        actor=actor,
        eligible=eligible,
        reasons=reasons,
        late_application=late_application,
        from_status=from_status,
        to_status=case.status,
    )


def notice_of_assignment_sent(*, case, actor, electronic, records_due_on, from_status):
    return event_record(
        case=case,
        type=EventType.NOTICE_OF_ASSIGNMENT_SENT,
        actor=actor,
        date_assigned=case.date_assigned.isoformat(),
        electronic=electronic,
        records_due_on=records_due_on.isoformat(),
        from_status=from_status,
        to_status=case.status,
    )


def record_added(*, case, actor, record):
    return event_record(
        case=case,
        type=EventType.RECORD_ADDED,
        actor=actor,
        record_id=record.pk,
        title=record.title,
        size=record.size,
        sha256=record.sha256,
    )


def record_inspected(*, case, record):
    return event_record(
        case=case,
        type=EventType.RECORD_INSPECTED,
        record_id=record.pk,
        title=record.title,
        pages=record.pages,
    )


def record_opened(*, case, actor, record):
    return event_record(
        case=case,
        type=EventType.RECORD_OPENED,
        actor=actor,
        record_id=record.pk,
        title=record.title,
    )


def records_completed(*, case, actor, complete, late, from_status):
    return event_record(
        case=case,
        type=EventType.RECORDS_COMPLETED,
        actor=actor,
        records_complete_on=case.records_complete_on.isoformat(),
        complete=complete,
        late=late,
        determination_due_on=case.clock.determination_due_on.isoformat(),
        from_status=from_status,
        to_status=case.status,
    )


def case_terminated(*, case, actor, reason, note, from_status):
    return event_record(
        case=case,
        type=EventType.CASE_TERMINATED,
        actor=actor,
        reason=reason,
        note=note,
        from_status=from_status,
        to_status=case.status,
    )


def case_remanded(*, case, actor, note, from_status):
    return event_record(
        case=case,
        type=EventType.CASE_REMANDED,
        actor=actor,
        note=note,
        round=case.round,
        from_status=from_status,
        to_status=case.status,
    )


def transition_refused(*, case, actor, attempted, message):
    return event_record(
        case=case,
        type=EventType.TRANSITION_REFUSED,
        actor=actor,
        attempted=attempted,
        message=message,
    )


def clock_notice_sent(*, case, kind, recipient, due_on, escalation):
    return event_record(
        case=case,
        type=EventType.ESCALATION_SENT if escalation else EventType.REMINDER_SENT,
        kind=kind,
        recipient=recipient,
        due_on=due_on.isoformat(),
    )


def reviewer_assigned(*, case, actor, assignment, score, batch, from_status):
    return event_record(
        case=case,
        type=EventType.REVIEWER_ASSIGNED,
        actor=actor,
        assignment_id=assignment.pk,
        reviewer=assignment.reviewer.username,
        round=assignment.round,
        score=score,
        batch=batch,
        from_status=from_status,
        to_status=case.status,
    )


def assignment_refused(*, case, actor, reviewer, reasons):
    """An attempt to assign a reviewer the rules exclude (or a case already taken)."""
    return event_record(
        case=case,
        type=EventType.ASSIGNMENT_REFUSED,
        actor=actor,
        reviewer=reviewer.username,
        reasons=reasons,
    )


def reviewer_accepted(*, case, actor, assignment, from_status):
    return event_record(
        case=case,
        type=EventType.REVIEWER_ACCEPTED,
        actor=actor,
        assignment_id=assignment.pk,
        attested_no_conflict=True,
        from_status=from_status,
        to_status=case.status,
    )


def reviewer_declined(*, case, actor, assignment, reason, conflict, from_status):
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


def letter_issued(*, case, actor, letter, from_status):
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


def letter_delivered(*, case, letter, delivery):
    return event_record(
        case=case,
        type=EventType.LETTER_DELIVERED,
        letter_id=letter.pk,
        version=letter.version,
        recipient_role=delivery.recipient_role,
        email=delivery.email,
    )


def determination_submitted(*, case, actor, determination, from_status):
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


def determination_returned(*, case, actor, determination, quality_review, from_status):
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


def determination_approved(*, case, actor, determination, quality_review, from_status):
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
    )
