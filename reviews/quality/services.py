"""Quality review's writes: return a determination with comments, or approve it for issue. Each
function is one business step in one transaction and writes its case event."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.notifications import notifications_settled_for_all, notify
from cases.access import Ability, may
from cases.formatting import us_date_at
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.models import CaseStatus, Priority
from cases.lifecycle.services import case_status_move
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.services import follow_up_add
from reviews.assignment.models import (
    Assignment,
    AssignmentStatus,
)
from reviews.determination.models import (
    ConsistencyFlag,
    DeterminationStatus,
    FlagResolution,
    ItemComment,
    QualityOutcome,
    QualityReview,
)
from reviews.determination.services import (
    _determination_lock,
)
from reviews.determination.status_table import DeterminationAction, determination_actions
from reviews.determination.warnings import (
    contradictions_confirmed,
    identifiers_unconfirmed,
    review_warnings,
)
from reviews.quality import tasks
from reviews.quality.changes import determination_as_returned

if TYPE_CHECKING:
    pass


# --- Quality review (SPEC section 5, after step 6) ---------------------------------------------


# What follows an approval (the letter is requested) belongs to the letters room, which sits
# above this one: it registers here at start-up (reviews.apps.ReviewsConfig.ready), and the
# approval runs it inside its own transaction, so both happen or neither.
_after_approval: list[Callable[..., object]] = []


def after_approval_register(follow_up: Callable[..., object]) -> None:
    if follow_up not in _after_approval:
        _after_approval.append(follow_up)


def quality_review_refusal(determination) -> str:
    """Why no quality decision can be made on the determination now; '' when one is awaited:
    the determination is submitted and its case still waits for quality review (a review
    terminated after submission, treatment authorized or application withdrawn, waits for
    nothing)."""
    if DeterminationAction.QUALITY_REVIEW not in determination_actions(determination):
        return (
            f"This determination is {determination.get_status_display().lower()}, not waiting "
            "for quality review."
        )
    if Action.REVIEW_QUALITY not in allowed_actions(determination.case):
        return (
            f"The case is {determination.case.get_status_display().lower()}: the review has "
            "ended, and its determination is kept as submitted. Nothing is left to approve "
            "or return."
        )
    return ""


def quality_review_stale(determination, seen_version: int | None) -> str:
    """Why a decision sent from a page that showed `seen_version` of the determination must not
    stand: it was returned and submitted again since that page was drawn, so the decision
    would be about text the medical director never read. '' when the page was current (or
    says nothing of its version)."""
    if seen_version is None or seen_version == determination.version:
        return ""
    when = determination.submitted_at
    return (
        "The reviewer submitted this determination again"
        + (f" on {us_date_at(when)}" if when else "")
        + ", after your page was opened. Nothing was approved or returned: read this "
        "version, then decide."
    )


def _quality_check(determination, actor, seen_version: int | None = None) -> None:

    if not may(actor, Ability.QUALITY_REVIEW):
        raise ValidationError("Only a quality reviewer can approve or return a determination.")
    if determination.reviewer_id == actor.pk:
        raise ValidationError("A determination cannot be quality-reviewed by its own author.")
    refusal = quality_review_refusal(determination)
    if refusal:
        raise ValidationError(refusal)
    stale = quality_review_stale(determination, seen_version)
    if stale:
        raise ValidationError(stale, code="stale_version")


def _quality_round(
    determination, *, actor, outcome: str, comment: str, returned: dict | None = None
):
    # What quality review was told of this submission ("submitted again after your return",
    # an expedited one told to all) is answered, whoever answers it (from QA: the bell kept it
    # unread after the approval).
    notifications_settled_for_all(
        link=reverse("quality:quality_review", args=[determination.case.case_number])
    )
    last = determination.quality_reviews.aggregate(last=Max("number"))["last"] or 0
    review = QualityReview(
        determination=determination,
        number=last + 1,
        reviewer=actor,
        outcome=outcome,
        comment=comment,
        returned_as=returned or {},
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def determination_return(
    *,
    determination,
    actor,
    comment: str,
    item_comments: dict[int, str] | None = None,
    seen_version: int | None = None,
):
    """Send a submitted determination back to its reviewer with comments (general, and per
    item, shown on that item). Each round is kept; the reviewer edits and submits again.
    `seen_version` is the version the deciding page showed (quality_review_stale)."""

    determination = _determination_lock(determination)
    _quality_check(determination, actor, seen_version)
    comment = visible_strip(comment or "")
    decisions = {decision.pk: decision for decision in determination.decisions.all()}
    notes = {}
    for decision_id, text in (item_comments or {}).items():
        text = visible_strip(text or "")
        if not text:
            continue
        decision = decisions.get(int(decision_id))
        if decision is None:
            raise ValidationError("A comment names an item of another determination.")
        notes[decision] = text
    if not comment and not notes:
        raise ValidationError("Say what the reviewer should change: a comment is required.")
    review = _quality_round(
        determination,
        actor=actor,
        outcome=QualityOutcome.RETURNED,
        comment=comment,
        returned=determination_as_returned(determination, list(decisions.values())),
    )
    for decision, text in notes.items():
        item_comment = ItemComment(quality_review=review, decision=decision, text=text)
        item_comment.full_clean()
        item_comment.save()
    determination.status = DeterminationStatus.RETURNED
    determination.version += 1
    determination.save(update_fields=["status", "version", "updated_at"])
    case, from_status = case_status_move(determination.case, to_status=CaseStatus.RETURNED)
    events.determination_returned(
        case=case,
        actor=actor,
        determination=determination,
        quality_review=review,
        from_status=from_status,
    )
    # The reviewer is told in the app and by e-mail, as of a new case: the clock runs on while
    # it waits with them (urgent when expedited, whose whole review takes 3 days).
    due = f", due {case.due_on:%m/%d/%Y}" if case.due_on else ""
    notify(
        [determination.reviewer],
        text=f"{case.case_number} was returned to you with comments{due}. Revise and submit "
        "it again.",
        link=reverse("determination:workspace", args=[case.case_number]),
        urgent=case.priority == Priority.EXPEDITED,
    )
    follow_up_add(
        task=tasks.return_notify.name,
        args=[review.pk],
        case=case,
        what="The reviewer will be told by e-mail that the determination came back",
    )
    # A consistency flag still open goes back with the determination: "returned" (issue 13).
    open_flags = determination.consistency_flags.filter(resolution=FlagResolution.OPEN)
    for flag in open_flags.select_related("decision__item"):
        flag.determination = determination
        _flag_record(
            flag,
            actor=actor,
            resolution=FlagResolution.RETURNED,
            note="Returned with the determination.",
        )
    return review


# --- Consistency flags (issue 13) -------------------------------------------------------------

FLAG_RESOLUTIONS = (FlagResolution.CONSISTENT, FlagResolution.RETURNED)


def _flag_record(flag: ConsistencyFlag, *, actor, resolution: str, note: str) -> ConsistencyFlag:
    flag.resolution = resolution
    flag.resolved_by = actor
    flag.resolved_at = timezone.now()
    flag.note = note
    flag.full_clean()
    flag.save(update_fields=["resolution", "resolved_by", "resolved_at", "note"])
    events.consistency_recorded(
        case=flag.determination.case,
        actor=actor,
        flag=flag,
        item_position=flag.decision.item.position,
    )
    return flag


@transaction.atomic
def consistency_flag_resolve(
    *, flag: ConsistencyFlag, actor, resolution: str, note: str = ""
) -> ConsistencyFlag:
    """The medical director's word on a consistency flag: "consistent" (the decision stands
    against its precedents) or "returned" (sent back, usually with the determination). Never
    blocks approval; recorded once, with a case event."""

    determination = _determination_lock(flag.determination)
    if not may(actor, Ability.QUALITY_REVIEW):
        raise ValidationError("Only a quality reviewer can record a consistency flag.")
    if determination.reviewer_id == actor.pk:
        raise ValidationError("A determination cannot be quality-reviewed by its own author.")
    flag = (
        ConsistencyFlag.objects.select_for_update(of=("self",))
        .select_related("decision__item")
        .get(pk=flag.pk)
    )
    flag.determination = determination
    if flag.resolution != FlagResolution.OPEN:
        raise ValidationError(
            f"This flag was already recorded as {flag.get_resolution_display().lower()}."
        )
    if resolution not in FLAG_RESOLUTIONS:
        raise ValidationError("Choose “consistent” or “returned” for the flag.")
    return _flag_record(flag, actor=actor, resolution=resolution, note=(note or "").strip())


CONTRADICTIONS_READ = (
    "The reviewer confirmed a decision its rationale's conclusion seems to contradict. Read "
    "the rationale, then tick that the decision is right to approve, or return it:"
)


@transaction.atomic
def determination_approve(
    *,
    determination,
    actor,
    comment: str = "",
    seen_version: int | None = None,
    contradictions_read: bool = False,
):
    """Approve a submitted determination for issue: the case is approved, the reviewer's
    assignment is complete (it no longer counts against their open cases) and the letter is
    queued (SPEC section 6). `seen_version` is the version the deciding page showed
    (quality_review_stale). `contradictions_read`: the approver ticked that they read each
    decision the reviewer confirmed against its rationale's conclusion."""

    determination = _determination_lock(determination)
    _quality_check(determination, actor, seen_version)
    # Approval issues the public letter, which names no one (SPEC section 6): a name or
    # identifier the reviewer has not confirmed (a text changed, a party added) goes back.
    # The warnings read once for both checks (each text scanned for names and identifiers).
    warnings = review_warnings(determination)
    unconfirmed = identifiers_unconfirmed(determination, warnings)
    if unconfirmed:
        raise ValidationError(
            [
                "The letter cannot be issued: the public letter would name someone or print an "
                "identifier the reviewer has not confirmed, or one that may never be printed. "
                "Return the determination so the reviewer replaces it (or confirms a name):"
            ]
            + [warning.message for warning in unconfirmed],
            code="unconfirmed_identifiers",
        )
    contradictions = contradictions_confirmed(determination, warnings)
    if contradictions and not contradictions_read:
        raise ValidationError(
            [CONTRADICTIONS_READ] + [warning.message for warning in contradictions],
            code="contradictions_unread",
        )
    review = _quality_round(
        determination,
        actor=actor,
        outcome=QualityOutcome.APPROVED,
        comment=(comment or "").strip(),
    )
    determination.status = DeterminationStatus.APPROVED
    determination.approved_at = timezone.now()
    determination.save(update_fields=["status", "approved_at", "updated_at"])
    Assignment.objects.filter(
        case_id=determination.case_id,
        round=determination.round,
        reviewer_id=determination.reviewer_id,
        status=AssignmentStatus.ACCEPTED,
    ).update(status=AssignmentStatus.COMPLETED)
    case, from_status = case_status_move(determination.case, to_status=CaseStatus.APPROVED)
    events.determination_approved(
        case=case,
        actor=actor,
        determination=determination,
        quality_review=review,
        from_status=from_status,
        # The approver's tick, kept with what it was given for.
        contradictions_read=[warning.message for warning in contradictions],
    )
    # The reviewer learns the case is done with them (no e-mail: nothing is asked of them).
    notify(
        [determination.reviewer],
        text=f"{case.case_number} was approved by quality review: the letter is being issued.",
        link=reverse("determination:workspace", args=[case.case_number]),
    )
    for follow_up in _after_approval:
        follow_up(determination=determination, actor=actor)
    return review
