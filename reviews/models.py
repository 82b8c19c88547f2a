"""The reviewer side: assignments of cases to expert reviewers and their determinations.

The reviewer's qualification profile, matching, the guided form and the letter build on these."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, CitationKind, DisputedItem


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned (awaiting acceptance)"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Assignments through which a reviewer may see the case.
VISIBLE_ASSIGNMENT_STATUSES = (
    AssignmentStatus.ASSIGNED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.COMPLETED,
)


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        constraints = [
            # Concurrency guard: one live assignment per case and round.
            models.UniqueConstraint(
                fields=["case", "round"],
                condition=models.Q(status__in=["assigned", "accepted", "completed"]),
                name="one_live_assignment_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} round {self.round}: {self.reviewer}"


class Outcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"


class CaseOutcome(models.TextChoices):
    UPHELD = "upheld", "Upheld"
    OVERTURNED = "overturned", "Overturned"
    PARTIALLY_OVERTURNED = "partially_overturned", "Partially Overturned"


class DeterminationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"


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
    version = models.PositiveIntegerField(default=1, help_text="Bumped on every save of the draft.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "round"], name="one_determination_per_round")
        ]

    def __str__(self) -> str:
        return f"Determination {self.case} round {self.round}"

    @property
    def outcome(self) -> str | None:
        """Derived from the item decisions (SPEC section 5); None until every item is decided."""
        outcomes = [decision.outcome for decision in self.decisions.all()]
        if not outcomes or any(not outcome for outcome in outcomes):
            return None
        if all(outcome == Outcome.UPHELD for outcome in outcomes):
            return CaseOutcome.UPHELD
        if all(outcome == Outcome.OVERTURNED for outcome in outcomes):
            return CaseOutcome.OVERTURNED
        return CaseOutcome.PARTIALLY_OVERTURNED


class ItemDecision(models.Model):
    determination = models.ForeignKey(
        Determination, on_delete=models.CASCADE, related_name="decisions"
    )
    item = models.ForeignKey(DisputedItem, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    citation_kind = models.CharField(max_length=16, choices=CitationKind.choices, blank=True)
    citation_text = models.TextField(blank=True)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["item__position"]
        constraints = [
            models.UniqueConstraint(fields=["determination", "item"], name="one_decision_per_item")
        ]
