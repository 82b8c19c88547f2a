"""Which status may follow which, and which actions each status allows (SPEC section 2).

Services consult this before they move a case; views and templates ask `allowed_actions` which
forms to offer. Nothing else decides what a status allows."""

import datetime as dt

from django.db import models
from django.utils import timezone

from cases.lifecycle.models import CLOSED_STATUSES, OPEN_STATUSES, Case, CaseStatus, Priority
from cases.lifecycle.statuses import CONVERTIBLE_STATUSES, ITEM_LIST_STATUSES

S = CaseStatus

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    # Before a finding the screen may wait: on a liability dispute (8 CCR 9792.10.3(d)) or on
    # information requested from the parties (9792.10.3(b)).
    S.RECEIVED: frozenset({S.ELIGIBLE, S.INELIGIBLE, S.DEFERRED, S.INFORMATION_REQUESTED}),
    # Liability resolved for the worker: the screen resumes where it stopped, before a finding.
    # Found against the worker: terminated (added below, as from every open state).
    S.DEFERRED: frozenset({S.RECEIVED}),
    # The information came (back to the screen), or it did not: ineligible (9792.10.3(c)).
    S.INFORMATION_REQUESTED: frozenset({S.RECEIVED, S.INELIGIBLE}),
    S.ELIGIBLE: frozenset({S.AWAITING_RECORDS}),
    S.AWAITING_RECORDS: frozenset({S.RECORDS_COMPLETE}),
    S.RECORDS_COMPLETE: frozenset({S.REVIEWER_ASSIGNED}),
    S.REVIEWER_ASSIGNED: frozenset({S.IN_REVIEW, S.RECORDS_COMPLETE}),
    # An administrator may take the case back from its reviewer before the determination is
    # submitted (unassign or reassign): it waits for a reviewer again.
    S.IN_REVIEW: frozenset({S.SUBMITTED, S.RECORDS_COMPLETE}),
    S.SUBMITTED: frozenset({S.RETURNED, S.APPROVED}),
    # Returned to a reviewer who cannot revise it (deactivated, on leave): the administrator
    # takes the case back, the returned determination is withdrawn and kept, and the case
    # waits for a reviewer again (from QA: it waited on a deactivated login with no way on).
    S.RETURNED: frozenset({S.SUBMITTED, S.RECORDS_COMPLETE}),
    S.APPROVED: frozenset({S.ISSUED}),
    S.ISSUED: frozenset({S.REMANDED}),
    # A remand is a new round: a different reviewer is assigned.
    S.REMANDED: frozenset({S.REVIEWER_ASSIGNED}),
    S.INELIGIBLE: frozenset(),
    S.TERMINATED: frozenset(),
}

# From any open state the case may be terminated (treatment authorized, or withdrawn).
for _status in list(ALLOWED_TRANSITIONS):
    if _status not in CLOSED_STATUSES:
        ALLOWED_TRANSITIONS[_status] = ALLOWED_TRANSITIONS[_status] | {S.TERMINATED}


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in ALLOWED_TRANSITIONS.get(from_status, frozenset())


def refusal_message(from_status: str, to_status: str) -> str:
    return (
        f"A case that is {S(from_status).label.lower()} cannot become {S(to_status).label.lower()}."
    )


class Action(models.TextChoices):
    """What someone may do to a case. TextChoices so templates can name a member
    (`Action.TERMINATE`) without calling it."""

    RECORD_ELIGIBILITY = "record_eligibility", "Record eligible or ineligible"
    IMPORT_LEGACY_DETERMINATION = "import_legacy_determination", "Import a legacy determination"
    ADD_RECORD = "add_record", "Add a record"
    EDIT_FACTS = "edit_facts", "Correct the case facts"
    CHANGE_ITEMS = "change_items", "Add or remove a disputed item"
    WITHDRAW_RECORD = "withdraw_record", "Withdraw a record filed by mistake"
    MARK_RECORDS_COMPLETE = "mark_records_complete", "Mark records complete"
    PROCEED_WITHOUT_RECORDS = "proceed_without_records", "Proceed without complete records"
    ASSIGN_REVIEWER = "assign_reviewer", "Assign a reviewer"
    RESPOND_TO_ASSIGNMENT = "respond_to_assignment", "Accept or decline the assignment"
    UNASSIGN_REVIEWER = "unassign_reviewer", "Unassign or reassign the reviewer"
    EDIT_DETERMINATION = "edit_determination", "Write the determination"
    REVIEW_QUALITY = "review_quality", "Review the determination's quality"
    ISSUE_LETTER = "issue_letter", "Issue the letter"
    AMEND_LETTER = "amend_letter", "Issue an amended letter"
    CORRECT_FOR_AMENDMENT = "correct_for_amendment", "Correct a fact the letter printed"
    REMAND = "remand", "Remand for a new review"
    TERMINATE = "terminate", "Terminate the review"
    DEFER_FOR_LIABILITY = "defer_for_liability", "Defer for a liability dispute"
    RESUME_LIABILITY_RESOLVED = "resume_liability_resolved", "Resume: liability resolved"
    CLOSE_LIABILITY_DENIED = "close_liability_denied", "Close: liability found against the worker"
    REQUEST_INFORMATION = "request_information", "Request missing information"
    INFORMATION_RECEIVED = "information_received", "Information received"
    INELIGIBLE_NO_INFORMATION = (
        "ineligible_no_information",
        "Find ineligible: requested information not provided",
    )
    CONSOLIDATE = "consolidate", "Consolidate a duplicate application into this case"
    CONVERT_TO_EXPEDITED = "convert_to_expedited", "Convert to expedited"


A = Action

STATUS_ACTIONS: dict[str, frozenset[Action]] = {
    # A legacy determination arrives with a newly imported case, before any review here.
    S.RECEIVED: frozenset(
        {
            A.RECORD_ELIGIBILITY,
            A.IMPORT_LEGACY_DETERMINATION,
            A.DEFER_FOR_LIABILITY,
            A.REQUEST_INFORMATION,
        }
    ),
    S.DEFERRED: frozenset({A.RESUME_LIABILITY_RESOLVED, A.CLOSE_LIABILITY_DENIED}),
    S.INFORMATION_REQUESTED: frozenset({A.INFORMATION_RECEIVED, A.INELIGIBLE_NO_INFORMATION}),
    S.ELIGIBLE: frozenset(),
    # 8 CCR 9792.10.4(a): eligible applications are consolidated, before a reviewer is assigned
    # (the kept case's reviewer decides every item in one determination).
    S.AWAITING_RECORDS: frozenset(
        {
            A.MARK_RECORDS_COMPLETE,
            A.PROCEED_WITHOUT_RECORDS,
            A.IMPORT_LEGACY_DETERMINATION,
            A.CONSOLIDATE,
        }
    ),
    S.RECORDS_COMPLETE: frozenset({A.ASSIGN_REVIEWER, A.CONSOLIDATE}),
    S.REVIEWER_ASSIGNED: frozenset({A.RESPOND_TO_ASSIGNMENT, A.UNASSIGN_REVIEWER}),
    S.IN_REVIEW: frozenset({A.EDIT_DETERMINATION, A.UNASSIGN_REVIEWER}),
    S.SUBMITTED: frozenset({A.REVIEW_QUALITY}),
    S.RETURNED: frozenset({A.EDIT_DETERMINATION, A.UNASSIGN_REVIEWER}),
    S.APPROVED: frozenset({A.ISSUE_LETTER}),
    # Once issued, a fact is corrected only by an amended letter: a new signed version that says
    # what it corrects, served again to every party (issue 10). The names and numbers it prints
    # are corrected first (cases.intake.corrections), never what the clocks counted from.
    S.ISSUED: frozenset({A.REMAND, A.AMEND_LETTER, A.CORRECT_FOR_AMENDMENT}),
    S.REMANDED: frozenset({A.ASSIGN_REVIEWER}),
    S.INELIGIBLE: frozenset(),
    S.TERMINATED: frozenset(),
}

# Every open case takes more records, withdraws one filed by mistake and has its facts
# corrected before the letter is issued (issue 10), and may be terminated (treatment
# authorized, or withdrawn).
for _status in OPEN_STATUSES:
    STATUS_ACTIONS[_status] = STATUS_ACTIONS[_status] | {
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.TERMINATE,
    }

# 8 CCR 9792.10.4(c): a standard review converts to expedited until its determination is in.
for _status in CONVERTIBLE_STATUSES:
    STATUS_ACTIONS[_status] = STATUS_ACTIONS[_status] | {A.CONVERT_TO_EXPEDITED}

# Items are added or removed until a reviewer is assigned, in the first round only (a remand
# reviews the items the issued letter decided).
for _status in ITEM_LIST_STATUSES:
    STATUS_ACTIONS[_status] = STATUS_ACTIONS[_status] | {A.CHANGE_ITEMS}


def records_overdue_now(case: Case, *, today: dt.date | None = None) -> bool:
    """The records due date has passed (8 CCR 9792.10.5): the review may go on without them."""
    today = today or timezone.localdate()
    due = case.clock.records_due_on
    return bool(due and today > due)


def information_overdue_now(case: Case, *, today: dt.date | None = None) -> bool:
    """The 5 business days to answer a request for information have passed (9792.10.3(c))."""
    today = today or timezone.localdate()
    due = case.information_due_on
    return bool(due and today > due)


def allowed_actions(case: Case, *, today: dt.date | None = None) -> frozenset[Action]:
    """The actions the case's status allows now. Proceeding without complete records also
    needs the records to be overdue; the ineligible finding for want of requested information
    needs the request to be overdue; only a standard review converts to expedited; items are
    added or removed in the first round only."""
    actions = STATUS_ACTIONS.get(case.status, frozenset())
    if A.PROCEED_WITHOUT_RECORDS in actions and not records_overdue_now(case, today=today):
        actions = actions - {A.PROCEED_WITHOUT_RECORDS}
    if A.INELIGIBLE_NO_INFORMATION in actions and not information_overdue_now(case, today=today):
        actions = actions - {A.INELIGIBLE_NO_INFORMATION}
    if A.CONVERT_TO_EXPEDITED in actions and case.priority != Priority.STANDARD:
        actions = actions - {A.CONVERT_TO_EXPEDITED}
    if A.CHANGE_ITEMS in actions and case.round > 1:
        actions = actions - {A.CHANGE_ITEMS}
    return actions


def statuses_allowing(action: Action) -> frozenset[str]:
    """The statuses whose table allows `action`, for queries (`status__in=`)."""
    return frozenset(status for status, actions in STATUS_ACTIONS.items() if action in actions)


# The statuses in which the determination is in its reviewer's hands: they answer the
# assignment or write the draft. Once it is submitted the quality reviewer holds it, so this
# is narrower than statuses.WITH_A_REVIEWER_STATUSES (assigned until issued).
DRAFT_WITH_REVIEWER_STATUSES = statuses_allowing(Action.RESPOND_TO_ASSIGNMENT) | statuses_allowing(
    Action.EDIT_DETERMINATION
)
