"""Writes on the reviewer side: assignment, acceptance and decline, the specialty table, and
the determination. Each function is one business step in one transaction and records what it
did as a case event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from cases import events
from cases.models import Case, CaseStatus, ItemCategory

from .models import (
    VISIBLE_ASSIGNMENT_STATUSES,
    Assignment,
    AssignmentStatus,
    CaseConflict,
    CategorySpecialty,
    Specialty,
    specialty_key,
)

if TYPE_CHECKING:
    from .matching import Plan


# --- Assignment (SPEC section 4) --------------------------------------------------------------


class AssignmentRefused(ValidationError):
    """The rules exclude this reviewer, or the case is no longer waiting for one."""


def _assign_locked(*, case: Case, reviewer, actor, batch: bool, today) -> Assignment:
    from cases.services import case_status_set, case_transition_check

    from .matching import candidate_evaluate, case_facts_load, roster_load

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
    from .tasks import assignment_notify

    assignment_notify.delay_on_commit(assignment.pk)
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


@transaction.atomic
def assignment_accept(*, assignment: Assignment, actor, attest_no_conflict: bool) -> Assignment:
    from cases.services import case_status_set

    assignment = Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
    if assignment.reviewer_id != actor.pk:
        raise ValidationError("Only the assigned reviewer can accept this case.")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            f"This assignment is already {assignment.get_status_display().lower()}."
        )
    if not attest_no_conflict:
        raise ValidationError(
            "Attest that you have no conflict of interest with any party, or decline the case."
        )
    case = Case.objects.select_for_update().get(pk=assignment.case_id)
    from_status = case_status_set(case=case, to_status=CaseStatus.IN_REVIEW)
    assignment.status = AssignmentStatus.ACCEPTED
    assignment.responded_at = timezone.now()
    assignment.save(update_fields=["status", "responded_at"])
    events.reviewer_accepted(case=case, actor=actor, assignment=assignment, from_status=from_status)
    return assignment


@transaction.atomic
def assignment_decline(
    *, assignment: Assignment, actor, reason: str, conflict: bool = False
) -> Assignment:
    """The case goes back to the queue and this reviewer is excluded from it; a declared
    conflict is remembered for the case."""
    from cases.services import case_status_set

    assignment = Assignment.objects.select_for_update().select_related("case").get(pk=assignment.pk)
    reason = (reason or "").strip()
    if assignment.reviewer_id != actor.pk:
        raise ValidationError("Only the assigned reviewer can decline this case.")
    if assignment.status != AssignmentStatus.ASSIGNED:
        raise ValidationError(
            f"This assignment is already {assignment.get_status_display().lower()}."
        )
    if not reason:
        raise ValidationError("Say why you decline the case.")
    case = Case.objects.select_for_update().get(pk=assignment.case_id)
    from_status = case_status_set(case=case, to_status=CaseStatus.RECORDS_COMPLETE)
    assignment.status = AssignmentStatus.DECLINED
    assignment.responded_at = timezone.now()
    assignment.decline_reason = reason
    assignment.save(update_fields=["status", "responded_at", "decline_reason"])
    if conflict:
        CaseConflict.objects.get_or_create(case=case, reviewer=actor, defaults={"reason": reason})
    events.reviewer_declined(
        case=case,
        actor=actor,
        assignment=assignment,
        reason=reason,
        conflict=conflict,
        from_status=from_status,
    )
    return assignment


@dataclass
class BatchResult:
    plan: Plan
    assigned: list[Assignment]
    refused: list[tuple[str, str]]  # (case number, message)


def assignments_auto(*, actor, dry_run: bool = False, today: dt.date | None = None) -> BatchResult:
    """Assign every waiting case at once, optimally (reviews.matching.assignment_plan). Each
    assignment is then made by reviewer_assign, which re-checks it under the case's lock."""
    from .matching import assignment_plan, case_facts_load, roster_load
    from .selectors import cases_waiting_for_reviewer

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


# --- The category-to-specialties table (SPEC section 4, rule 2) -------------------------------


@transaction.atomic
def category_specialties_set(*, category: str, specialty_ids: list[int], actor) -> list[str]:
    """Replace the specialties accepted for one category of disputed item."""
    if category not in ItemCategory.values:
        raise ValidationError(f"Unknown category {category!r}.")
    specialties = list(Specialty.objects.filter(pk__in=specialty_ids))
    if len(specialties) != len(set(specialty_ids)):
        raise ValidationError("One of the chosen specialties no longer exists; reload the page.")
    if not specialties:
        raise ValidationError(
            "Choose at least one specialty: with none, no reviewer could decide "
            f"{ItemCategory(category).label.lower()} items."
        )
    CategorySpecialty.objects.filter(category=category).delete()
    CategorySpecialty.objects.bulk_create(
        CategorySpecialty(category=category, specialty=specialty) for specialty in specialties
    )
    return sorted(specialty.name for specialty in specialties)


@transaction.atomic
def specialty_add(*, name: str, actor) -> Specialty:
    """Add a specialty to the vocabulary; a name that matches one already there is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("Give the specialty's name.")
    key = specialty_key(name)
    existing = Specialty.objects.filter(key=key).first()
    if existing:
        raise ValidationError(f"'{existing.name}' is already in the list.")
    specialty = Specialty(name=name)
    specialty.full_clean(exclude=["key"])
    specialty.save()
    return specialty


# --- A determination carried over from a legacy system (SPEC section 7) --------------------------


@transaction.atomic
def determination_import_legacy(*, case: Case, actor, determination: dict, source: str):
    """Record a completed review from another IRO system as issued history: the determination
    (no reviewer account; licensure and certifications as printed), one decision per item, and
    the case moved to issued. `determination` is cases.intake's cleaned legacy determination:
    licensure as full state names, `decision_date` a date, decisions numbering items from 1."""
    from cases.deadlines import current_due_on

    from .models import Determination, DeterminationStatus, ItemDecision

    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (CaseStatus.RECEIVED, CaseStatus.AWAITING_RECORDS):
        raise ValidationError(
            f"{case.case_number} is already {case.get_status_display().lower()} here; a "
            "legacy determination can only come with a newly imported case."
        )
    if Determination.objects.filter(case=case).exists():
        raise ValidationError(f"{case.case_number} already has a determination.")
    items = list(case.items.order_by("position"))
    numbers = sorted(decision["item"] for decision in determination["decisions"])
    if numbers != list(range(1, len(items) + 1)):
        raise ValidationError("Each disputed item needs exactly one decision.")
    reviewer = determination["reviewer"]
    record = Determination(
        case=case,
        round=case.round,
        reviewer=None,
        reviewer_licensure=list(reviewer["licensure"]),
        reviewer_certifications=list(reviewer["certifications"]),
        clinical_summary=determination["clinical_summary"],
        decision_date=determination["decision_date"],
        status=DeterminationStatus.ISSUED,
        imported=True,
    )
    record.full_clean()
    record.save()
    for decision in determination["decisions"]:
        citation = decision["citation"]
        item_decision = ItemDecision(
            determination=record,
            item=items[decision["item"] - 1],
            outcome=decision["outcome"],
            citation_kind=citation["kind"],
            citation_text=citation["text"],
            rationale=decision["rationale"],
        )
        item_decision.full_clean()
        item_decision.save()
    # Not a lifecycle transition: the review happened in another system, so there is no
    # assignment, review or approval here to pass through. The case arrives as issued history.
    case.status = CaseStatus.ISSUED
    case.due_on = current_due_on(case)
    case.save(update_fields=["status", "due_on", "updated_at"])
    events.case_imported(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        status=case.status,
    )
    return record
