"""The reviewer side: assignments of cases to expert reviewers and their determinations.

The reviewer's qualification profile, matching, the guided form and the letter build on these."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, CitationKind, DisputedItem, private_storage
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
    # Soft warnings of the review step the reviewer confirmed (codes), kept with the draft.
    warnings_confirmed = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["determination", "number"], name="quality_review_round_once"
            )
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


# --- The letter (SPEC section 6) --------------------------------------------------------------


class Organization(models.Model):
    """The IRO's own details for letterhead and signature block (one row)."""

    name = models.CharField(max_length=200, default="IMR Desk Review Organization")
    short_name = models.CharField(
        max_length=60, default="IMR Desk", help_text='Printed as "<short name> guideline:".'
    )
    address = models.TextField(default="100 Example Street\nSacramento, CA 95814")
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    website = models.CharField(max_length=200, blank=True)
    signatory_name = models.CharField(max_length=120, default="Medical Director")
    signatory_title = models.CharField(max_length=120, default="Independent Medical Review")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class LetterText(models.Model):
    """The organization's fixed paragraphs of the letter. Versioned: an edit is a new row, and
    each letter records the version it used."""

    version = models.PositiveIntegerField(unique=True)
    how_made = models.TextField(help_text="HOW THE IMR FINAL DETERMINATION WAS MADE paragraph.")
    summary_lead_in = models.TextField()
    issues_lead_in = models.TextField()
    binding_notice = models.TextField()
    appeal_notice = models.TextField()
    overturned_notice = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Letter text v{self.version}"


class LetterStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    SIGNED = "signed", "Signed"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class Letter(models.Model):
    """One version of a case's Final Determination Letter. Once signed its bytes never change;
    a correction is a new version and the old one stays."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="letters")
    determination = models.ForeignKey(
        Determination, on_delete=models.PROTECT, related_name="letters"
    )
    version = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=LetterStatus.choices, default=LetterStatus.QUEUED
    )
    letter_text = models.ForeignKey(LetterText, on_delete=models.PROTECT, related_name="+")
    mailing_date = models.DateField(null=True, blank=True)
    party_pdf = models.FileField(
        storage=private_storage, upload_to="letters/", max_length=300, blank=True
    )
    party_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    public_pdf = models.FileField(
        storage=private_storage, upload_to="letters/", max_length=300, blank=True
    )
    public_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    correction_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["case", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="letter_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} letter v{self.version}"


class LetterDelivery(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="deliveries")
    recipient_role = models.CharField(max_length=32)
    recipient_name = models.CharField(max_length=200)
    email = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "email"], name="letter_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.letter} to {self.recipient_role}"
