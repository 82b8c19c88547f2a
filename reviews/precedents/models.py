"""The precedent library: every issued determination and every published decision loaded, as
the public letter reads (SPEC section 6): no names, no claim numbers. Lab. Code 4610.6(f) keeps
the reviewer's identity confidential, so a decision keeps the reviewer's specialty only.

On PostgreSQL each item also has a `search` column (a generated tsvector with a GIN index) and
a narrower `similar_search` (description and citation only, in a b-tree by category for the
similar-items panel), added by migrations 0019 and 0024's PostgreSQL-only SQL and read by
`reviews.precedents.search`; the model declares neither, so the same model works on SQLite
(README "Precedents")."""

from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case, CaseOutcome, ItemCategory, Outcome, Priority


class PrecedentSource(models.TextChoices):
    ISSUED = "issued", "Issued here"
    PUBLISHED = "published", "Published decision"


class GuidelineSourceKind(models.TextChoices):
    """The guideline a decision rests on, as the filters group it (8 CCR 9792.21.1 puts the
    MTUS first)."""

    MTUS = "mtus", "MTUS"
    ACOEM = "acoem", "ACOEM"
    ODG = "odg", "ODG"
    OTHER = "other", "Other or none"


class PrecedentDecision(models.Model):
    """One decided case, by its case number."""

    source = models.CharField(max_length=16, choices=PrecedentSource.choices)
    case_number = models.CharField(max_length=64, unique=True)
    decided_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=CaseOutcome.choices)
    priority = models.CharField(max_length=16, choices=Priority.choices, blank=True)
    # Lab. Code 4610.6(f): the specialty only ("Certification(s)/Specialty" as printed).
    reviewer_specialty = models.CharField(max_length=300, blank=True)
    # Our own case, for those allowed to open it; none for a published decision.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["decided_on"], name="precedent_decided_on")]

    def __str__(self) -> str:
        return self.case_number


class PrecedentItem(models.Model):
    """One decided item of a precedent: the public text of the letter's item."""

    decision = models.ForeignKey(PrecedentDecision, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    category = models.CharField(max_length=40, choices=ItemCategory.choices, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    guideline_source = models.CharField(
        max_length=16, choices=GuidelineSourceKind.choices, default=GuidelineSourceKind.OTHER
    )
    citation = models.TextField(blank=True)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["decision_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "position"], name="precedent_item_position_once"
            )
        ]
        indexes = [
            models.Index(fields=["category", "outcome"], name="precedent_item_category"),
            models.Index(fields=["guideline_source"], name="precedent_item_guideline"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_id} #{self.position}: {self.description[:40]}"
