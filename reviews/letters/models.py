"""The letter: its versioned fixed paragraphs, each signed version and each delivery."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case, SentBy
from cases.records.models import private_storage
from reviews.determination.models import Determination


class LetterText(models.Model):
    """The organization's fixed paragraphs of the letter. Versioned: an edit is a new row, and
    each letter records the version it used."""

    version = models.PositiveIntegerField(unique=True)
    how_made = models.TextField(help_text="HOW THE IMR FINAL DETERMINATION WAS MADE paragraph.")
    summary_lead_in = models.TextField()
    issues_lead_in = models.TextField()
    # What each item's decision means, in plain words (Lab. Code 4610.6(d)).
    item_overturned_plain = models.TextField(default="")
    item_upheld_plain = models.TextField(default="")
    documents_not_listed = models.TextField(default="")
    records_incomplete = models.TextField(default="")
    binding_notice = models.TextField()
    appeal_notice = models.TextField()
    appeal_grounds = models.TextField(default="", help_text="Lab. Code 4610.6(h)(1)-(5).")
    appeal_remedy = models.TextField(default="", help_text="Lab. Code 4610.6(i).")
    overturned_notice = models.TextField()
    overturned_exception = models.TextField(default="", help_text="8 CCR 9792.10.7(a).")
    overturned_penalty = models.TextField(default="", help_text="8 CCR 9792.10.7(b), 9792.12.")
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
    # How and when the letter was served, once delivered: an appeal period runs from service,
    # five days longer for a letter served by mail (CCP 1013(a)).
    sent_by = models.CharField(
        max_length=16,
        choices=SentBy.choices,
        blank=True,
        help_text="How the letter was served; blank until delivered, or when not sent from here.",
    )
    served_on = models.DateField(null=True, blank=True, help_text="The date of service.")
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
