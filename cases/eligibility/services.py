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
from cases.eligibility.duplicates import consolidation_refusal
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.clock import information_deadline
from cases.lifecycle.delivery import case_service_contacts
from cases.lifecycle.models import Case, CaseStatus, DisputedItem, IneligibilityReason, SentBy
from cases.lifecycle.services import (
    DUE_ON_FIELDS,
    MISSING_INFORMATION,
    case_due_on_refresh,
    case_lock,
    case_status_set,
    case_transition_check,
)
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.models import MedicalRecord, RecordKind
from cases.records.selectors import records_in_file
from cases.registry import reviewer_side

# Records that are not medical records to decide on: the UR decision and the application form
# (8 CCR 9792.10.6(b)(2); the documents of 9792.10.5(a)(1)(A) are the physician's reports).
NOT_MEDICAL_RECORDS = (RecordKind.UR_DECISION, RecordKind.APPLICATION)

# The code of a refusal the note answers: the form puts it beside the note.
NOTE_NEEDED = "note_needed"
# The code of a refusal of the day records were complete: the forms put it beside that date.
RECORDS_COMPLETE_DAY = "records_complete_day"


class Override(NamedTuple):
    """The administrator's answer to a blocking check that does not pass, with the reason."""

    answer: str
    reason: str


def notice_method(case: Case) -> str:
    """How the notice of assignment an eligible finding sends will be served (SentBy): by mail
    when any party is served by mail or waits for an address, else electronically. The parties'
    service decides it, not a choice at the finding: 8 CCR 9792.10.5(a)(1) gives the records 15
    days after a mailed notice and 12 after an electronic one, and the notice prints its due
    date by how it goes, so the case's clock counts the same way from the finding on."""
    return reviewer_side().notice_planned_method(case) or SentBy.ELECTRONIC


def notice_method_text(case: Case) -> str:
    """The finding's notice, how it goes and when the records fall due, in words for the form."""
    return _notice_method_words(notice_method(case))


def notice_held_text(case: Case) -> str:
    """Who the finding's notice cannot reach yet, said at the button (from QA: a notice went
    to nobody with only a hint above the date), or "". A copy waits until its party's address
    or e-mail is given; the records clock runs from the last service (9792.10.5(a)(1))."""
    contacts = case_service_contacts(case)
    unservable = [contact for contact in contacts if contact.problem]
    if not unservable:
        return ""
    names = ", ".join(f"{contact.name} ({contact.role_label})" for contact in unservable)
    nobody = len(unservable) == len(contacts)
    return (
        f"{'Nobody can be served the notice yet' if nobody else 'Not everyone can be served'}: "
        f"no usable address for {names}. "
        f"{'Each copy waits until its party’s' if nobody else 'Their copies wait until their'} "
        "address or e-mail is given under “Service of papers”, and the records clock runs from "
        "the last service (8 CCR 9792.10.5(a)(1))."
    )


def _notice_method_words(method: str) -> str:
    if method == SentBy.MAIL:
        return (
            "The notice goes by mail (a party is served by mail or has no usable address): "
            "records are due 15 days after it, 24 hours if expedited (8 CCR 9792.10.5(a)(1))."
        )
    return (
        "The notice goes electronically (every party consented to e-service): records are "
        "due 12 days after it, 24 hours if expedited (8 CCR 9792.10.5(a)(1))."
    )


def _eligible_and_notice(
    *,
    case,
    actor,
    notice_on,
    sent_by,
    reasons,
    late_accepted=False,
    overrides=(),
    checks=None,
    produce_notice=True,
):
    """`produce_notice=False` when another system already sent the notice (intake's
    date_assigned): the date stands as given and nothing is sent from here."""
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
    # The new notice prints its own records due date when it is signed (letters.notices).
    case.notice_records_due_on = None
    case.full_clean(exclude=["due_on"])
    case.save(update_fields=["date_assigned", "notice_sent_by", "notice_records_due_on"])
    from_status = case_status_set(case=case, to_status=CaseStatus.AWAITING_RECORDS)
    event = events.notice_of_assignment_sent(
        case=case,
        actor=actor,
        sent_by=sent_by,
        records_due_on=case.clock.records_due_on,
        from_status=from_status,
    )
    if produce_notice:
        # The notice itself: queued in this transaction, rendered and served by the letters
        # room; its date of service then sets the records clock.
        reviewer_side().after_eligibility_finding(
            case=case, actor=actor, event=event, eligible=True
        )


class OverridesMissing(ValidationError):
    """The eligible finding refused because blocking checks lack their written reason: the
    message names them all; `check_keys` says which, so a form can say it beside each.
    `others`: the notice date's problems, said in the same answer."""

    def __init__(self, message: str, check_keys: list[str], others: list[str] = ()):
        super().__init__([*others, message], code="overrides_missing")
        self.check_keys = check_keys
        self.others = list(others)


def _overrides_check(checks, overrides: Mapping[str, Override]) -> list[dict]:
    """Each blocking check that does not pass needs its written reason; without one the finding
    is refused, naming the check. Returns what the event records."""
    recorded, missing = [], []
    for check in checks:
        if not check.needs_override:
            continue
        given = overrides.get(check.key)
        answer, reason = (given.answer, visible_strip(given.reason)) if given else ("", "")
        if not reason or answer not in check.answers:
            missing.append(check)
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
        named = (
            f"{check.label} ({check.result_label.lower()}; {check.source})" for check in missing
        )
        raise OverridesMissing(
            "A blocking check does not pass; give a written reason to find the case eligible "
            "anyway, or find it ineligible: " + "; ".join(named) + ".",
            check_keys=[check.key for check in missing],
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
    sent_by: str | None = None,
    overrides: Mapping[str, Override] | None = None,
) -> Case:
    """Record the administrator's finding. Eligible sends the notice of assignment (the letter's
    Date Assigned) and starts the records clock, by how the notice goes (notice_method; a
    `sent_by` given that says otherwise is refused); a blocking check that does not pass must be
    overridden with a written reason. Ineligible closes the case with its reasons (codes of
    IneligibilityReason) and a note."""
    case = case_lock(case)
    reasons = [reason.strip() for reason in (reasons or []) if reason and reason.strip()]
    note = visible_strip(note or "")
    if eligible:
        case_transition_check(case=case, to_status=CaseStatus.ELIGIBLE)
        if not case.items.exists():
            raise ValidationError("A case with no disputed item cannot be eligible.")
        checks = eligibility_checks(case)
        notice_on = notice_on or timezone.localdate()
        # The notice is the letter's Date Assigned and starts the records clock (8 CCR
        # 9792.10.5(a)): it is dated the day it goes out or earlier, never ahead. Its problem
        # is said with the checks' (from QA: one round after the other).
        dated = []
        if future := _future_problem(notice_on, "notice of assignment date"):
            dated.append(future)
        elif notice_on < case.application_received:
            dated.append(
                "The notice of assignment cannot be dated before the application was received "
                f"({case.application_received:%m/%d/%Y})."
            )
        try:
            recorded = _overrides_check(checks, overrides or {})
        except OverridesMissing as missing:
            raise OverridesMissing(missing.messages[-1], missing.check_keys, dated) from None
        if dated:
            raise ValidationError([ValidationError(m, code="notice_date") for m in dated])
        planned = notice_method(case)
        if sent_by is not None and sent_by != planned:
            raise ValidationError(
                "How the notice goes is the parties' service, not a choice. "
                + _notice_method_words(planned)
            )
        _eligible_and_notice(
            case=case,
            actor=actor,
            notice_on=notice_on,
            sent_by=planned,
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
        case_transition_check(case=case, to_status=CaseStatus.INELIGIBLE)
        # "Other (see the note)" is printed in the notice: never without its note (from a
        # review: beside another reason it went out with none).
        if IneligibilityReason.OTHER in codes and not note:
            raise ValidationError(
                "Say in the note why the application is ineligible.", code=NOTE_NEEDED
            )
        if not note:
            _passed_checks_refuse(case, codes)
        from_status = case_status_set(case=case, to_status=CaseStatus.INELIGIBLE)
        event = events.eligibility_recorded(
            case=case,
            actor=actor,
            eligible=False,
            reasons=[],
            reason_codes=codes,
            note=note,
            late_application=case.clock.filed_late,
            from_status=from_status,
        )
        # 8 CCR 9792.10.3(c): the parties are told in writing, with the reasons.
        reviewer_side().after_eligibility_finding(
            case=case, actor=actor, event=event, eligible=False
        )
    return case


# The check on the screen that answers each reason an application may be found ineligible for
# (8 CCR 9792.10.3(a)): a reason ticked against its own check's "passes" must be explained.
REASON_CHECKS = {
    IneligibilityReason.LATE: "timely",
    IneligibilityReason.FILED_BY_PROVIDER: "filed_by",
    IneligibilityReason.NOT_SIGNED: "signed",
    IneligibilityReason.NO_UR_DECISION: "ur_decision_on_file",
    IneligibilityReason.NOT_MEDICAL_NECESSITY: "ur_decision_basis",
    IneligibilityReason.PRIOR_IMR: "prior_imr",
    IneligibilityReason.DUPLICATE: "duplicates",
}


def _passed_checks_refuse(case: Case, codes: list[str]) -> None:
    """An ineligible finding for a reason its own check found no ground for (from QA: "filed
    late" ticked beside "filed within 30 days: passes" closed the case without a word) needs
    the note that says why: the parties read it in the notice of ineligibility (8 CCR
    9792.10.3(c)), and the screen said the opposite."""
    keys = {REASON_CHECKS[code]: code for code in codes if code in REASON_CHECKS}
    if not keys:
        return
    passed = [check for check in eligibility_checks(case) if check.key in keys and check.passes]
    if passed:
        named = "; ".join(
            f"“{IneligibilityReason(keys[check.key]).label}” (the check “{check.label}” passes)"
            for check in passed
        )
        raise ValidationError(
            f"The screen found no ground for {named}: say in the note why the application is "
            "ineligible for it all the same (the note is printed in the notice of ineligibility).",
            code=NOTE_NEEDED,
        )


def records_complete_date_check(case: Case, on: dt.date) -> None:
    """The day records were complete has happened, and came after the notice of assignment that
    asked for them (8 CCR 9792.10.5(a)); the determination clock runs from it (Lab. Code
    4610.6(d)). Marking records complete and correcting that day both ask this."""
    if on > timezone.localdate():
        raise ValidationError(
            "Records cannot be marked complete on a future date.", code=RECORDS_COMPLETE_DAY
        )
    if case.date_assigned and on < case.date_assigned:
        raise ValidationError(
            "Records cannot be complete before the notice of assignment.",
            code=RECORDS_COMPLETE_DAY,
        )


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
    records_complete_date_check(case, on)
    medical = records_in_file(case).exclude(kind__in=NOT_MEDICAL_RECORDS)
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


# --- The screen waits: a liability dispute, a request for information -------------------------


def _future_problem(on: dt.date, what: str) -> str:
    return f"The {what} cannot be in the future." if on > timezone.localdate() else ""


def _no_future(on: dt.date, what: str) -> None:
    if problem := _future_problem(on, what):
        raise ValidationError(problem)


@transaction.atomic
def case_defer_for_liability(*, case: Case, actor, deferred_on: dt.date, note: str) -> Case:
    """8 CCR 9792.10.3(a)(3), (d): the claims administrator asserts a factual or legal basis
    that precludes its liability (and does not agree the case is eligible): the IMR waits until
    the dispute is resolved. Only before a finding, while the application is screened."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.DEFERRED)
    note = visible_strip(note)
    if not note:
        raise ValidationError(
            "Say what the claims administrator disputes (e.g. compensability of the injury, "
            "the body part) and where it is being resolved."
        )
    _no_future(deferred_on, "deferral date")
    if deferred_on < case.application_received:
        raise ValidationError("The IMR cannot be deferred before the application was received.")
    from_status = case_status_set(case=case, to_status=CaseStatus.DEFERRED)
    case.deferred_on = deferred_on
    case.save(update_fields=["deferred_on"])
    events.case_deferred(
        case=case, actor=actor, deferred_on=deferred_on, note=note, from_status=from_status
    )
    return case


def _resolution_check(case: Case, resolved_on: dt.date, note: str) -> None:
    _no_future(resolved_on, "date of the resolution")
    if case.deferred_on and resolved_on < case.deferred_on:
        raise ValidationError(
            f"The dispute cannot be resolved before the IMR was deferred "
            f"({case.deferred_on:%m/%d/%Y})."
        )
    if not note:
        raise ValidationError(
            "Name the document that resolves the dispute (a WCAB order, a stipulation, or the "
            "claims administrator's written acceptance of liability) and who sent it."
        )


@transaction.atomic
def case_resume_liability_resolved(*, case: Case, actor, resolved_on: dt.date, note: str) -> Case:
    """The parties report the liability dispute resolved for the worker (9792.10.3(d)): the
    case goes back to the screen it left (received), where the finding is made."""
    case = case_lock(case)
    if Action.RESUME_LIABILITY_RESOLVED not in allowed_actions(case):
        raise ValidationError(
            f"Only a deferred case resumes when liability is resolved; this one is "
            f"{CaseStatus(case.status).label.lower()}."
        )
    note = visible_strip(note)
    _resolution_check(case, resolved_on, note)
    # 8 CCR 9792.10.4(b): the finding and notice run again from the day the screen resumes.
    case.screen_resumed_on = resolved_on
    from_status = case_status_set(case=case, to_status=CaseStatus.RECEIVED)
    case.save(update_fields=["screen_resumed_on"])
    events.liability_resolved(
        case=case,
        actor=actor,
        resolved_on=resolved_on,
        deferred_on=case.deferred_on,
        note=note,
        from_status=from_status,
    )
    return case


@transaction.atomic
def case_close_liability_denied(*, case: Case, actor, resolved_on: dt.date, note: str) -> Case:
    """Liability was found against the worker: there is no treatment for the IMR to decide
    (9792.10.3(d)). The case is terminated with that reason."""
    case = case_lock(case)
    if Action.CLOSE_LIABILITY_DENIED not in allowed_actions(case):
        raise ValidationError(
            f"A case that is {CaseStatus(case.status).label.lower()} has no liability dispute "
            "to close on: defer it first."
        )
    note = visible_strip(note)
    _resolution_check(case, resolved_on, note)
    from_status = case_status_set(case=case, to_status=CaseStatus.TERMINATED, actor=actor)
    events.case_terminated(
        case=case,
        actor=actor,
        reason="liability_denied",
        note=f"Resolved {resolved_on:%m/%d/%Y}. {note}",
        from_status=from_status,
    )
    return case


def information_due_on(requested_on: dt.date, sent_by: str = "") -> dt.date:
    """8 CCR 9792.10.3(c): the parties answer within 5 business days following receipt of the
    request."""
    return information_deadline(requested_on, sent_by).on


def information_due_text(requested_on: dt.date, sent_by: str = "") -> str:
    """The due date in words, with its rule (the calculator's explanation)."""
    return information_deadline(requested_on, sent_by).text


@transaction.atomic
def case_information_request(
    *, case: Case, actor, missing: list[str], requested_on: dt.date, sent_by: str, note: str = ""
) -> Case:
    """8 CCR 9792.10.3(b): ask the parties for what the screen needs; the screen pauses until
    it comes or its 5 business days following receipt of the request pass (9792.10.3(c))."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.INFORMATION_REQUESTED)
    missing = list(dict.fromkeys(missing))
    unknown = [key for key in missing if key not in MISSING_INFORMATION]
    if not missing or unknown:
        raise ValidationError("Choose what is missing from the list.")
    note = visible_strip(note)
    if "other" in missing and not note:
        raise ValidationError("Say in the note what other information is missing.")
    if sent_by not in SentBy.values:
        raise ValidationError("Say how the request was sent: by mail or electronically.")
    _no_future(requested_on, "request date")
    if requested_on < case.application_received:
        raise ValidationError("Information cannot be requested before the application came.")
    from_status = case_status_set(case=case, to_status=CaseStatus.INFORMATION_REQUESTED)
    case.information_requested_on = requested_on
    case.information_requested_by = sent_by
    case.information_due_on = information_due_on(requested_on, sent_by)
    case.information_missing = missing
    # The screen's own clock: the list sorts and filters on it like any deadline.
    case_due_on_refresh(case)
    case.save(
        update_fields=[
            "information_requested_on",
            "information_requested_by",
            "information_due_on",
            "information_missing",
            *DUE_ON_FIELDS,
        ]
    )
    events.information_requested(
        case=case,
        actor=actor,
        missing=missing,
        requested_on=requested_on,
        sent_by=sent_by,
        due_on=case.information_due_on,
        note=note,
        from_status=from_status,
    )
    return case


def _information_closed(case: Case) -> None:
    # The request is answered or lapsed: its dates stay in the history, not on the case.
    case.information_requested_on = None
    case.information_requested_by = ""
    case.information_due_on = None
    case.information_missing = []
    case.save(
        update_fields=[
            "information_requested_on",
            "information_requested_by",
            "information_due_on",
            "information_missing",
        ]
    )


@transaction.atomic
def case_information_received(*, case: Case, actor, received_on: dt.date, note: str = "") -> Case:
    """The requested information came: back to the screen for the finding (9792.10.3(c))."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.RECEIVED)
    if case.status != CaseStatus.INFORMATION_REQUESTED:
        raise ValidationError("No information was requested for this case.")
    _no_future(received_on, "date the information came")
    if received_on < case.information_requested_on:
        raise ValidationError(
            f"The information cannot come before it was requested "
            f"({case.information_requested_on:%m/%d/%Y})."
        )
    late = received_on > case.information_due_on
    # 8 CCR 9792.10.4(b): the finding and notice run again from the day the screen resumes.
    case.screen_resumed_on = received_on
    from_status = case_status_set(case=case, to_status=CaseStatus.RECEIVED)
    case.save(update_fields=["screen_resumed_on"])
    _information_closed(case)
    events.information_received(
        case=case,
        actor=actor,
        received_on=received_on,
        late=late,
        note=note.strip(),
        from_status=from_status,
    )
    return case


INFORMATION_NOT_PROVIDED = "Requested information not provided (8 CCR 9792.10.3(c))"


@transaction.atomic
def case_information_lapsed(*, case: Case, actor, note: str = "") -> Case:
    """The 5 business days passed without the information: the screen decides on what it has,
    and the administrator finds the application ineligible for want of it (9792.10.3(c))."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.INELIGIBLE)
    if Action.INELIGIBLE_NO_INFORMATION not in allowed_actions(case):
        if case.information_due_on is None:
            # A page from before the request was answered or withdrawn (a second tab).
            raise ValidationError(
                "No request for information is waiting on this case (8 CCR 9792.10.3(c)): "
                "it was answered, or never made. Reload the case to see where it stands."
            )
        raise ValidationError(
            f"The parties have until {case.information_due_on:%m/%d/%Y} to send it "
            "(8 CCR 9792.10.3(c)); wait, or record it received."
        )
    asked = [MISSING_INFORMATION[key] for key in case.information_missing]
    reasons = [f"{INFORMATION_NOT_PROVIDED}: " + "; ".join(asked)]
    if note.strip():
        reasons.append(note.strip())
    from_status = case_status_set(case=case, to_status=CaseStatus.INELIGIBLE)
    _information_closed(case)
    event = events.eligibility_recorded(
        case=case,
        actor=actor,
        eligible=False,
        reasons=reasons,
        late_application=case.clock.filed_late,
        from_status=from_status,
    )
    reviewer_side().after_eligibility_finding(case=case, actor=actor, event=event, eligible=False)
    return case


# --- Duplicate applications ----------------------------------------------------------------


@transaction.atomic
def case_consolidate(*, kept: Case, duplicate: Case, actor, note: str = "") -> Case:
    """8 CCR 9792.10.4(a): decide two eligible applications of one worker (same requesting
    physician, same date of injury) in a single determination. The kept case takes copies of
    the duplicate's disputed items and of its records (the same stored files); the duplicate
    is closed as terminated, linked to the kept case, with everything it held left in place:
    nothing is moved or deleted, so either file still reads as it did. One event on each."""
    # Lock both rows in one order, so two people consolidating the pair both ways cannot
    # deadlock; then check on the locked rows.
    first, second = sorted([kept, duplicate], key=lambda c: c.pk)
    locked = {first.pk: case_lock(first), second.pk: case_lock(second)}
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    refusal = consolidation_refusal(kept, duplicate)
    if refusal:
        raise ValidationError(refusal)
    note = visible_strip(note)
    position = max((item.position for item in kept.items.all()), default=0)
    items = list(duplicate.items.all())
    for offset, item in enumerate(items, start=1):
        copy = DisputedItem(
            case=kept,
            position=position + offset,
            description=item.description,
            category=item.category,
            original_request=item.original_request,
            authorized_portion=item.authorized_portion,
            ur_citation_kind=item.ur_citation_kind,
            ur_citation_text=item.ur_citation_text,
            formulary_dispute=item.formulary_dispute,
        )
        copy.full_clean()
        copy.save()
    records = list(duplicate.records.all())
    for record in records:
        copy = MedicalRecord(
            case=kept,
            title=f"{record.title} (from {duplicate.case_number})"[:300],
            document_date=record.document_date,
            kind=record.kind,
            file=record.file.name,
            original_filename=record.original_filename,
            size=record.size,
            sha256=record.sha256,
            pages=record.pages,
            received_at=record.received_at,
            uploaded_by=record.uploaded_by,
        )
        copy.save()
    # The kept case's clock stands: the items it takes in are decided on its schedule, which
    # runs no later than the duplicate's (an item's own due date is the clock's matter).
    kept_status = kept.status
    case_due_on_refresh(kept)
    kept.save(update_fields=[*DUE_ON_FIELDS, "updated_at"])
    events.case_consolidated(
        case=kept,
        actor=actor,
        kept=kept,
        duplicate=duplicate,
        items=len(items),
        records=len(records),
        note=note,
        from_status=kept_status,
    )
    duplicate.consolidated_into = kept
    duplicate.save(update_fields=["consolidated_into"])
    from_status = case_status_set(case=duplicate, to_status=CaseStatus.TERMINATED, actor=actor)
    events.case_consolidated(
        case=duplicate,
        actor=actor,
        kept=kept,
        duplicate=duplicate,
        items=len(items),
        records=len(records),
        note=note,
        from_status=from_status,
    )
    return kept
