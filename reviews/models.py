"""The reviewer side: assignments of cases to expert reviewers and their determinations.

The reviewer's qualification profile, matching, the guided form and the letter build on these."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, CitationKind, DisputedItem
from cases.models import ItemCategory as CaseItemCategory


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
    notified_at = models.DateTimeField(null=True, blank=True)

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

    def __str__(self) -> str:
        return f"{self.item}: {self.outcome or 'undecided'}"


# --- The reviewer roster (SPEC section 4) ---------------------------------------------------


def specialty_key(name: str) -> str:
    """Specialty names match case- and punctuation-insensitively, and "and" is "&"
    ("Physical Medicine and Rehabilitation" is "Physical Medicine & Rehabilitation")."""
    import re

    text = name.lower().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(word for word in words if word != "and")


class Specialty(models.Model):
    """The vocabulary of board certifications and specialties (seeded with the state's list)."""

    name = models.CharField(max_length=120, unique=True)
    key = models.CharField(max_length=120, unique=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = specialty_key(self.name)
        super().save(*args, **kwargs)


class CategorySpecialty(models.Model):
    """Which specialties may decide which category of disputed item (editable data)."""

    category = models.CharField(max_length=40, choices=CaseItemCategory.choices, db_index=True)
    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["category", "specialty__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "specialty"], name="category_specialty_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.specialty}"


class ReviewerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_profile"
    )
    external_id = models.CharField(max_length=64, unique=True)
    certifications = models.ManyToManyField(Specialty, blank=True, related_name="reviewers")
    years_in_practice = models.PositiveSmallIntegerField(default=0)
    weekly_practice_hours = models.PositiveSmallIntegerField(default=0)
    max_open_cases = models.PositiveSmallIntegerField(default=10)
    carried_open_cases = models.PositiveSmallIntegerField(
        default=0, help_text="Open cases carried over from another system (roster import)."
    )
    on_leave = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return f"{self.external_id} {self.user.get_full_name()}"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


class Licence(models.Model):
    profile = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="licences")
    state = models.CharField(max_length=2, help_text="Two-letter US state code.")
    number = models.CharField(max_length=40)
    expires = models.DateField()
    restricted = models.BooleanField(default=False)

    class Meta:
        ordering = ["state"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "state", "number"], name="licence_once")
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.number}"


class AffiliationKind(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    CLAIMS_ADMINISTRATOR = "claims_administrator", "Claims administrator"
    PROVIDER = "provider", "Provider (physician)"
    PROVIDER_GROUP = "provider_group", "Provider group"
    UR_ORGANIZATION = "ur_organization", "UR organization"
    PERSON = "person", "Person"


class Affiliation(models.Model):
    """A declared tie of a reviewer to an organization or person: a possible conflict."""

    profile = models.ForeignKey(
        ReviewerProfile, on_delete=models.CASCADE, related_name="affiliations"
    )
    kind = models.CharField(max_length=32, choices=AffiliationKind.choices)
    name = models.CharField(max_length=200)
    identifier = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class LeavePeriod(models.Model):
    profile = models.ForeignKey(ReviewerProfile, on_delete=models.CASCADE, related_name="leave")
    starts = models.DateField()
    ends = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts"]

    def __str__(self) -> str:
        return f"{self.starts} to {self.ends}"


class CaseConflict(models.Model):
    """A conflict a reviewer declared for one case (when declining it): remembered for good."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declared_conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reviewer"], name="case_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} conflict: {self.reviewer}"
