"""The determination: one per case round and reviewer, with a decision per disputed item, the
guideline catalog it cites from, and its quality-review rounds and comments (written by
quality review, read back by the reviewer)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case, CaseOutcome, CitationKind, DisputedItem, Outcome


class DeterminationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"
    # Its reviewer was taken off the case after quality review returned it (an administrator's
    # unassign or reassign): kept, with its quality reviews, as the case's history; the round's
    # next reviewer writes a new determination.
    WITHDRAWN = "withdrawn", "Withdrawn (its reviewer was taken off the case)"


def case_outcome(outcomes: list[str]) -> str | None:
    """The case's outcome from its item decisions (SPEC section 5); None until every item is
    decided."""
    if not outcomes or any(not outcome for outcome in outcomes):
        return None
    if all(outcome == Outcome.UPHELD for outcome in outcomes):
        return CaseOutcome.UPHELD
    if all(outcome == Outcome.OVERTURNED for outcome in outcomes):
        return CaseOutcome.OVERTURNED
    return CaseOutcome.PARTIALLY_OVERTURNED


class DeterminationQuerySet(models.QuerySet):
    def standing(self):
        """Without the withdrawn ones: a round's determination is the one that stands."""
        return self.exclude(status=DeterminationStatus.WITHDRAWN)

    def reviewer_taken_off(self) -> tuple[int, int]:
        """Its reviewer is taken off the case (reviews.assignment's unassign, which reaches these
        through the case): a draft never submitted is the reviewer's alone and is deleted; one
        quality review returned was submitted, and is withdrawn and kept with its reviews.
        Returns (drafts deleted, determinations withdrawn)."""
        withdrawn = self.filter(status=DeterminationStatus.RETURNED).update(
            status=DeterminationStatus.WITHDRAWN
        )
        discarded, _ = self.filter(status=DeterminationStatus.DRAFT).delete()
        return discarded, withdrawn


class Determination(models.Model):
    """The reviewer's decision for one round of a case. Credentials are copied at signing so the
    letter prints what was true then; the reviewer's name is never printed."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="determinations")
    round = models.PositiveSmallIntegerField(default=1)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="determinations",
    )
    reviewer_licensure = models.JSONField(default=list, blank=True)
    reviewer_certifications = models.JSONField(default=list, blank=True)
    clinical_summary = models.TextField(blank=True)
    decision_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DeterminationStatus.choices, default=DeterminationStatus.DRAFT
    )
    imported = models.BooleanField(default=False, help_text="Carried over from a legacy system.")
    # Soft warnings of the review step the reviewer confirmed (codes), kept with the draft.
    warnings_confirmed = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save of the draft.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeterminationQuerySet.as_manager()

    class Meta:
        constraints = [
            # One standing determination a round; those withdrawn with their reviewer are kept.
            models.UniqueConstraint(
                fields=["case", "round"],
                condition=~models.Q(status=DeterminationStatus.WITHDRAWN),
                name="one_determination_per_round",
            )
        ]
        indexes = [
            # The quality queue and the returned list read a few hundred of the determinations
            # by status; without it, two scans of every determination (issue 12).
            models.Index(fields=["status"], name="determination_status"),
            # The quality queue's waiting list (reviews.quality.selectors): the submitted
            # determinations with every column it reads from them, so PostgreSQL joins them to
            # their cases from this small index alone (an index-only scan) rather than a table
            # page per determination: 2.7 to 0.4 ms for 1,002 waiting at 200,000 cases. Not
            # `updated_at`, which each autosave changes (the draft's row stays a HOT update).
            models.Index(
                fields=["status"],
                include=["id", "case", "reviewer", "submitted_at"],
                condition=models.Q(status=DeterminationStatus.SUBMITTED, imported=False),
                name="determination_awaiting_quality",
            ),
            # The dashboard's outcome and turnaround charts and the monthly report take the
            # determinations decided in a period.
            models.Index(fields=["decision_date"], name="determination_decided"),
        ]

    def __str__(self) -> str:
        return f"Determination {self.case} round {self.round}"

    @property
    def outcome(self) -> str | None:
        """Derived from the item decisions (SPEC section 5); None until every item is decided."""
        return case_outcome([decision.outcome for decision in self.decisions.all()])


class ItemDecision(models.Model):
    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(DisputedItem, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    citation_kind = models.CharField(max_length=16, choices=CitationKind.choices, blank=True)
    citation_text = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    guideline = models.ForeignKey(
        "GuidelineSource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The catalog entry picked, if any; citation_text is what the letter prints.",
    )

    class Meta:
        ordering = ["item__position"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "item"], name="one_decision_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.outcome or 'undecided'}"


# --- Guideline catalog and quality review (SPEC section 5) -----------------------------------


class GuidelineFamily(models.TextChoices):
    """In the evidence order of 8 CCR 9792.21.1: the MTUS first, then other guidelines."""

    MTUS = "mtus", "MTUS (ACOEM-based chapters and Chronic Pain Guidelines)"
    ACOEM = "acoem", "ACOEM Practice Guidelines (current, outside the MTUS)"
    ODG = "odg", "Official Disability Guidelines (ODG)"
    OTHER = "other", "Other peer-reviewed evidence"


class GuidelineSource(models.Model):
    """One citable guideline entry: a chapter, a section with its pages, or a source."""

    family = models.CharField(max_length=16, choices=GuidelineFamily.choices)
    evidence_rank = models.PositiveSmallIntegerField(
        help_text="Position in the evidence order (1 = MTUS; lower is stronger)."
    )
    title = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    section = models.CharField(max_length=200, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["evidence_rank", "title", "section"]

    def __str__(self) -> str:
        return self.citation_text

    @property
    def citation_kind(self) -> str:
        return CitationKind.MTUS if self.family == GuidelineFamily.MTUS else CitationKind.NON_MTUS

    @property
    def citation_text(self) -> str:
        text = self.title
        if self.year:
            text += f" {self.year}"
        if self.section:
            text += f" {self.section}"
        if self.pages:
            text += f" Page(s): {self.pages}"
        return text


class QualityOutcome(models.TextChoices):
    APPROVED = "approved", "Approved for issue"
    RETURNED = "returned", "Returned to the reviewer"


class QualityReview(models.Model):
    """One round of quality review of a submitted determination; every round is kept."""

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="quality_reviews"
    )
    number = models.PositiveSmallIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_reviews"
    )
    outcome = models.CharField(max_length=16, choices=QualityOutcome.choices)
    comment = models.TextField(blank=True)
    # A return's copy of what it sent back (the summary; each decision's outcome, guideline and
    # rationale, by decision id): the next round marks what the reviewer changed since
    # (reviews.quality.changes). Empty for an approval, and for returns made before it was kept.
    returned_as = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "number"], name="quality_review_round_once"
            )
        ]
        # A medical director's own rounds, newest first (the queue's recent approvals).
        indexes = [
            models.Index(fields=["reviewer", "-created_at"], name="quality_review_by_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.determination} QR {self.number}: {self.outcome}"


class ItemComment(models.Model):
    """A quality reviewer's comment on one item's decision, shown to the reviewer there."""

    quality_review = models.ForeignKey(
        QualityReview, on_delete=models.CASCADE, related_name="item_comments"
    )
    decision = models.ForeignKey(ItemDecision, on_delete=models.CASCADE, related_name="comments")
    text = models.TextField()

    class Meta:
        ordering = ["decision__item__position"]

    def __str__(self) -> str:
        return f"Comment on {self.decision}"


# --- Consistency with precedents (issue 13) --------------------------------------------------


class FlagResolution(models.TextChoices):
    OPEN = "open", "Not yet looked at"
    CONSISTENT = "consistent", "Consistent: the decision stands"
    RETURNED = "returned", "Returned to the reviewer"


class ConsistencyFlag(models.Model):
    """An item decided against the clear majority of closely similar prior items under the
    same guideline source, found when the determination was submitted
    (reviews.determination.consistency). It never blocks approval; the medical director
    records what they made of it, and that is kept."""

    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="consistency_flags"
    )
    decision = models.ForeignKey(
        ItemDecision, on_delete=models.CASCADE, related_name="consistency_flags"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    majority_outcome = models.CharField(max_length=16, choices=Outcome.choices)
    majority_count = models.PositiveIntegerField()
    similar_count = models.PositiveIntegerField()
    guideline_source = models.CharField(max_length=16)
    # The precedents as they read at submission (a later import or amended letter does not
    # change what the director was shown): case number, item, outcome, citation, rationale.
    precedents = models.JSONField(default=list)
    resolution = models.CharField(
        max_length=16, choices=FlagResolution.choices, default=FlagResolution.OPEN
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["determination", "resolution"], name="consistency_flag_open")
        ]

    def __str__(self) -> str:
        return f"{self.decision}: against {self.majority_count} of {self.similar_count}"

    @property
    def percent(self) -> int:
        return round(100 * self.majority_count / self.similar_count) if self.similar_count else 0
