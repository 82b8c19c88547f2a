"""Medical records: PDFs kept outside any URL (the private storage, cases.records.storage), each
with its SHA-256, size and page count."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case
from cases.records.storage import private_storage


class RecordKind(models.TextChoices):
    UR_DECISION = "ur_decision", "UR decision"
    APPLICATION = "application", "IMR application"
    MEDICAL = "medical", "Medical record"
    # 8 CCR 9792.10.4(c): the treating physician's written certification of an imminent and
    # serious threat to the worker's health, which makes (or keeps) a review expedited.
    CERTIFICATION = "certification", "Physician's certification (expedited)"
    OTHER = "other", "Other"


def record_upload_to(instance: "MedicalRecord", filename: str) -> str:
    # The stored name never carries the uploader's file name: it cannot collide or traverse.
    suffix = PurePosixPath(filename).suffix.lower() or ".pdf"
    return f"records/{instance.case_id}/{uuid.uuid4().hex}{suffix}"


class MedicalRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="records")
    title = models.CharField(max_length=300)
    document_date = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=RecordKind.choices, default=RecordKind.MEDICAL)
    # Who sent the record (the claims administrator, the provider, the worker), when known: the
    # party letter lists each document reviewed with its source.
    source = models.CharField(max_length=200, blank=True)
    file = models.FileField(storage=private_storage, upload_to=record_upload_to, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    # Why the pages could not be counted (then pages is 0): a file over the page limit, or one
    # that needs more memory or time than counting may take (cases.records.pdfcheck).
    pages_problem = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A record filed by mistake (another patient's PDF) is withdrawn, never deleted: kept on file
    # for the audit, out of the reviewer's workspace and the letter's documents reviewed.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["document_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
