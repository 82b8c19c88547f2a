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

from cases.jsoncheck import controls_removed
from cases.outbox.runs import BackgroundRun
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
        parts = (
            controls_removed(str(values.get(key, ""))).strip()
            for key in ("worker-first_name", "worker-last_name")
        )
        name = " ".join(part for part in parts if part)
        return name or "a worker not named yet"

    @property
    def distinguished(self) -> str:
        """What tells this draft from another of the same name (the drafts list): the
        application ID typed, else the last time it was saved (from QA: two "a worker not
        named yet" started the same minute read the same)."""
        values = self.values or {}
        application_id = str(values.get("application-application_id", "")).strip()
        if application_id:
            return f"application {application_id}"
        claim = str(values.get("application-claim_number", "")).strip()
        if claim:
            return f"claim {claim}"
        return f"last saved {timezone.localtime(self.updated_at):%m/%d/%Y %-I:%M:%S %p}"


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


def import_run_upload_to(instance: ImportRun, filename: str) -> str:
    # The stored name never carries the uploader's file name (kept in original_filename).
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.json"


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Importing"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class ImportRun(BackgroundRun):
    """One intake file uploaded in the browser and imported case by case by a Celery task
    (`import_run_work`): the import page polls it while it runs, then shows what it made and
    what it refused. Each row's outcome is an ImportRow, written with its case in one
    transaction, so a resumed run skips what is done. Its heartbeat is touched after every
    row: a run untouched for IMPORT_RUN_STUCK_MINUTES has lost its worker and may be resumed. Its
    `error` says why the whole file could not be read (not JSON, not applications); rows have
    their own."""

    file = models.FileField(storage=private_storage, upload_to=import_run_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64)
    original_filename = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=ImportRunStatus.choices, default=ImportRunStatus.QUEUED
    )
    # Applications in the file; rows done so far (made, already on file, or refused); refused.
    total = models.PositiveIntegerField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Import run {self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


class ImportRowOutcome(models.TextChoices):
    CREATED = "created", "Case created"
    EXISTING = "existing", "Already on file"
    REFUSED = "refused", "Refused"


class ImportRow(models.Model):
    """What became of one application of an import run's file."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rows")
    # The application's JSON path in the file: "$[3]" (or "$" for a file of one).
    path = models.CharField(max_length=32)
    position = models.PositiveIntegerField()
    application_id = models.CharField(max_length=64, blank=True)
    # The worker as the file names them ("Ruiz, Ana"), so a refused application is known by
    # its person, not only by its place in the file (from QA).
    worker_name = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=16, choices=ImportRowOutcome.choices)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Each problem as "<JSON path>: <message>", the words import_cases prints.
    reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["run", "position"], name="import_row_once_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.outcome}"
