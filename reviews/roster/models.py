"""The roster: reviewers with their licences, certifications, affiliations and leave; the specialty
vocabulary and the category-to-specialties table."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from accounts.models import Role
from cases.lifecycle.models import ItemCategory as CaseItemCategory
from cases.states import state_code

# Nobody practises more hours than a week has (SPEC section 4, rule 3: the roster file and the
# admin's form both check it here).
HOURS_IN_A_WEEK = 168

# --- The reviewer roster (SPEC section 4) ---------------------------------------------------


def specialty_key(name: str) -> str:
    """Specialty names match case- and punctuation-insensitively, and "and" is "&"
    ("Physical Medicine and Rehabilitation" is "Physical Medicine & Rehabilitation")."""

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

    def clean(self):
        # Names match by their key (specialty_key): one with no letters or digits would match
        # any other such name, and two names of one key are one specialty.
        key = specialty_key(self.name or "")
        if not key:
            raise ValidationError({"name": f"'{self.name}' has no letters or digits."})
        same = Specialty.objects.filter(key=key).exclude(pk=self.pk).first()
        if same is not None:
            raise ValidationError({"name": f"'{same.name}' is already in the list."})


class CategorySpecialty(models.Model):
    """Which specialties may decide which category of disputed item (editable data)."""

    category = models.CharField(max_length=40, choices=CaseItemCategory.choices, db_index=True)
    specialty = models.ForeignKey(Specialty, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["category", "specialty__name"]
        verbose_name_plural = "category specialties"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "specialty"], name="category_specialty_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category}: {self.specialty}"


class ReviewerProfile(models.Model):
    # An expert reviewer's: the roster, matching and the dashboard's load count every profile
    # (from a QA pass: the admin site offered every user, an API client among them).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reviewer_profile",
        limit_choices_to={"role": Role.REVIEWER},
    )
    external_id = models.CharField(max_length=64, unique=True)
    certifications = models.ManyToManyField(Specialty, blank=True, related_name="reviewers")
    years_in_practice = models.PositiveSmallIntegerField(default=0)
    weekly_practice_hours = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(HOURS_IN_A_WEEK)]
    )
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
        return self.user.display_name

    def clean(self):
        if self.user_id is not None and self.user.role != Role.REVIEWER:
            raise ValidationError(
                {
                    "user": f"{self.user.display_name} is a {self.user.get_role_display().lower()}"
                    ": a reviewer profile belongs to an expert reviewer. Change the user's role "
                    "first, or choose an expert reviewer."
                }
            )


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

    def clean(self):
        # SPEC section 4, rule 1 counts a licence in a US state, and the letter prints the
        # state's full name: "ZZ" would make a reviewer eligible and print as "ZZ".
        if not self.state:
            return
        code = state_code(self.state)
        if code is None:
            raise ValidationError(
                {"state": f"'{self.state}' is not a US state's two-letter code (CA, NV, ...)."}
            )
        self.state = code


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

    def clean(self):
        # A period that ends before it starts covers no day: the reviewer would stay available.
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError(
                {
                    "ends": f"The leave ends on {self.ends:%m/%d/%Y}, before it starts "
                    f"({self.starts:%m/%d/%Y})."
                }
            )


class RosterVersion(models.Model):
    """One row whose `version` the database changes, to a value never used before, whenever a
    table the roster is read from changes: the profiles, their licences, certifications,
    affiliations and leave, the specialty vocabulary and table, and the reviewers' names,
    e-mail and activity on their accounts (a bulk update or a change made outside Django
    counts too; a sign-in does not). On PostgreSQL triggers of migration reviews 0027 take a
    sequence's next value before each statement (the sequence started at the clock, so a
    value never comes back); on SQLite, reviews.roster.version_triggers with random().

    A copy of the roster kept in memory is the roster for as long as this still reads the
    version it was made at (reviews.assignment.roster_snapshot). A rolled-back change's value
    is never used again, so a copy made inside a transaction that did not commit never
    matches. A table emptied by a flush can take the row with it: with no row nothing is kept.
    A database restored from a backup carries the backup's version: restart the processes
    (README, "Backups")."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"roster version {self.version}"
