"""The Administrative Director's monthly report made in the background: one ReportRun per asking,
counted section by section by a Celery task (reviews.reports.runs), its PDF and CSV kept in the
private storage with their SHA-256 so that every download serves what was made."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.outbox.runs import BackgroundRun
from cases.records.storage import private_storage
from reviews.reports.periods import (
    Period,
    month_counted_to,
    month_period_label,
    month_stem,
)


class ReportRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Counting"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def report_file_upload_to(instance: ReportRun, filename: str) -> str:
    # One folder per month; a name nobody can guess, ending as the file does (.pdf, .csv).
    suffix = filename.rsplit(".", 1)[-1]
    return f"reports/{instance.month:%Y-%m}/{uuid.uuid4().hex}.{suffix}"


class ReportRun(BackgroundRun):
    """One making of the monthly report for `month`: the dashboard asks for it, the task
    `report_run_work` counts each section (progress: `steps_done` of `steps_total`, `step` being
    counted now), then renders and stores the two files. The run's page polls it while it
    works; a failed run, or one untouched for REPORT_RUN_STUCK_MINUTES, may be tried again."""

    # The month reported on, as its first day.
    month = models.DateField()
    status = models.CharField(
        max_length=16, choices=ReportRunStatus.choices, default=ReportRunStatus.QUEUED
    )
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    # What the task is doing now, in words the page shows ("Timeliness").
    step = models.CharField(max_length=200, blank=True)
    pdf = models.FileField(
        storage=private_storage, upload_to=report_file_upload_to, max_length=300, blank=True
    )
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    csv = models.FileField(
        storage=private_storage, upload_to=report_file_upload_to, max_length=300, blank=True
    )
    csv_sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta(BackgroundRun.Meta):
        constraints = [
            # Two administrators asking at once get the same run, not two counting side by side.
            # (cases.outbox.runs.WORKING_STATUSES, as the migration wrote them.)
            models.UniqueConstraint(
                fields=["month"],
                condition=Q(status__in=["queued", "running"]),
                name="one_working_report_run_per_month",
            )
        ]

    def __str__(self) -> str:
        return f"Monthly report run {self.pk} for {self.month:%Y-%m} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def month_label(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def counted_to(self) -> dt.date | None:
        """The last day counted when the month had not ended as the run counted it (its current
        attempt's start, or its asking while queued); None: the whole month
        (reviews.reports.monthly.monthly_report counts alike)."""
        when = self.started_at or self.created_at
        return month_counted_to(self.period, timezone.localdate(when)) if when else None

    @property
    def period(self) -> Period:
        return Period.month(self.month.year, self.month.month)

    @property
    def period_label(self) -> str:
        return month_period_label(self.period, self.counted_to)

    @property
    def file_stem(self) -> str:
        return month_stem(self.month, self.counted_to)
