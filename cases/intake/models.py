"""The intake form's draft: what a case administrator has typed and the record files they
chose, kept on the server while they work, so an ended session, a validation error or a closed
tab loses nothing. A draft is not a case: it has no number, no events and no clock; it is
deleted when its case is created."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.records.storage import private_storage


def intake_draft_file_upload_to(instance: IntakeDraftFile, filename: str) -> str:
    # As for records: the stored name never carries the uploader's file name.
    suffix = PurePosixPath(filename).suffix.lower() or ".pdf"
    return f"intake-drafts/{instance.draft_id}/{uuid.uuid4().hex}{suffix}"


class IntakeDraft(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts"
    )
    # The form's fields as posted (name -> text), e.g. {"worker-last_name": "Ruiz"}.
    values = models.JSONField(default=dict, blank=True)
    # Raised on every change: a window that saves with an older version is merged field by
    # field (its changed fields win, the others keep what another window saved).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self) -> str:
        return f"Intake draft {self.pk} of {self.worker_name}"

    @property
    def worker_name(self) -> str:
        """The injured worker as typed so far (the list of drafts names them)."""
        values = self.values or {}
        name = " ".join(
            str(values.get(key, "")).strip()
            for key in ("worker-first_name", "worker-last_name")
            if str(values.get(key, "")).strip()
        )
        return name or "a worker not named yet"


class IntakeDraftFile(models.Model):
    """A record file chosen in the intake form, uploaded once and kept with the draft until
    the case is created (it then becomes a MedicalRecord)."""

    draft = models.ForeignKey(IntakeDraft, on_delete=models.CASCADE, related_name="files")
    # The record row of the form it belongs to, e.g. "records-0".
    row = models.CharField(max_length=32)
    file = models.FileField(
        storage=private_storage, upload_to=intake_draft_file_upload_to, max_length=300
    )
    original_filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["row", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "row"], name="intake_draft_file_one_per_row")
        ]

    def __str__(self) -> str:
        return self.original_filename
