"""Reads of quality review: the queue of submitted determinations and the returned ones."""

from django.db.models import F, Prefetch
from django.http import Http404

from cases.access import case_get_for
from cases.casefile.selectors import CASE_LIST_COLUMNS
from cases.lifecycle.models import DisputedItem
from reviews.assignment.selectors import expedited_first_on_case
from reviews.determination.models import (
    ConsistencyFlag,
    Determination,
    DeterminationStatus,
    FlagResolution,
    ItemDecision,
    QualityReview,
)
from reviews.determination.selectors import determination_load

"""Reads with rules on the reviewer side."""


# What a queue row prints, and nothing more: none of a determination's long texts, and the
# case's and the reviewer's few columns a row shows (not the fifty-odd of a whole case).
QUEUE_COLUMNS = (
    "id",
    "case_id",
    "reviewer_id",
    "status",
    "submitted_at",
    "updated_at",
    *(f"case__{name}" for name in CASE_LIST_COLUMNS),
    "reviewer__username",
    "reviewer__first_name",
    "reviewer__last_name",
)


def determinations_for_quality():
    """Submitted determinations waiting for quality review: what is due first, then the
    longest waiting. A list row's columns only: the decisions' outcomes (no rationale, and no
    join to the items their model ordering would add), the rounds without their comments."""

    return (
        Determination.objects.filter(status=DeterminationStatus.SUBMITTED, imported=False)
        .select_related("case", "reviewer")
        .only(*QUEUE_COLUMNS)
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ItemDecision.objects.only("id", "determination_id", "outcome").order_by(),
            ),
            Prefetch(
                "quality_reviews",
                queryset=QualityReview.objects.only("id", "determination_id").order_by(),
            ),
            # Issue 13: the open consistency flags, stored at submission (none recomputed here).
            Prefetch(
                "consistency_flags",
                queryset=ConsistencyFlag.objects.filter(resolution=FlagResolution.OPEN)
                .only("id", "determination_id")
                .order_by(),
                to_attr="open_flags",
            ),
            Prefetch(
                "case__items",
                queryset=DisputedItem.objects.only("id", "case_id", "position", "description"),
            ),
        )
        .order_by(
            F("case__due_on").asc(nulls_last=True),
            expedited_first_on_case(),
            "submitted_at",
        )
    )


def determinations_returned():
    """Determinations back with their reviewers, for the quality reviewer's overview."""

    return (
        Determination.objects.filter(status=DeterminationStatus.RETURNED)
        .select_related("case", "reviewer")
        .only(*QUEUE_COLUMNS)
        .order_by("case__due_on", "updated_at", "pk")
    )


def determination_for_quality(user, case_number: str):
    """The current round's determination of a case, once submitted, for a quality reviewer."""

    case = case_get_for(user, case_number)
    determination = determination_load(
        Determination.objects.filter(case=case, round=case.round, imported=False).exclude(
            status=DeterminationStatus.DRAFT
        )
    )
    if determination is None:
        raise Http404("No determination to review.")
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
