"""Eligibility findings (with the notice of assignment that starts the records clock) and
marking the records complete. Each function is one business step in one transaction and
writes its case event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.eligibility.checks import OVERRIDE_ANSWERS, eligibility_checks
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseStatus, IneligibilityReason, SentBy
from cases.lifecycle.services import case_lock, case_status_set, case_transition_check
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.models import RecordKind

# Records that are not medical records to decide on: the UR decision and the application form
# (8 CCR 9792.10.6(b)(2); the documents of 9792.10.5(a)(1)(A) are the physician's reports).
NOT_MEDICAL_RECORDS = (RecordKind.UR_DECISION, RecordKind.APPLICATION)


class Override(NamedTuple):
    """The administrator's answer to a blocking check that does not pass, with the reason."""

    answer: str
    reason: str


def _eligible_and_notice(
    *, case, actor, notice_on, sent_by, reasons, late_accepted=False, overrides=(), checks=None
):
    from_status = case_status_set(case=case, to_status=CaseStatus.ELIGIBLE)
    events.eligibility_recorded(
        case=case,
        actor=actor,
        eligible=True,
        reasons=reasons,
        late_application=late_accepted,
        from_status=from_status,
        overrides=list(overrides),
        checks=checks,
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


def _overrides_check(checks, overrides: Mapping[str, Override]) -> list[dict]:
    """Each blocking check that does not pass needs its written reason; without one the finding
    is refused, naming the check. Returns what the event records."""
    recorded, missing = [], []
    for check in checks:
        if not check.needs_override:
            continue
        given = overrides.get(check.key)
        answer, reason = (given.answer, given.reason.strip()) if given else ("", "")
        if not reason or answer not in check.answers:
            missing.append(f"{check.label} ({check.result_label.lower()}; {check.source})")
            continue
        recorded.append(
            {
                "check": check.key,
                "label": check.label,
                "source": check.source,
                "result": check.result,
                "answer": answer,
                "answer_label": OVERRIDE_ANSWERS[answer],
                "reason": reason,
            }
        )
    if missing:
        raise ValidationError(
            "A blocking check does not pass; give a written reason to find the case eligible "
            "anyway, or find it ineligible: " + "; ".join(missing) + "."
        )
    return recorded


def _reason_codes(reasons: list[str]) -> tuple[list[str], list[str]]:
    """Reasons from the vocabulary, and free text (old callers) kept as the note."""
    codes = [reason for reason in reasons if reason in IneligibilityReason.values]
    free = [reason for reason in reasons if reason not in IneligibilityReason.values]
    return codes, free


@transaction.atomic
def case_eligibility_record(
    *,
    case: Case,
    actor,
    eligible: bool,
    reasons: list[str] | None = None,
    note: str = "",
    notice_on: dt.date | None = None,
    sent_by: str = SentBy.ELECTRONIC,
    overrides: Mapping[str, Override] | None = None,
) -> Case:
    """Record the administrator's finding. Eligible sends the notice of assignment (the letter's
    Date Assigned) and starts the records clock; a blocking check that does not pass must be
    overridden with a written reason. Ineligible closes the case with its reasons (codes of
    IneligibilityReason) and a note."""
    case = case_lock(case)
    reasons = [reason.strip() for reason in (reasons or []) if reason and reason.strip()]
    note = (note or "").strip()
    if eligible:
        case_transition_check(case=case, to_status=CaseStatus.ELIGIBLE)
        if not case.items.exists():
            raise ValidationError("A case with no disputed item cannot be eligible.")
        checks = eligibility_checks(case)
        recorded = _overrides_check(checks, overrides or {})
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
            overrides=recorded,
            checks={check.key: check.result for check in checks},
        )
    else:
        codes, free = _reason_codes(reasons)
        note = "\n".join([*free, note]).strip()
        if free and IneligibilityReason.OTHER not in codes:
            codes.append(IneligibilityReason.OTHER)
        if not codes:
            raise ValidationError("Give at least one reason the application is ineligible.")
        if codes == [IneligibilityReason.OTHER] and not note:
            raise ValidationError("Say in the note why the application is ineligible.")
        from_status = case_status_set(case=case, to_status=CaseStatus.INELIGIBLE)
        events.eligibility_recorded(
            case=case,
            actor=actor,
            eligible=False,
            reasons=[],
            reason_codes=codes,
            note=note,
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
    medical = case.records.exclude(kind__in=NOT_MEDICAL_RECORDS)
    due = case.clock.records_due_on
    if proceed_without and Action.PROCEED_WITHOUT_RECORDS not in allowed_actions(case, today=today):
        raise ValidationError(
            f"Records are not overdue yet (due {due:%m/%d/%Y}); wait for them or mark them "
            "complete."
        )
    if not medical.exists():
        raise ValidationError(
            "There are no medical records besides the UR decision and the application; a review "
            "cannot rest on the UR decision or the application alone (8 CCR 9792.10.6(b)(2))."
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
