"""What the integrity checks found: each stored file whose bytes no longer match the SHA-256
recorded when it was stored (or that is gone), and each run of the periodic re-check."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case


class IntegrityProblem(models.TextChoices):
    MISMATCH = "mismatch", "Contents changed (SHA-256 does not match)"
    MISSING = "missing", "File missing"
    UNREADABLE = "unreadable", "File could not be read"


class IntegritySource(models.TextChoices):
    DOWNLOAD = "download", "Refused at download"
    CHECK = "check", "Found by the periodic check"


class IntegrityCheckRun(models.Model):
    """One pass over every stored file (the beat task or `manage.py verify_files`)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    files_checked = models.PositiveIntegerField(default=0)
    bytes_checked = models.PositiveBigIntegerField(default=0)
    problems = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"Integrity check of {self.started_at:%Y-%m-%d %H:%M}"


class IntegrityFinding(models.Model):
    """One stored file that failed its integrity check, when and where it was found."""

    found_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(max_length=16, choices=IntegritySource.choices)
    run = models.ForeignKey(
        IntegrityCheckRun, null=True, blank=True, on_delete=models.CASCADE, related_name="findings"
    )
    problem = models.CharField(max_length=16, choices=IntegrityProblem.choices)
    # What the file is ("Medical record", "Letter (party copy)", ...) and which row holds it.
    kind = models.CharField(max_length=60)
    object_id = models.PositiveBigIntegerField()
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=300)
    expected_sha256 = models.CharField(max_length=64)
    actual_sha256 = models.CharField(max_length=64, blank=True)
    # Who asked for the file when a download was refused.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-found_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.get_problem_display()}"
