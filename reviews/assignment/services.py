"""Assigning reviewers, one case at a time or as an optimal batch (SPEC section 4). Each function
is one business step in one transaction and writes its case event."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.models import Role, User
from accounts.notifications import (
    NOTIFICATION_MAX,
    notifications_settled,
    notifications_settled_for_all,
    notify,
)
from cases.casefile.forms import MAX_MATCHING
from cases.clock.deadlines import add_business_days
from cases.formatting import cases_counted, first_and_more, us_datetime
from cases.forms import NOTE_MAX_CHARS
from cases.jsoncheck import visible_strip
from cases.lifecycle import events
from cases.lifecycle.models import CLOSED_STATUSES, Case, CaseStatus, Priority
from cases.lifecycle.services import case_lock, case_status_set, case_transition_check
from cases.lifecycle.status_table import Action, statuses_allowing
from cases.lifecycle.statuses import WITH_A_REVIEWER_STATUSES
from cases.outbox.services import follow_up_add
from cases.reminders.services import ACCEPT_REMINDER_TITLES

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
    AssignmentStatus,
    CaseConflict,
    PlanRun,
    PlanRunStatus,
)
from reviews.assignment.selectors import assignments_for_reviewer, cases_waiting_for_reviewer
from reviews.roster.models import ReviewerProfile

if TYPE_CHECKING:
    from reviews.assignment.matching import Plan

# How a reviewer's notification of a new assignment begins (answered when they accept or
# decline: acceptance_settled).
NEW_CASE_TEXT = "New case for you: "

# Before the determination is submitted, an administrator may take the case back.
UNASSIGNABLE_STATUSES = statuses_allowing(Action.UNASSIGN_REVIEWER)


# --- Assignment (SPEC section 4) --------------------------------------------------------------


class AssignmentRefused(ValidationError):
    """The rules exclude this reviewer, or the case is no longer waiting for one."""


class ReviewerExcluded(AssignmentRefused):
    """The rules exclude this reviewer: said to whoever assigns with the reviewer's name (from
    QA: a refused reassignment gave the reasons alone, and which reviewer was refused had to be
    guessed). The case's history keeps the reasons alone (`reasons`): it names the reviewer by
    its own rules (Lab. Code 4610.6(f))."""

    def __init__(self, reviewer, reasons):
        self.reasons = list(reasons)
        super().__init__([f"{reviewer.display_name} cannot take this case:", *self.reasons])


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
        raise ReviewerExcluded(reviewer, candidate.reasons)
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

    # In the app beside the e-mail; urgent when expedited: its whole review takes 3 days
    # (Lab. Code 4610.6(d)).
    due = f", due {case.due_on:%m/%d/%Y}" if case.due_on else ""
    notify(
        [reviewer],
        text=f"{NEW_CASE_TEXT}{case.case_number} ({case.get_priority_display()}{due}). "
        "Accept or decline it.",
        link=reverse("determination:workspace", args=[case.case_number]),
        urgent=case.priority == Priority.EXPEDITED,
    )
    follow_up_add(
        task=tasks.assignment_notify.name,
        args=[assignment.pk],
        case=case,
        what="The reviewer will be told of the case by e-mail",
    )
    # The administrators' "the reviewer declined; the case needs a reviewer again" is answered
    # (from QA: it stayed unread, the bell's count inflated, after the case had a reviewer).
    notifications_settled_for_all(link=reverse("assignment:case_assign", args=[case.case_number]))
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
        reasons = exc.reasons if isinstance(exc, ReviewerExcluded) else exc.messages
        events.assignment_refused(case=case, actor=actor, reviewer=reviewer, reasons=reasons)
        raise
    except IntegrityError as exc:
        # The one-live-assignment constraint caught a race the lock did not (a new round).
        message = f"{case.case_number} was assigned by someone else a moment ago."
        events.assignment_refused(case=case, actor=actor, reviewer=reviewer, reasons=[message])
        raise AssignmentRefused(message) from exc


@dataclass
class BatchResult:
    plan: Plan | None  # None when a stored plan run was assigned
    assigned: list[Assignment]
    refused: list[tuple[str, str]]  # (case number, message)
    # The case numbers of the plan's rows not ticked to be assigned (plan_run_assign's `only`).
    left_out: list[str] = field(default_factory=list)


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


# --- The batch plan, worked out in the background --------------------------------------------


# The most cases one selection on the case list may plan: a page's ticks, or every case
# matching its filters (the case list's own limit).
PLAN_SELECTION_MAX = MAX_MATCHING


def plan_run_start(*, actor, case_numbers: list[str] | None = None) -> PlanRun:
    """Record a plan run and hand it to the task queue (through the outbox, in this
    transaction: with the broker down the run waits and is sent when it is back). With
    `case_numbers` (a selection on the case list) the plan covers those cases only."""
    selection = list(dict.fromkeys(case_numbers or []))[:PLAN_SELECTION_MAX]
    with transaction.atomic():
        run = PlanRun.objects.create(
            created_by=actor, progress="Waiting for a worker", case_numbers=selection
        )
        follow_up_add(
            task=tasks.plan_work_out.name,
            args=[run.pk],
            what=(
                f"The plan for the {cases_counted(len(selection))} selected will be worked out"
                if selection
                else "The batch plan will be worked out"
            ),
        )
    return run


# What a case still lacks before a reviewer, by its status: a reviewer is assigned once it is
# found eligible and its records are complete (8 CCR 9792.10.4, 9792.10.5).
NOT_READY_REASONS = {
    CaseStatus.RECEIVED: "Not ready for assignment: no eligibility finding yet, and the "
    "records are not complete.",
    CaseStatus.DEFERRED: "Not ready for assignment: deferred until the liability dispute is "
    "resolved (8 CCR 9792.10.3(a)(3), (d)); no eligibility finding yet.",
    CaseStatus.INFORMATION_REQUESTED: "Not ready for assignment: waiting for the information "
    "requested from the parties (8 CCR 9792.10.3(b), (c)); no eligibility finding yet.",
    CaseStatus.ELIGIBLE: "Not ready for assignment: found eligible, but the records are not "
    "complete.",
    CaseStatus.AWAITING_RECORDS: "Not ready for assignment: the medical records are not "
    "complete yet (8 CCR 9792.10.5).",
}


def _selection_left_out(run: PlanRun, cases: list[Case]) -> list[dict]:
    """The selected cases not in the plan's reach, each with why: not ready for a reviewer
    (its status), or no such case."""
    planned = {case.case_number for case in cases}
    statuses = dict(
        Case.objects.filter(case_number__in=run.case_numbers)
        .exclude(case_number__in=planned)
        .values_list("case_number", "status")
    )
    left_out = []
    for number in run.case_numbers:
        if number in planned:
            continue
        if number in statuses:
            status = CaseStatus(statuses[number])
            if status in CLOSED_STATUSES:
                reason = f"The case is closed ({status.label.lower()}): it is not assigned again."
            elif status in WITH_A_REVIEWER_STATUSES:
                reason = f"The case has a reviewer already ({status.label.lower()})."
            else:
                reason = NOT_READY_REASONS.get(
                    status,
                    f"Not ready for assignment: a reviewer is assigned once the records are "
                    f"complete (the case is {status.label.lower()}).",
                )
        else:
            reason = "No such case."
        left_out.append({"case": number, "reason": reason, "exists": number in statuses})
    return left_out


def _plan_progress(run: PlanRun, text: str) -> None:
    run.progress = text
    PlanRun.objects.filter(pk=run.pk).update(progress=text)


def _plan_json(plan: Plan) -> dict:
    data = plan.as_dict()
    for row, planned in zip(data["assignments"], plan.assignments, strict=True):
        row["case_id"] = planned.case_id
        row["reviewer_id"] = planned.entry.user_id
    return data


def plan_work_out(*, run_id: int, today: dt.date | None = None) -> bool:
    """The task's work: the whole roster, the waiting cases, the optimal plan, stored on the run
    with its progress along the way. A failure is recorded on the run for the page to show."""
    run = PlanRun.objects.filter(pk=run_id).first()
    if run is None or run.status in (PlanRunStatus.READY, PlanRunStatus.FAILED):
        return False
    PlanRun.objects.filter(pk=run.pk).update(status=PlanRunStatus.RUNNING)
    try:
        _plan_progress(run, "Loading the reviewer roster")
        roster = roster_load(today=today)
        _plan_progress(run, "Loading the cases waiting for a reviewer")
        waiting = cases_waiting_for_reviewer()
        if run.case_numbers:
            waiting = waiting.filter(case_number__in=run.case_numbers)
        cases = list(waiting)
        left_out = _selection_left_out(run, cases) if run.case_numbers else []
        facts = case_facts_load(cases)
        _plan_progress(
            run,
            f"Matching {cases_counted(len(cases))} against "
            f"{len(roster.entries)} reviewer{pluralize(len(roster.entries))}",
        )
        plan = assignment_plan(roster, facts)
    except Exception as exc:
        PlanRun.objects.filter(pk=run.pk).update(
            status=PlanRunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            progress="",
            finished_at=timezone.now(),
        )
        raise
    plan_json = _plan_json(plan)
    if run.case_numbers:
        plan_json["left_out"] = left_out
    PlanRun.objects.filter(pk=run.pk).update(
        status=PlanRunStatus.READY,
        plan=plan_json,
        progress="",
        finished_at=timezone.now(),
    )
    return True


def plan_run_stale(run: PlanRun, *, now: dt.datetime | None = None) -> str:
    """Why a ready plan may no longer be assigned (empty while it is fresh): it is older than
    ASSIGNMENT_PLAN_FRESH_MINUTES, or an assignment was made, answered or ended after it was
    asked for (the roster's loads and the waiting cases it matched have changed)."""
    now = now or timezone.now()
    minutes = settings.ASSIGNMENT_PLAN_FRESH_MINUTES
    if now - run.created_at > dt.timedelta(minutes=minutes):
        return f"This plan is more than {minutes} minutes old."
    since = run.created_at
    if Assignment.objects.filter(
        Q(assigned_at__gt=since) | Q(responded_at__gt=since) | Q(ended_at__gt=since)
    ).exists():
        return "Assignments have changed since this plan was worked out."
    return ""


def plan_run_assigned_text(run: PlanRun) -> str:
    """Who assigned the plan's pairs, and when: "This plan was assigned by Carmen Alvarez at
    12/04/2026 2:30 PM." """
    who = run.assigned_by.display_name if run.assigned_by else ""
    when = us_datetime(run.assigned_at)
    return f"This plan was assigned{f' by {who}' if who else ''} at {when}."


class PlanStale(ValidationError):
    """The plan is too old, or assignments changed after it: work it out again."""


def plan_run_assign(
    *, run: PlanRun, actor, only: Collection[str] | None = None, today: dt.date | None = None
) -> BatchResult:
    """Assign a ready, fresh plan's pairs (`only` those of these case numbers: the rest are
    left out, to wait for another plan or a hand). Each is made by reviewer_assign, which
    checks it again against the current rules under the case's lock; a pair the rules now
    refuse is reported, not made."""
    if run.assigned_at is None and run.status != PlanRunStatus.READY:
        raise PlanStale("This plan is not ready; work it out first.")
    rows = run.plan["assignments"]
    left_out = []
    if only is not None:
        chosen = set(only)
        left_out = [row["case"] for row in rows if row["case"] not in chosen]
        rows = [row for row in rows if row["case"] in chosen]
        if not rows:
            raise ValidationError("Tick at least one case of the plan to assign; none was.")
    if run.assigned_at is None:
        stale = plan_run_stale(run)
        if stale:
            raise PlanStale(f"{stale} Work out the plan again before assigning.")
    # Claimed once, by a conditional update: a double click, or a second administrator on the
    # same plan, is told it was assigned rather than that the plan went stale.
    claimed = PlanRun.objects.filter(pk=run.pk, assigned_at__isnull=True).update(
        assigned_at=timezone.now(), assigned_by=actor
    )
    if not claimed:
        run = PlanRun.objects.select_related("assigned_by").get(pk=run.pk)
        raise PlanStale(f"{plan_run_assigned_text(run)} Nothing more was assigned.")
    cases = Case.objects.in_bulk([row["case_id"] for row in rows])
    reviewers = User.objects.filter(role=Role.REVIEWER).in_bulk(
        [row["reviewer_id"] for row in rows]
    )
    assigned, refused = [], []

    def outcome_keep():
        outcome = {
            "assigned": [assignment.case.case_number for assignment in assigned],
            "left_out": left_out,
            "refused": [list(pair) for pair in refused],
        }
        PlanRun.objects.filter(pk=run.pk).update(outcome=outcome)

    try:
        for row in rows:
            case, reviewer = cases.get(row["case_id"]), reviewers.get(row["reviewer_id"])
            if case is None or reviewer is None:
                refused.append(
                    (row["case"], "The case is gone, or the reviewer is no longer a reviewer.")
                )
                continue
            try:
                assigned.append(
                    reviewer_assign(
                        case=case, reviewer=reviewer, actor=actor, batch=True, today=today
                    )
                )
            except ValidationError as exc:
                refused.append((row["case"], " ".join(exc.messages)))
    except BaseException:
        if not assigned:
            # Nothing made before the failure (the database, a worker stopped): the claim is
            # released, so the plan can be assigned again rather than read as assigned.
            PlanRun.objects.filter(pk=run.pk).update(assigned_at=None, assigned_by=None)
        else:
            # What was made is told; a database that cannot take this either leaves the
            # failure's own error to be seen.
            with contextlib.suppress(DatabaseError):
                outcome_keep()
        raise
    outcome_keep()
    return BatchResult(plan=None, assigned=assigned, refused=refused, left_out=left_out)


def plan_run_results(run: PlanRun) -> dict | None:
    """What the plan's assignment did (PlanRun.outcome, kept by plan_run_assign), with each of
    its rows and its result (from QA: after the assignment, a case not ticked was still listed
    as if assigned). None before it is assigned, or for a run assigned before results were
    kept."""
    if not run.assigned_at or not run.outcome:
        return None
    made = set(run.outcome["assigned"])
    unticked = set(run.outcome["left_out"])
    refused = dict(run.outcome["refused"])

    def result(number: str) -> str:
        if number in made:
            return "assigned"
        if number in unticked:
            return "unticked"
        # Neither made nor refused: the assignment stopped (a failure) before it came to it.
        return "refused" if number in refused else "not_reached"

    rows = [
        {**row, "result": result(row["case"]), "refusal": refused.get(row["case"], "")}
        for row in run.plan["assignments"]
    ]
    return {
        "rows": rows,
        "assigned": len(made),
        "unticked": run.outcome["left_out"],
        "refused": len(refused),
        "not_reached": sum(row["result"] == "not_reached" for row in rows),
    }


# --- Unassigning and reassigning (an administrator's lever) -----------------------------------

# A reason typed for ending an assignment (an administrator's unassignment, a reviewer's
# decline): e-mailed, kept in the history and quoted on the Assign page. As long as the case
# page's notes may be.
REASON_MAX_CHARS = NOTE_MAX_CHARS


def reason_checked(reason: str, *, missing: str) -> str:
    """The reason as kept (outer blanks off); ValidationError with `missing` when there is
    none, or when it is longer than REASON_MAX_CHARS."""
    reason = visible_strip(reason or "")
    if not reason:
        raise ValidationError(missing)
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            f"The reason is {len(reason):,} characters long; keep it to {REASON_MAX_CHARS:,}."
        )
    return reason


class UnassignRefused(ValidationError):
    """The case has no reviewer to take back, or its determination is with quality review or
    past it."""


def reviewer_unassign(
    *,
    case: Case,
    actor,
    reason: str,
    new_reviewer=None,
    assignment_id: int | None = None,
    assignment_status: str | None = None,
    today: dt.date | None = None,
) -> Assignment | None:
    """Take the case back from its reviewer before the determination is submitted, or after
    quality review returned it: the assignment ends (withdrawn, with who, when and why), an
    unsubmitted draft is discarded and a returned determination withdrawn (kept), the old
    reviewer is told (e-mail through the outbox, and in the app), and the case waits for a
    reviewer again, or goes straight to `new_reviewer` (checked by the same rules as any
    assignment; refused, nothing changes). `assignment_id`, the assignment the page showed:
    if another administrator has reassigned the case since, nothing changes (the reason was
    written about the reviewer on that page). `assignment_status`, its status as the page
    showed it: a reviewer who accepted since has a draft the page's warning did not name, so
    nothing changes either. Returns the new assignment, if any."""
    reason = reason_checked(reason, missing="Say why the reviewer is unassigned.")
    with transaction.atomic():
        case = case_lock(case)
        current = (
            Assignment.objects.select_for_update()
            .select_related("reviewer")
            .filter(
                case=case,
                round=case.round,
                status__in=[AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED],
            )
            .first()
        )
        if current is None or case.status not in UNASSIGNABLE_STATUSES:
            raise UnassignRefused(
                f"{case.case_number} has no reviewer to unassign "
                f"({case.get_status_display().lower()})."
            )
        if assignment_id is not None and current.pk != assignment_id:
            raise UnassignRefused(
                f"{case.case_number} was reassigned to {current.reviewer.display_name} "
                "after this page was opened; nothing was changed. Look at the case again "
                "before unassigning."
            )
        if (
            assignment_status == AssignmentStatus.ASSIGNED
            and current.status == AssignmentStatus.ACCEPTED
        ):
            # From QA: a page opened while the reviewer had not answered took the case back
            # after they accepted, and their draft went, with a reason written about a reviewer
            # who had not answered.
            accepted = f" at {us_datetime(current.responded_at)}" if current.responded_at else ""
            raise UnassignRefused(
                f"{current.reviewer.display_name} accepted {case.case_number}{accepted}, after "
                "this page was opened; taking it back now would also discard their draft. "
                "Nothing was changed: look at the case again before unassigning."
            )
        if new_reviewer is not None and new_reviewer.pk == current.reviewer_id:
            raise UnassignRefused("Choose a different reviewer to reassign the case to.")
        now = timezone.now()
        current.status = AssignmentStatus.WITHDRAWN
        current.ended_at = now
        current.ended_by = actor
        current.end_reason = reason
        current.save(update_fields=["status", "ended_at", "ended_by", "end_reason"])
        # The next reviewer starts afresh: a draft is discarded, a returned determination is
        # withdrawn and kept (Determination.objects.reviewer_taken_off).
        discarded, withdrawn = case.determinations.filter(round=case.round).reviewer_taken_off()
        from_status = case_status_set(case=case, to_status=CaseStatus.RECORDS_COMPLETE)
        events.reviewer_unassigned(
            case=case,
            actor=actor,
            assignment=current,
            reason=reason,
            reassigned=new_reviewer is not None,
            draft_discarded=bool(discarded),
            determination_withdrawn=bool(withdrawn),
            from_status=from_status,
        )
        notifications_settled(
            current.reviewer, link=reverse("determination:workspace", args=[case.case_number])
        )
        acceptance_settled(assignment=current, case=case)
        notify(
            [current.reviewer],
            # The reason as the e-mail gives it (from QA: the notice alone left them guessing).
            text=f"{case.case_number} is no longer assigned to you. Reason: "
            f"{Truncator(reason.strip()).chars(300)}",
            link=reverse("determination:reviewer_dashboard"),
        )
        follow_up_add(
            task=tasks.unassignment_notify.name,
            args=[current.pk],
            case=case,
            what="The reviewer will be told by e-mail that the case was taken back",
        )
        new_assignment = None
        if new_reviewer is not None:
            # In this transaction: a refused reassignment undoes the unassignment too.
            new_assignment = _assign_locked(
                case=case, reviewer=new_reviewer, actor=actor, batch=False, today=today
            )
    return new_assignment


# --- Declines and acceptance escalations: the administrators are told ----------------------------


def _administrators():
    return list(User.objects.filter(role=Role.CASE_ADMIN, is_active=True).order_by("pk"))


# How much of a decline's reason the administrators' notification quotes.
DECLINE_REASON_SHOWN = 200


def decline_announce(*, assignment: Assignment) -> None:
    """Called in the decline's transaction: every case administrator is told in the app, and by
    e-mail through the outbox; an expedited case's decline is urgent."""
    case = assignment.case
    urgent = case.priority == Priority.EXPEDITED
    # The reviewer's "New case for you" is answered: its link no longer opens the case for them.
    notifications_settled(
        assignment.reviewer, link=reverse("determination:workspace", args=[case.case_number])
    )
    acceptance_settled(assignment=assignment, case=case)
    # Who declined and why, in the app (from QA: the case's history was the only place to
    # read them); the e-mail leaves the reviewer's name out (notifications.decline_notify).
    conflict = CaseConflict.objects.filter(case=case, reviewer=assignment.reviewer).exists()
    before = f"{case.case_number}: {assignment.reviewer.display_name} declined"
    after = ("; a conflict of interest was declared" if conflict else "") + (
        "; the case needs a reviewer again."
    )
    # The reason quoted in what the notification's 500 characters leave, its ending kept.
    room = min(DECLINE_REASON_SHOWN, NOTIFICATION_MAX - len(before) - len(after) - 4)
    reason = " ".join(assignment.decline_reason.split())
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)].rstrip() + "…" if room > 1 else ""
    notify(
        _administrators(),
        text=before + (f" (“{reason}”)" if reason else "") + after,
        link=reverse("assignment:case_assign", args=[case.case_number]),
        urgent=urgent,
    )
    follow_up_add(
        task=tasks.decline_notify.name,
        args=[assignment.pk],
        case=case,
        what="The case administrators will be told of the decline by e-mail",
    )


# How many cases the deactivation's notification names before "and 3 more" (its text is
# kept to 500 characters).
CASES_NAMED_IN_NOTIFICATION = 10


def reviewer_deactivated_announce(user) -> None:
    """Registered with accounts.deactivation: a reviewer whose login is deactivated while
    holding open cases leaves each to be reassigned, so every case administrator is told in the
    app, with the cases and a link to the reviewer's list of them (from QA: only the system
    administrator who unticked "Active" was told, once; an expedited case due in three days
    waited on someone who could no longer sign in). Urgent when one of them is expedited."""
    held = list(assignments_for_reviewer(user).prefetch_related(None))
    if not held:
        return
    numbers = [assignment.case.case_number for assignment in held]
    shown, more = first_and_more(numbers, CASES_NAMED_IN_NOTIFICATION)
    named = ", ".join(shown) + (f" and {more} more" if more else "")
    profile = ReviewerProfile.objects.filter(user=user).only("pk").first()
    link = (
        reverse("reports:reviewer_open_cases", args=[profile.pk])
        if profile is not None
        else reverse("assignment:case_assign", args=[numbers[0]])
    )
    count = len(numbers)
    notify(
        _administrators(),
        text=(
            f"{user.display_name}'s login was deactivated; "
            f"{count} open case{'' if count == 1 else 's'} ({named}) "
            f"{'waits' if count == 1 else 'wait'} to be reassigned."
        ),
        link=link,
        urgent=any(assignment.case.priority == Priority.EXPEDITED for assignment in held),
    )


def accept_by(assignment: Assignment) -> dt.datetime:
    """When the reviewer should have answered: ACCEPT_ESCALATION_EXPEDITED_HOURS after an
    expedited assignment, ACCEPT_ESCALATION_BUSINESS_DAYS business days after a standard one
    (the same time of day)."""
    assigned = timezone.localtime(assignment.assigned_at)
    if assignment.case.priority == Priority.EXPEDITED:
        # Hours that pass, counted in UTC: local wall-clock arithmetic would give 25 hours for
        # 24 over the night the clocks go back, and 23 over the night they go forward.
        elapsed = assignment.assigned_at.astimezone(dt.UTC) + dt.timedelta(
            hours=settings.ACCEPT_ESCALATION_EXPEDITED_HOURS
        )
        return timezone.localtime(elapsed)
    day = add_business_days(assigned.date(), settings.ACCEPT_ESCALATION_BUSINESS_DAYS)
    return assigned + dt.timedelta(days=(day - assigned.date()).days)


def _escalation_link(case) -> str:
    """Where an escalation leads: the case's next step. A link of its own (no other notice
    points at the panel), so the answer finds these notifications alone."""
    return reverse("casefile:case_detail", args=[case.case_number]) + "#workflow"


def acceptance_settled(*, assignment: Assignment, case: Case) -> None:
    """Called in the transaction of the reviewer's answer (accepted or declined) or the case's
    unassignment: the reviewer's "New case for you … Accept or decline it" and any reminder to
    answer it are answered, and
    the administrators' "has not accepted" for it is read, since nothing is left to chase (the
    e-mail, if still waiting, is not sent: acceptance_escalation_notify)."""
    workspace = reverse("determination:workspace", args=[case.case_number])
    # The reminders to answer it too (from QA: one stayed unread until the determination was
    # submitted).
    for text in (NEW_CASE_TEXT, *ACCEPT_REMINDER_TITLES):
        notifications_settled(assignment.reviewer, link=workspace, text_startswith=text)
    if assignment.escalated_at is not None:
        notifications_settled_for_all(link=_escalation_link(case))


def acceptances_escalate(*, now: dt.datetime | None = None) -> int:
    """Run by beat: each assignment still waiting for the reviewer's answer past `accept_by` is
    escalated to the case administrators, once (Assignment.escalated_at). An accepted,
    declined or withdrawn assignment, or a case no longer waiting on it, is not."""
    now = now or timezone.now()
    earliest = now - dt.timedelta(hours=settings.ACCEPT_ESCALATION_EXPEDITED_HOURS)
    waiting = (
        Assignment.objects.filter(
            status=AssignmentStatus.ASSIGNED,
            escalated_at__isnull=True,
            case__status=CaseStatus.REVIEWER_ASSIGNED,
            assigned_at__lte=earliest,
        )
        .select_related("case", "reviewer")
        .order_by("assigned_at")
    )
    admins = None
    sent = 0
    for assignment in waiting.iterator(chunk_size=500):
        due = accept_by(assignment)
        if due > now:
            continue
        if admins is None:
            admins = _administrators()
        with transaction.atomic():
            # Once: only the row still unescalated and still waiting is marked.
            marked = Assignment.objects.filter(
                pk=assignment.pk, escalated_at__isnull=True, status=AssignmentStatus.ASSIGNED
            ).update(escalated_at=now)
            if not marked:
                continue
            case = assignment.case
            due_text = us_datetime(due)
            events.acceptance_escalated(
                case=case,
                assignment=assignment,
                recipients=[admin.email for admin in admins if admin.email],
                due_at=due_text,
            )
            notify(
                admins,
                text=f"{case.case_number}: the reviewer has not accepted (was due by {due_text}).",
                link=_escalation_link(case),
                urgent=case.priority == Priority.EXPEDITED,
            )
            follow_up_add(
                task=tasks.acceptance_escalation_notify.name,
                args=[assignment.pk],
                case=case,
                what="The case administrators will be told by e-mail",
            )
            sent += 1
    return sent
