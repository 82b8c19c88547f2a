"""Reads of the reviewer side's determination: the reviewer's queue, the workspace, the guideline
catalog, the comments of the last returned round."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, Prefetch, prefetch_related_objects

from audit.models import AuditKind
from audit.selectors import objects_read_by
from cases.access import case_get_for, own_get_for
from cases.lifecycle.models import CaseOutcome, CaseStatus
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.selectors import records_in_file
from reviews.assignment.models import VISIBLE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from reviews.assignment.selectors import expedited_first_on_case
from reviews.determination.models import (
    Determination,
    DeterminationStatus,
    GuidelineFamily,
    GuidelineSource,
    ItemComment,
    ItemDecision,
    QualityOutcome,
    QualityReview,
    case_outcome,
)
from reviews.determination.status_table import (
    STAGES_FINISHED,
    STAGES_NEEDING_REVIEWER,
    STAGES_OPEN,
    DeterminationAction,
    Stage,
    determination_actions,
)

# --- The determination workspace and quality review (SPEC section 5) ---------------------------


def outcome_label(outcome) -> str:
    """A determination's outcome as the pages print it ("Upheld"); empty until decided."""

    return CaseOutcome(outcome).label if outcome else ""


class ReviewerCase:
    """One row of a reviewer's dashboard: the assignment, its case and where the draft stands."""

    def __init__(self, assignment, determination):
        self.assignment = assignment
        self.case = assignment.case
        self.determination = determination

    @property
    def clock(self):
        return self.case.clock

    @property
    def stage(self) -> str:
        """Where the reviewer's work stands, in their words."""
        return Stage(self.stage_key).label

    @property
    def stage_key(self) -> Stage:
        if self.case.status == CaseStatus.TERMINATED:
            return Stage.CLOSED
        if self.assignment.status == AssignmentStatus.ASSIGNED:
            return Stage.ASSIGNED
        return Stage(self.determination.status if self.determination else Stage.DRAFT)

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.determination.outcome if self.determination else None)

    @property
    def needs_action(self) -> bool:
        return self.stage_key in STAGES_NEEDING_REVIEWER


# The finished history is paged: the busiest reviewer has thousands of finished cases, and the
# dashboard is for the work still to do (issue 12's profile: 1.3 s and 657 KB at 1,877 cases).
FINISHED_PAGE_SIZE = 25


# The open cases are bounded by the reviewer's capacity, but a page is bounded regardless: the
# first OPEN_PAGE_SIZE due, each with its computed clock and items' deadlines, and at most
# WAITING_SHOWN new assignments as cards (the others are in the open list).
OPEN_PAGE_SIZE = 50
WAITING_SHOWN = 10


@dataclass
class ReviewerDashboard:
    """What a reviewer's dashboard shows: the new assignments drawn as cards, one page of the
    open cases, one page of the finished history (the most recent first), and the counts of
    every open case."""

    waiting: list[ReviewerCase]
    waiting_more: int
    open_page: Page
    finished: list[ReviewerCase]
    finished_page: int
    finished_more: bool
    counts: dict[str, int]


def reviewer_rows_prepare(rows, waiting) -> None:
    """Reads what the rows a page draws print: their cases' items, and the parties of the new
    assignments drawn as cards (the reviewer checks them for a conflict). Two queries,
    whatever the number of open cases."""
    prefetch_related_objects([row.case for row in rows], "items")
    prefetch_related_objects([row.case for row in waiting], "parties")


def reviewer_dashboard(user, *, open_page=1, finished_page: int = 1) -> ReviewerDashboard:
    """A reviewer's dashboard (nobody else's cases): every open case counted (the counts read
    each one's stored deadline), one page of them drawn, what is due first; a terminated
    case's open assignment ends its review, so it shows with the finished ones."""
    rows, finished, finished_page, finished_more = _reviewer_rows(user, finished_page)
    waiting = [row for row in rows if row.stage_key == Stage.ASSIGNED]
    open_rows = [row for row in rows if row.stage_key in STAGES_OPEN]
    closed = [row for row in rows if row.stage_key in STAGES_FINISHED]
    page = Paginator(open_rows, OPEN_PAGE_SIZE).get_page(open_page)
    finished = closed + finished
    waiting_shown = waiting[:WAITING_SHOWN]
    reviewer_rows_prepare([*waiting_shown, *page.object_list, *finished], waiting_shown)
    return ReviewerDashboard(
        waiting=waiting_shown,
        waiting_more=len(waiting) - len(waiting_shown),
        open_page=page,
        finished=finished,
        finished_page=finished_page,
        finished_more=finished_more,
        counts={
            "open": len(open_rows),
            "to_do": sum(1 for row in rows if row.needs_action),
            "returned": sum(1 for row in rows if row.stage_key == Stage.RETURNED),
            "overdue": sum(1 for row in open_rows if row.case.list_clock.overdue),
        },
    )


def _reviewer_rows(user, finished_page: int) -> tuple[list, list, int, bool]:
    """A reviewer's own cases of the current round (nobody else's): every open one, what is due
    first (expedited before standard on the same day), then one page of the finished ones, the
    most recent first. Queries are constant in the number of rows: no rationale or summary
    text, the decisions' outcomes only (their model ordering joins the items, which scanned
    every item in the database, so the prefetch orders by nothing)."""

    finished_page = max(1, finished_page)
    mine = Assignment.objects.filter(reviewer=user, round=F("case__round")).select_related("case")
    open_assignments = list(
        mine.filter(status__in=(AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED)).order_by(
            F("case__due_on").asc(nulls_last=True),
            expedited_first_on_case(),
            "case__case_number",
        )
    )
    start = (finished_page - 1) * FINISHED_PAGE_SIZE
    finished_assignments = list(
        mine.filter(status=AssignmentStatus.COMPLETED).order_by("-assigned_at", "-pk")[
            start : start + FINISHED_PAGE_SIZE + 1
        ]
    )
    finished_more = len(finished_assignments) > FINISHED_PAGE_SIZE
    finished_assignments = finished_assignments[:FINISHED_PAGE_SIZE]
    assignments = open_assignments + finished_assignments
    cases = [assignment.case for assignment in assignments]
    decisions = Prefetch(
        "decisions",
        queryset=ItemDecision.objects.only("id", "determination_id", "outcome").order_by(),
    )
    determinations = {
        (determination.case_id, determination.round): determination
        for determination in Determination.objects.filter(
            reviewer=user, case__in=[case.pk for case in cases]
        )
        .only("id", "case_id", "round", "status", "decision_date")
        .prefetch_related(decisions)
    }

    def row(assignment):
        return ReviewerCase(assignment, determinations.get((assignment.case_id, assignment.round)))

    return (
        [row(a) for a in open_assignments],
        [row(a) for a in finished_assignments],
        finished_page,
        finished_more,
    )


class Workspace:
    """What a reviewer's case workspace needs: the case, their live assignment for its round,
    and the draft (None until they accept)."""

    def __init__(self, case, assignment, determination):
        self.case = case
        self.assignment = assignment
        self.determination = determination

    @property
    def accepted(self) -> bool:
        return self.assignment.status in (AssignmentStatus.ACCEPTED, AssignmentStatus.COMPLETED)

    @property
    def editable(self) -> bool:
        return bool(
            self.determination
            and DeterminationAction.EDIT in determination_actions(self.determination)
            and self.assignment.status == AssignmentStatus.ACCEPTED
            and Action.EDIT_DETERMINATION in allowed_actions(self.case)
        )


def workspace_for(user, case_number: str) -> Workspace:
    """The reviewer's workspace for a case, or 404: a case that is not theirs, or not theirs in
    this round, looks the same as one that does not exist."""

    case = case_get_for(user, case_number)
    assignment = own_get_for(
        user,
        Assignment.objects,
        case=case,
        round=case.round,
        status__in=VISIBLE_ASSIGNMENT_STATUSES,
    )
    determination = determination_load(
        Determination.objects.filter(case=case, round=case.round, reviewer=user)
    )
    if determination is not None:
        # The case as loaded here, parties prefetched: the review step's warnings read them.
        determination.case = case
    return Workspace(case, assignment, determination)


def determination_load(queryset):
    """One determination with what the workspace and the review pages read from it."""

    return (
        queryset.select_related("case", "reviewer")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=ItemDecision.objects.select_related("item", "guideline").order_by(
                    "item__position"
                ),
            ),
            Prefetch(
                "quality_reviews",
                queryset=QualityReview.objects.select_related("reviewer").prefetch_related(
                    Prefetch(
                        "item_comments",
                        queryset=ItemComment.objects.select_related("decision__item"),
                    )
                ),
            ),
        )
        .first()
    )


def case_records_for(user, case) -> list:
    """The case's medical records, each marked `opened` if this user has opened it."""
    opened = records_opened_by(user, case)
    records = list(records_in_file(case))
    for record in records:
        record.opened = record.pk in opened
    return records


def records_opened_by(user, case) -> set[int]:
    """Ids of the case's records this user has opened (from the audit log)."""
    opened = objects_read_by(user, case_number=case.case_number, kind=AuditKind.RECORD)
    return {int(record_id) for record_id in opened if record_id.isdigit()}


def guideline_search(query: str = "", *, limit: int = 60):
    """Catalog entries matching every word of `query`, in the evidence order of
    8 CCR 9792.21.1 (MTUS first), grouped by family: [(family label, [entries])]."""

    entries = list(GuidelineSource.objects.filter(active=True))
    words = [word.lower() for word in query.split() if word.strip()]
    if words:
        entries = [
            entry
            for entry in entries
            if all(
                word in f"{entry.citation_text} {entry.get_family_display()}".lower()
                for word in words
            )
        ]
    # Within a family, the catalog's own order (chapters as the guideline orders them).
    entries.sort(key=lambda entry: (entry.evidence_rank, entry.pk))
    groups: dict[str, list] = {}
    for entry in entries[:limit]:
        groups.setdefault(entry.family, []).append(entry)
    labels = dict(GuidelineFamily.choices)
    return [
        (family, labels[family], groups[family])
        for family in GuidelineFamily.values
        if family in groups
    ]


def item_comments_latest(determination) -> dict[int, list]:
    """The quality reviewer's comments of the last returned round, by item decision id: what
    the reviewer is asked to change now."""
    rounds = [
        r for r in determination.quality_reviews.all() if r.outcome == QualityOutcome.RETURNED
    ]
    if not rounds:
        return {}
    latest = max(rounds, key=lambda r: r.number)
    comments: dict[int, list] = {}
    for comment in latest.item_comments.all():
        comments.setdefault(comment.decision_id, []).append(comment)
    return comments


# --- What the case file's eligibility screen asks (cases.registry) ----------------------------


def issued_item_decisions(item_ids) -> dict[int, tuple]:
    """{item id: (decision date, outcome)} of the given items decided in an issued
    determination; one query, whatever the number of items."""
    rows = ItemDecision.objects.filter(
        item_id__in=item_ids, determination__status=DeterminationStatus.ISSUED
    ).values_list("item_id", "determination__decision_date", "outcome")
    return {item_id: (decided_on, outcome) for item_id, decided_on, outcome in rows}


def issued_outcomes(case_ids) -> dict[int, str]:
    """{case id: outcome} of the given cases' latest issued determinations (SPEC section 5: upheld,
    overturned or partially overturned, from the item decisions); one query for a page of cases."""
    rows = (
        ItemDecision.objects.filter(
            determination__case_id__in=case_ids, determination__status=DeterminationStatus.ISSUED
        )
        .order_by()
        .values_list("determination__case_id", "determination__round", "outcome")
    )
    latest: dict[int, tuple[int, list[str]]] = {}
    for case_id, round_, outcome in rows:
        kept = latest.get(case_id)
        if kept is None or round_ > kept[0]:
            latest[case_id] = (round_, [outcome])
        elif round_ == kept[0]:
            kept[1].append(outcome)
    outcomes = {case_id: case_outcome(found) for case_id, (_, found) in latest.items()}
    return {case_id: outcome for case_id, outcome in outcomes.items() if outcome}
