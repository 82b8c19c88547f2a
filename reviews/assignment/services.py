"""Assigning reviewers, one case at a time or as an optimal batch (SPEC section 4). Each function
is one business step in one transaction and writes its case event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from cases.lifecycle import events
from cases.lifecycle.models import Case, CaseStatus
from cases.lifecycle.services import case_status_set, case_transition_check
from cases.outbox.services import follow_up_add

# tasks.py imports this module by name (a task calls one service), so this side imports the
# module, not its names: each resolves at call time.
from reviews.assignment import tasks
from reviews.assignment.matching import (
    assignment_plan,
    candidate_evaluate,
    case_facts_load,
    roster_load,
)
from reviews.assignment.models import (
    VISIBLE_ASSIGNMENT_STATUSES,
    Assignment,
)
from reviews.assignment.selectors import cases_waiting_for_reviewer

if TYPE_CHECKING:
    from reviews.assignment.matching import Plan


# --- Assignment (SPEC section 4) --------------------------------------------------------------


class AssignmentRefused(ValidationError):
    """The rules exclude this reviewer, or the case is no longer waiting for one."""


def _assign_locked(*, case: Case, reviewer, actor, batch: bool, today) -> Assignment:

    # The row lock makes a second administrator wait here, then find the case taken.
    case = Case.objects.select_for_update().prefetch_related("parties", "items").get(pk=case.pk)
    if case.status == CaseStatus.REVIEWER_ASSIGNED:
        current = Assignment.objects.filter(
            case=case, round=case.round, status__in=VISIBLE_ASSIGNMENT_STATUSES
        ).first()
        taken_by = current.reviewer.get_full_name() if current else "another reviewer"
        raise AssignmentRefused(
            f"{case.case_number} was assigned to {taken_by} a moment ago; nothing was changed."
        )
    try:
        case_transition_check(case=case, to_status=CaseStatus.REVIEWER_ASSIGNED)
    except ValidationError as exc:
        raise AssignmentRefused(
            f"{case.case_number} is not waiting for a reviewer ({case.get_status_display()})."
        ) from exc
    roster = roster_load(today=today, user_ids=[reviewer.pk])
    if not roster.entries:
        raise AssignmentRefused(f"{reviewer.get_full_name()} has no reviewer profile.")
    (facts,) = case_facts_load([case])
    candidate = candidate_evaluate(roster.entries[0], facts, roster)
    if not candidate.eligible:
        raise AssignmentRefused(candidate.reasons)
    assignment = Assignment(case=case, reviewer=reviewer, round=case.round, assigned_by=actor)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    from_status = case_status_set(case=case, to_status=CaseStatus.REVIEWER_ASSIGNED)
    events.reviewer_assigned(
        case=case,
        actor=actor,
        assignment=assignment,
        score=candidate.score,
        batch=batch,
        from_status=from_status,
    )

    follow_up_add(
        task=tasks.assignment_notify.name,
        args=[assignment.pk],
        case=case,
        what="The reviewer will be told of the case by e-mail",
    )
    return assignment


def reviewer_assign(
    *, case: Case, reviewer, actor, batch: bool = False, today: dt.date | None = None
) -> Assignment:
    """Assign one reviewer. Eligibility is checked again under the case's row lock, so a
    conflicted reviewer can never be assigned and two administrators produce one assignment.
    A refused attempt is itself recorded as a case event."""
    try:
        with transaction.atomic():
            return _assign_locked(
                case=case, reviewer=reviewer, actor=actor, batch=batch, today=today
            )
    except AssignmentRefused as exc:
        events.assignment_refused(case=case, actor=actor, reviewer=reviewer, reasons=exc.messages)
        raise
    except IntegrityError as exc:
        # The one-live-assignment constraint caught a race the lock did not (a new round).
        message = f"{case.case_number} was assigned by someone else a moment ago."
        events.assignment_refused(case=case, actor=actor, reviewer=reviewer, reasons=[message])
        raise AssignmentRefused(message) from exc


@dataclass
class BatchResult:
    plan: Plan
    assigned: list[Assignment]
    refused: list[tuple[str, str]]  # (case number, message)


def assignments_auto(*, actor, dry_run: bool = False, today: dt.date | None = None) -> BatchResult:
    """Assign every waiting case at once, optimally (reviews.matching.assignment_plan). Each
    assignment is then made by reviewer_assign, which re-checks it under the case's lock."""

    roster = roster_load(today=today)
    cases = list(cases_waiting_for_reviewer())
    plan = assignment_plan(roster, case_facts_load(cases))
    assigned, refused = [], []
    if not dry_run:
        by_id = {case.pk: case for case in cases}
        reviewers = {
            user.pk: user
            for user in User.objects.filter(pk__in={a.entry.user_id for a in plan.assignments})
        }
        for planned in plan.assignments:
            try:
                assigned.append(
                    reviewer_assign(
                        case=by_id[planned.case_id],
                        reviewer=reviewers[planned.entry.user_id],
                        actor=actor,
                        batch=True,
                        today=today,
                    )
                )
            except ValidationError as exc:
                refused.append((planned.case_number, " ".join(exc.messages)))
    return BatchResult(plan=plan, assigned=assigned, refused=refused)
