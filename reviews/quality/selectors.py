"""Reads of quality review: the queue of submitted determinations and the returned ones."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import F, OuterRef, Subquery
from django.http import Http404

from accounts.models import User
from cases.access import case_get_for
from cases.formatting import us_datetime
from cases.lifecycle.models import (
    CASE_LIST_COLUMNS,
    CLOSED_STATUSES,
    Case,
    CaseEvent,
    DisputedItem,
    EventType,
)
from cases.lifecycle.status_table import DRAFT_WITH_REVIEWER_STATUSES, Action, statuses_allowing
from reviews.assignment.selectors import expedited_first_on_case
from reviews.determination.models import (
    ConsistencyFlag,
    Determination,
    DeterminationStatus,
    FlagResolution,
    QualityOutcome,
    QualityReview,
)
from reviews.determination.selectors import (
    determination_load,
    determination_outcomes,
    outcome_label,
)

"""Reads with rules on the reviewer side."""


# What a queue row prints, and nothing more: none of a determination's long texts, and the
# case's and the reviewer's few columns a row shows (not the fifty-odd of a whole case).
QUEUE_COLUMNS = (
    "id",
    "case_id",
    "reviewer_id",
    "status",
    "submitted_at",
    *(f"case__{name}" for name in CASE_LIST_COLUMNS),
)
REVIEWER_COLUMNS = ("username", "first_name", "last_name", "is_active")
RETURNED_COLUMNS = (
    *QUEUE_COLUMNS,
    *(f"reviewer__{name}" for name in REVIEWER_COLUMNS),
)


def determinations_for_quality():
    """Submitted determinations waiting for quality review: what is due first, then the
    longest waiting. A list row's columns only (what else a row prints, queue_rows_prepare
    reads for the page shown). Only cases still waiting for it: a review terminated after
    submission (treatment authorized, or withdrawn) leaves the queue, nothing is left to
    approve. The case's status also lets PostgreSQL start from the few submitted cases, and
    the determinations' columns are read from their own index (determination_awaiting_quality).
    The reviewers' names are read for the page shown (queue_rows_prepare): joined here, each of
    the waiting determinations was joined to its reviewer before the sort kept fifty."""

    return (
        Determination.objects.filter(
            status=DeterminationStatus.SUBMITTED,
            imported=False,
            case__status__in=statuses_allowing(Action.REVIEW_QUALITY),
        )
        .select_related("case")
        .only(*QUEUE_COLUMNS)
        .order_by(
            F("case__due_on").asc(nulls_last=True),
            expedited_first_on_case(),
            "submitted_at",
        )
    )


def queue_rows_prepare(determinations) -> None:
    """What a queue row prints beyond the determination's own columns, for the page shown, in
    five queries: the `reviewer` (their name's columns), and as plain values `outcome_label`
    (from the decisions' outcomes, no rationale), `rounds` (quality reviews before),
    `open_flag_ids` (issue 13: the open consistency flags, stored at submission) and
    `item_descriptions` (the case's disputed items in order).
    Prefetching them as model rows cost 25 ms of the page's 44 ms of reading at 200,000 cases
    (a queryset and instances per row, issue 12)."""
    ids = [determination.pk for determination in determinations]
    outcomes = determination_outcomes(ids)
    rounds = Counter(
        QualityReview.objects.filter(determination_id__in=ids)
        .order_by()
        .values_list("determination_id", flat=True)
    )
    flags: dict[int, list[int]] = defaultdict(list)
    for determination_id, flag_id in (
        ConsistencyFlag.objects.filter(determination_id__in=ids, resolution=FlagResolution.OPEN)
        .order_by("pk")
        .values_list("determination_id", "pk")
    ):
        flags[determination_id].append(flag_id)
    items: dict[int, list[str]] = defaultdict(list)
    for case_id, description in (
        DisputedItem.objects.filter(case_id__in={d.case_id for d in determinations})
        .order_by("case_id", "position", "pk")
        .values_list("case_id", "description")
    ):
        items[case_id].append(description)
    reviewers = User.objects.only(*REVIEWER_COLUMNS).in_bulk(
        {d.reviewer_id for d in determinations if d.reviewer_id is not None}
    )
    for determination in determinations:
        determination.reviewer = reviewers.get(determination.reviewer_id)
        determination.outcome_label = outcome_label(outcomes[determination.pk])
        determination.rounds = rounds[determination.pk]
        determination.open_flag_ids = flags[determination.pk]
        determination.item_descriptions = items[determination.case_id]


def determinations_returned():
    """Determinations back with their reviewers, for the quality reviewer's overview: only
    where the case lets its reviewer write again (not a review that ended meanwhile). Each with
    `returned_at`, when its last round returned it (its `updated_at` moves with every autosave
    of the reviewer's revision)."""

    last_return = QualityReview.objects.filter(
        determination=OuterRef("pk"), outcome=QualityOutcome.RETURNED
    ).order_by("-number")
    return (
        Determination.objects.filter(status=DeterminationStatus.RETURNED)
        .filter(case__status__in=statuses_allowing(Action.EDIT_DETERMINATION))
        .select_related("case", "reviewer")
        .only(*RETURNED_COLUMNS)
        .annotate(returned_at=Subquery(last_return.values("created_at")[:1]))
        .order_by("case__due_on", "returned_at", "pk")
    )


# How far back, and how many, the queue lists the user's own approvals.
APPROVED_RECENT_DAYS = 14
APPROVED_RECENT_SHOWN = 20


def approvals_recent_by(user, *, now) -> list[QualityReview]:
    """The user's own approvals of the last APPROVED_RECENT_DAYS, newest first, each with its
    case: the medical director's trail back to a letter just approved (from QA: an approved
    case left the queue with no way back to it but the case list). Read through the index
    quality_review_by_reviewer."""
    approvals = list(
        QualityReview.objects.filter(
            reviewer=user,
            outcome=QualityOutcome.APPROVED,
            created_at__gte=now - dt.timedelta(days=APPROVED_RECENT_DAYS),
        )
        .select_related("determination__case")
        .only(
            "created_at",
            "determination__case__case_number",
            "determination__case__status",
        )
        .order_by("-created_at", "-pk")[:APPROVED_RECENT_SHOWN]
    )
    outcomes = determination_outcomes([review.determination_id for review in approvals])
    for review in approvals:
        review.outcome_label = outcome_label(outcomes.get(review.determination_id))
    return approvals


class NothingToReview(Http404):
    """The case is there, but no determination of its current round has been submitted: the
    page says why instead of "not found" (from QA: the medical director's link to a case
    reassigned after their return said the page was gone)."""

    def __init__(self, case: Case):
        super().__init__("No determination to review.")
        self.case = case

    def explanation(self) -> str:
        case = self.case
        said = (
            f"{case.case_number} has no determination waiting for quality review: the case is "
            f"now “{case.get_status_display()}”"
        )
        changed = (
            # This round's (from the review: after a remand, an earlier round's date).
            CaseEvent.objects.filter(
                case=case, type=EventType.REVIEWER_UNASSIGNED, details__round=case.round
            )
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if changed:
            said += f", its reviewer changed on {us_datetime(changed)}"
        if case.status in CLOSED_STATUSES:
            return f"{said}."
        if case.status in DRAFT_WITH_REVIEWER_STATUSES:
            return f"{said}. It comes back to this queue when its reviewer submits a determination."
        # No reviewer on it yet (received, the screen, records): from QA, "its reviewer".
        return (
            f"{said}. It comes to this queue once a reviewer is assigned and submits a "
            "determination."
        )


def determination_for_quality(user, case_number: str):
    """The current round's determination of a case, once submitted, for a quality reviewer;
    NothingToReview when there is none."""

    case = case_get_for(user, case_number)
    determination = determination_load(
        Determination.objects.standing()
        .filter(case=case, round=case.round, imported=False)
        .exclude(status=DeterminationStatus.DRAFT)
    )
    if determination is None:
        raise NothingToReview(case)
    # The case as loaded here, parties prefetched: the identifier warnings read them.
    determination.case = case
    return determination


def consistency_flags_by_decision(determination) -> dict[int, list[ConsistencyFlag]]:
    """The determination's consistency flags (open and recorded), by item decision, in one
    query; each with who recorded it."""

    flags: dict[int, list[ConsistencyFlag]] = {}
    for flag in ConsistencyFlag.objects.filter(determination=determination).select_related(
        "resolved_by"
    ):
        flags.setdefault(flag.decision_id, []).append(flag)
    return flags
