"""Reads of the reviewer side's determination: the reviewer's queue, the workspace, the guideline
catalog, the comments of the last returned round."""

import re
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.utils import timezone

from accounts.paging import LookaheadPage
from audit.models import AuditKind
from audit.selectors import objects_read_by
from cases.access import case_get_for, own_get_for
from cases.lifecycle.clock import CLOCK_COLUMNS, ITEM_CLOCK_COLUMNS, list_clock
from cases.lifecycle.models import CaseOutcome, CaseStatus, CitationKind, DisputedItem
from cases.lifecycle.status_table import Action, allowed_actions
from cases.records.selectors import records_in_file
from reviews.assignment.models import VISIBLE_ASSIGNMENT_STATUSES, Assignment, AssignmentStatus
from reviews.assignment.selectors import expedited_first_on_case
from reviews.determination.guideline_words import catalog_term
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
from reviews.precedents.models import GuidelineSourceKind
from reviews.precedents.similar import SimilarAsk, SimilarPanel, similar_panels

# --- The determination workspace and quality review (SPEC section 5) ---------------------------


def outcome_label(outcome) -> str:
    """A determination's outcome as the pages print it ("Upheld"); empty until decided."""

    return CaseOutcome(outcome).label if outcome else ""


def stage_of(case_status: str, assignment_status: str, determination_status: str | None) -> Stage:
    """Where a reviewer's work on a case stands: a terminated case's review is over, an
    assignment not yet accepted waits for them, past that the draft's status (a draft until
    one exists)."""
    if case_status == CaseStatus.TERMINATED:
        return Stage.CLOSED
    if assignment_status == AssignmentStatus.ASSIGNED:
        return Stage.ASSIGNED
    return Stage(determination_status or Stage.DRAFT)


class ReviewerCase:
    """One row of a reviewer's dashboard: the assignment, its case and where the draft stands."""

    def __init__(self, assignment, determination, outcome: str | None = None):
        self.assignment = assignment
        self.case = assignment.case
        self.determination = determination
        # The determination's outcome, from its decisions' outcomes (read as values).
        self.outcome = outcome

    @property
    def clock(self):
        return self.case.clock

    @property
    def stage(self) -> str:
        """Where the reviewer's work stands, in their words."""
        return Stage(self.stage_key).label

    @property
    def stage_key(self) -> Stage:
        return stage_of(
            self.case.status,
            self.assignment.status,
            self.determination.status if self.determination else None,
        )

    @property
    def outcome_label(self) -> str:
        return outcome_label(self.outcome)

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
    open cases, the counts of every open case, and a page of the finished history when it is
    asked for (None: the page fetches it when the reviewer opens its panel, issue 12)."""

    waiting: list[ReviewerCase]
    waiting_more: int
    open_page: Page
    counts: dict[str, int]
    finished: LookaheadPage | None


def reviewer_rows_prepare(rows, waiting) -> None:
    """Reads what the rows a page draws print: their cases' items (what the rows and the
    clock read of them), and the parties of the new assignments drawn as cards (the reviewer
    checks them for a conflict). Two queries, whatever the number of open cases."""
    prefetch_related_objects(
        [row.case for row in rows],
        Prefetch("items", DisputedItem.objects.only(*ITEM_CLOCK_COLUMNS)),
    )
    prefetch_related_objects([row.case for row in waiting], "parties")


def reviewer_dashboard(user, *, open_page=1, finished_page=None) -> ReviewerDashboard:
    """A reviewer's dashboard (nobody else's cases): every open case counted from a few
    columns each (its stage, its stored deadline), only the rows the page draws read (ROW_COLUMNS),
    what is due first. Queries and model rows are constant in the number of open cases (the
    busiest reviewer's dashboard loaded all of them: issue 12). The finished history is read
    only for `finished_page` (reviewer_finished)."""
    current = _current_assignments(user)
    by_stage: dict[Stage, list[int]] = {}
    overdue = 0
    # One local date for every row (looking it up was a third of the counting's time).
    today = timezone.localdate()
    for row in current:
        by_stage.setdefault(row.stage, []).append(row.assignment_id)
        overdue += row.stage in STAGES_OPEN and list_clock(row, today=today).overdue
    open_ids = [row.assignment_id for row in current if row.stage in STAGES_OPEN]
    waiting_ids = by_stage.get(Stage.ASSIGNED, [])
    page = Paginator(open_ids, OPEN_PAGE_SIZE).get_page(open_page)
    waiting_shown = waiting_ids[:WAITING_SHOWN]
    rows = _reviewer_rows(user, [*waiting_shown, *page.object_list])
    waiting = [rows[pk] for pk in waiting_shown]
    page.object_list = [rows[pk] for pk in page.object_list]
    reviewer_rows_prepare([*waiting, *page.object_list], waiting)
    return ReviewerDashboard(
        waiting=waiting,
        waiting_more=len(waiting_ids) - len(waiting_shown),
        open_page=page,
        counts={
            "open": len(open_ids),
            "to_do": sum(len(by_stage.get(stage, [])) for stage in STAGES_NEEDING_REVIEWER),
            "returned": len(by_stage.get(Stage.RETURNED, [])),
            "overdue": overdue,
        },
        finished=(
            None
            if finished_page is None
            else reviewer_finished(user, page=finished_page, current=current)
        ),
    )


def reviewer_finished(user, *, page=1, current=None) -> LookaheadPage:
    """A page of the reviewer's finished work (`page` as a link gives it): a terminated case's
    open assignment ends its review, so it shows first on every page; then FINISHED_PAGE_SIZE
    completed ones, the most recent first. `current` is _current_assignments(user) when the
    caller has it."""
    current = _current_assignments(user) if current is None else current
    closed_ids = [row.assignment_id for row in current if row.stage in STAGES_FINISHED]
    completed = LookaheadPage(
        _mine(user)
        .filter(status=AssignmentStatus.COMPLETED)
        .order_by("-assigned_at", "-pk")
        .values_list("pk", flat=True),
        FINISHED_PAGE_SIZE,
        page,
    )
    shown_ids = [*closed_ids, *completed.object_list]
    rows = _reviewer_rows(user, shown_ids)
    completed.object_list = [rows[pk] for pk in shown_ids]
    reviewer_rows_prepare(completed.object_list, [])
    return completed


def _mine(user):
    """The user's own assignments of their cases' current rounds."""
    return Assignment.objects.filter(reviewer=user, round=F("case__round"))


@dataclass(frozen=True)
class _CurrentAssignment:
    """What the dashboard counts of one open assignment: its stage, and what the list's
    clock reads (Case.list_clock's columns)."""

    assignment_id: int
    stage: Stage
    status: str
    due_on: object
    deferred_on: object


def _current_assignments(user) -> list[_CurrentAssignment]:
    """Every open assignment of the user's, what is due first (expedited before standard on
    the same day), as a few columns each (one query whatever their number)."""
    draft_status = (
        Determination.objects.standing()
        .filter(case_id=OuterRef("case_id"), round=OuterRef("round"), reviewer=user)
        .values("status")[:1]
    )
    rows = (
        _mine(user)
        .filter(status__in=(AssignmentStatus.ASSIGNED, AssignmentStatus.ACCEPTED))
        .order_by(
            F("case__due_on").asc(nulls_last=True),
            expedited_first_on_case(),
            "case__case_number",
        )
        .annotate(draft_status=Subquery(draft_status))
        .values_list(
            "pk", "status", "draft_status", "case__status", "case__due_on", "case__deferred_on"
        )
    )
    return [
        _CurrentAssignment(
            assignment_id=pk,
            stage=stage_of(case_status, status, draft),
            status=case_status,
            due_on=due_on,
            deferred_on=deferred_on,
        )
        for pk, status, draft, case_status, due_on, deferred_on in rows
    ]


# What a dashboard row reads of its assignment and its case: the case number and what its
# computed clock reads (CLOCK_COLUMNS), not the fifty-odd columns of a whole case (issue 12).
ROW_COLUMNS = (
    "id",
    "case_id",
    "round",
    "status",
    "case__case_number",
    # The new assignment's card names the worker beside the parties: accepting attests no tie
    # to them either.
    "case__worker_first_name",
    "case__worker_last_name",
    *(f"case__{name}" for name in CLOCK_COLUMNS),
)


def _reviewer_rows(user, assignment_ids: list[int]) -> dict[int, ReviewerCase]:
    """The rows a dashboard page draws, by assignment id: the assignment with its case (the
    columns the rows print, ROW_COLUMNS), and the reviewer's draft of that round (no
    rationale or summary text) with its outcome (determination_outcomes)."""
    assignments = (
        Assignment.objects.select_related("case").only(*ROW_COLUMNS).in_bulk(assignment_ids)
    )
    determinations = {
        (determination.case_id, determination.round): determination
        for determination in Determination.objects.standing()
        .filter(reviewer=user, case__in={a.case_id for a in assignments.values()})
        .only("id", "case_id", "round", "status", "decision_date")
    }
    outcomes = determination_outcomes([d.pk for d in determinations.values()])
    rows = {}
    for pk, assignment in assignments.items():
        determination = determinations.get((assignment.case_id, assignment.round))
        outcome = outcomes.get(determination.pk) if determination else None
        rows[pk] = ReviewerCase(assignment, determination, outcome)
    return rows


def determination_outcomes(determination_ids) -> dict[int, str | None]:
    """{determination id: its outcome} (Determination.outcome: None until every item is
    decided) from its decisions' outcomes, in one query of values for a page of rows. Their
    model ordering joins the items, which scanned every item in the database, and prefetched
    as model rows they cost a queryset and instances per row (issue 12)."""
    found: dict[int, list[str]] = {pk: [] for pk in determination_ids}
    for determination_id, outcome in (
        ItemDecision.objects.filter(determination_id__in=list(found))
        .order_by()
        .values_list("determination_id", "outcome")
    ):
        found[determination_id].append(outcome)
    return {pk: case_outcome(outcomes) for pk, outcomes in found.items()}


def resume_step(determination) -> int:
    """The step a draft with nothing left to complete opens on: the review; or, returned by
    quality review, the decisions when the last return commented on an item (the comments are
    shown there), else the summary, the first of what a general comment may be about (from QA:
    a comment on the summary opened on the decisions, with nothing there pointing to it)."""
    if determination.status != DeterminationStatus.RETURNED:
        return 4
    last = determination.quality_reviews.filter(outcome=QualityOutcome.RETURNED).last()
    return 3 if last is not None and last.item_comments.exists() else 2


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


def assignment_ended_for(
    user, *, case_number: str | None = None, assignment_id: int | None = None
) -> Assignment | None:
    """The user's latest assignment on a case (by its number, or the assignment's id) if it
    ended without their determination: declined, or taken back by an administrator. What a
    page opened before then acts on; None while the case is theirs, or was never."""
    if case_number is not None:
        mine = Assignment.objects.filter(reviewer=user, case__case_number=case_number)
    elif assignment_id is not None:
        mine = Assignment.objects.filter(reviewer=user, case__assignments__pk=assignment_id)
    else:
        return None
    latest = mine.select_related("case").order_by("-pk").first()
    ended = (AssignmentStatus.DECLINED, AssignmentStatus.WITHDRAWN)
    return latest if latest is not None and latest.status in ended else None


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
        Determination.objects.standing().filter(case=case, round=case.round, reviewer=user)
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


@dataclass(frozen=True)
class GuidelineResults:
    """The catalog searched: [(family, label, [entries])] in the evidence order; `partial` when
    no entry has every word, so these are the entries with the most of them."""

    groups: list
    partial: bool = False
    # (word searched, the catalog's term it was read as): a drug's name, say.
    read_as: tuple = ()
    # The parts of the body whose MTUS chapters are offered because the search found other
    # guidelines' entries only (_mtus_of_the_same_parts).
    mtus_parts: tuple = ()


def search_words(query: str) -> list[str]:
    """The words of a search as typed, without the punctuation around them."""
    return [word for word in (w.strip(",.;") for w in query.split()) if word]


# Endings a stem is found without, the first that leaves 5 letters or more: "meniscectomy",
# "meniscus" and "meniscal" are all "menisc"; "arthroscopy" finds "arthroscopic" (from QA: the
# words a surgeon types found nothing where the catalog wrote another form of them).
_ENDINGS = ("ectomies", "ectomy", "otomy", "ies", "us", "al", "ic", "es", "y", "s")
_STEM_MIN = 5


def search_stem(word: str) -> str:
    """`word` (lower case) without the first of _ENDINGS it ends with, if 5 letters are left."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _STEM_MIN:
            return word[: -len(ending)]
    return word


def guideline_search(query: str = "", *, limit: int = 60) -> GuidelineResults:
    """Catalog entries matching every word of `query`, in the evidence order of
    8 CCR 9792.21.1 (MTUS first), grouped by family. When none has every word ("shoulder MRI",
    where the MTUS chapter says "special studies"), those with the most of them, so the MTUS
    entry is still offered before the reviewer types a citation by hand. A drug's name, which
    no entry prints, matches the entries of its class ("gabapentin": anti-epilepsy drugs)."""
    entries = list(GuidelineSource.objects.filter(active=True))
    typed = search_words(query)
    words = [word.lower() for word in typed]
    texts = {
        entry.pk: f"{entry.citation_text} {entry.get_family_display()}".lower() for entry in entries
    }
    # Said as typed ("Norco"), matched in lower case; only a word no entry prints is read as
    # its class ("Flexeril" has its own entry).
    read_as = tuple(
        (word, term)
        for word in dict.fromkeys(typed)
        if (term := catalog_term(word.lower()))
        and not any(word.lower() in text for text in texts.values())
    )
    terms = {word.lower(): term for word, term in read_as}
    partial = False
    if words:

        def found(word: str, text: str) -> bool:
            return (
                word in text or search_stem(word) in text or (word in terms and terms[word] in text)
            )

        hits = {entry.pk: sum(found(word, texts[entry.pk]) for word in words) for entry in entries}
        best = max(hits.values(), default=0)
        partial = 0 < best < len(words)
        catalog = entries
        entries = [entry for entry in entries if best and hits[entry.pk] == best]
        mtus_parts, mtus_entries = _mtus_of_the_same_parts(entries, catalog, texts)
        entries = [*mtus_entries, *entries]
    # Within a family, the catalog's own order (chapters as the guideline orders them).
    entries.sort(key=lambda entry: (entry.evidence_rank, entry.pk))
    groups: dict[str, list] = {}
    for entry in entries[:limit]:
        groups.setdefault(entry.family, []).append(entry)
    labels = dict(GuidelineFamily.choices)
    return GuidelineResults(
        groups=[
            (family, labels[family], groups[family])
            for family in GuidelineFamily.values
            if family in groups
        ],
        partial=partial,
        read_as=read_as,
        mtus_parts=mtus_parts if words else (),
    )


# The parts of the body (and chronic pain) the MTUS's chapters and the other guidelines'
# sections are named by, each with the words that name it in the catalog (the MTUS's ACOEM
# chapters, 8 CCR 9792.23.1-9792.23.7, and their 2017 editions; its Chronic Pain Medical
# Treatment Guidelines, 9792.24.2; ODG's sections).
# The most MTUS entries a search that found none offers (_mtus_of_the_same_parts).
MTUS_OFFERED = 6
_REGIONS = (
    ("neck and upper back", re.compile(r"\b(?:neck|upper back|cervical)\b")),
    ("shoulder", re.compile(r"\bshoulder\b")),
    ("elbow", re.compile(r"\belbow\b")),
    ("forearm, wrist and hand", re.compile(r"\b(?:forearm|wrist|hand)\b")),
    ("low back", re.compile(r"\b(?:low back|lumbar)\b")),
    ("hip and groin", re.compile(r"\b(?:hip|groin|pelvis)\b")),
    ("knee", re.compile(r"\bknee\b")),
    ("ankle and foot", re.compile(r"\b(?:ankle|foot)\b")),
    ("chronic pain", re.compile(r"\bchronic pain\b|\bpain \(chronic\)")),
)


def _mtus_of_the_same_parts(found: list, catalog: list, texts: dict) -> tuple[tuple, list]:
    """When a search found other guidelines' entries only, the MTUS entries of the parts of
    the body (or chronic pain) those entries name: the search sequence reads the MTUS first
    (8 CCR 9792.21.1(a)(1)), and a surgeon's word ("meniscectomy") is in ODG's section title,
    not in the MTUS chapter's (from QA: the letter cited ODG where the MTUS has a knee
    chapter). Returns (the parts, their MTUS entries); nothing when an MTUS entry was found."""
    if not found or any(entry.family == GuidelineFamily.MTUS for entry in found):
        return (), []
    regions = [
        (name, pattern)
        for name, pattern in _REGIONS
        if any(pattern.search(texts[entry.pk]) for entry in found)
    ]
    entries = [
        entry
        for entry in catalog
        if entry.family == GuidelineFamily.MTUS
        and any(pattern.search(texts[entry.pk]) for _, pattern in regions)
    ]
    # The chapters first, then their first sections: not every section of the Chronic Pain
    # Guidelines before the one entry found.
    entries.sort(key=lambda entry: (entry.evidence_rank, entry.pk))
    return (tuple(name for name, _ in regions) if entries else ()), entries[:MTUS_OFFERED]


def ur_citation_matching(user, decision_id: str, query: str) -> DisputedItem | None:
    """The item of the user's own decision `decision_id` when its UR decision cited a guideline
    whose words hold every word of `query`: offered beside the catalog's entries (from QA:
    "cryotherapy", the UR's own citation, found nothing, as the catalog has no such section)."""
    words = [word.lower() for word in search_words(query)]
    # ASCII digits only: "²".isdigit() is true and int() refuses it.
    if not words or not (decision_id.isascii() and decision_id.isdigit()):
        return None
    item = (
        DisputedItem.objects.filter(
            decisions__pk=int(decision_id), decisions__determination__reviewer=user
        )
        .exclude(ur_citation_kind__in=["", CitationKind.NONE])
        .first()
    )
    if item is None or not all(word in item.ur_citation_text.lower() for word in words):
        return None
    return item


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


# --- Similar decisions (issue 13) ---------------------------------------------------------------


def similar_panels_for(case, decisions) -> list[SimilarPanel]:
    """Step 3's panels for a case's item decisions (the case itself left out): how the most
    similar prior items were decided, each precedent with the citation kind its "Use this
    citation" button fills in (MTUS for a precedent resting on the MTUS, else Non-MTUS)."""
    panels = similar_panels(
        [
            SimilarAsk(
                description=decision.item.description,
                category=decision.item.category,
                # The reviewer's own guideline once chosen, until then the one UR cited.
                citation=decision.citation_text or decision.item.ur_citation_text,
                exclude_case_number=case.case_number,
            )
            for decision in decisions
        ]
    )
    for panel in panels:
        for precedent in panel.items:
            precedent.copy_kind = (
                CitationKind.MTUS
                if precedent.guideline_source == GuidelineSourceKind.MTUS
                else CitationKind.NON_MTUS
            )
    return panels
