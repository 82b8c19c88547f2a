"""Eligibility findings (with the notice of assignment that starts the records clock) and
marking the records complete. Each function is one business step in one transaction and
writes its case event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.lifecycle import events
from cases.lifecycle.models import (
    Case,
    CaseStatus,
    SentBy,
)
from cases.lifecycle.services import case_lock, case_status_set, case_transition_check
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.models import RecordKind


def _eligible_and_notice(*, case, actor, notice_on, sent_by, reasons, late_accepted=False):
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
    case.notice_sent_by = sent_by
    case.full_clean(exclude=["due_on"])
    case.save(update_fields=["date_assigned", "notice_sent_by"])
    from_status = case_status_set(case=case, to_status=CaseStatus.AWAITING_RECORDS)
    events.notice_of_assignment_sent(
        case=case,
        actor=actor,
        sent_by=sent_by,
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
    sent_by: str = SentBy.ELECTRONIC,
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
            sent_by=sent_by,
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
    if proceed_without and Action.PROCEED_WITHOUT_RECORDS not in allowed_actions(case, today=today):
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
