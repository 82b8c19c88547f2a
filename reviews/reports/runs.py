"""The monthly report made in the background: the dashboard asks for a month's report (a
ReportRun, handed to the task queue through the outbox in the same transaction), the task
counts it section by section with its progress on the run, then renders the PDF and the CSV
and stores both privately with their SHA-256. The run's page polls the progress and offers the
files; a failed or stuck run is tried again from there. The numbers are
reviews.reports.monthly's, the same as `manage.py ad_monthly_report` writes."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.outbox.runs import WORKING_STATUSES, run_stuck
from cases.outbox.services import follow_up_add
from cases.records.storage import private_storage
from reviews.reports import tasks
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.reports.monthly import (
    SECTIONS,
    month_parse,
    monthly_report,
    report_csv,
    report_pdf,
)
from reviews.reports.selectors import Period

# The sections, then the PDF, then storing both files.
REPORT_STEPS = len(SECTIONS) + 2


def report_month(text: str, *, today: dt.date) -> Period:
    """The month asked for ("YYYY-MM", or as reviews.reports.monthly.month_parse reads it), or
    ValidationError saying what is wrong with it: every way of asking on the site (the
    dashboard's form, the old download address) reads it here."""
    if not text.strip():
        raise ValidationError(
            f"Give the month to report on, as MM/YYYY or YYYY-MM: for example {today:%m/%Y} or "
            f"{today:%Y-%m} for {today:%B %Y}."
        )
    try:
        period = month_parse(text.strip())
    except ValueError as error:  # MonthBeforeReview too: month_parse says why, once
        raise ValidationError(str(error)) from error
    if period.start > today:
        raise ValidationError(
            f"{period.start:%B %Y} has not begun: choose this month or an earlier one."
        )
    return period


def _enqueue(run: ReportRun, *, again: bool = False) -> None:
    follow_up_add(
        task=tasks.report_run_work.name,
        args=[run.pk],
        what=f"The monthly report for {run.month_label} will be made",
        again=again,
    )


def _outdated(run: ReportRun, today: dt.date) -> bool:
    """A preview of a month in progress made on an earlier day: more days can be counted now
    (the whole month once it has ended), so asking again makes the report anew."""
    return run.counted_to is not None and run.counted_to < today


def report_run_request(
    *, actor, month: str, again: bool = False, today: dt.date | None = None
) -> tuple[ReportRun, bool]:
    """The run for the month asked for, and whether it was made now. A run working on that
    month is reused; so is a done one unless `again` (the numbers of a month change when a
    late letter is served) or it is a preview of the month made on an earlier day. None yet,
    or the last one failed: a new run, queued through the outbox in this transaction. Raises
    ValidationError, making nothing, for a bad month."""
    today = today or timezone.localdate()
    period = report_month(month, today=today)
    with transaction.atomic():
        latest = ReportRun.objects.filter(month=period.start).first()
        if latest is not None and (
            latest.working
            or (
                latest.status == ReportRunStatus.DONE and not again and not _outdated(latest, today)
            )
        ):
            return latest, False
        run = ReportRun(month=period.start, created_by=actor, steps_total=REPORT_STEPS)
        run.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                run.save()
        except IntegrityError:
            # Another administrator asked for the same month a moment ago: theirs is the run
            # (working, or already done by now).
            return ReportRun.objects.filter(month=period.start).first() or latest, False
        _enqueue(run)
    return run, True


def report_run_stuck(run: ReportRun, *, now: dt.datetime | None = None) -> bool:
    """A run nobody has worked on for REPORT_RUN_STUCK_MINUTES (its worker died, or the broker
    lost its message): the page offers to try again."""
    return run_stuck(run, minutes=settings.REPORT_RUN_STUCK_MINUTES, now=now)


def report_run_retry(*, run: ReportRun, actor) -> ReportRun:
    """Send a failed or stuck run to the task queue again; it counts the month from the start."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ReportRunStatus.FAILED and not report_run_stuck(run):
            raise ValidationError("This report has not failed and is not stuck: nothing to retry.")
        newer = (
            ReportRun.objects.filter(month=run.month, status__in=WORKING_STATUSES)
            .exclude(pk=run.pk)
            .first()
        )
        if newer is not None:
            raise ValidationError(
                f"The report for {run.month_label} is being made again already (run {newer.pk})."
            )
        now = timezone.now()
        run.status = ReportRunStatus.QUEUED
        run.steps_done = 0
        run.step = ""
        run.error = ""
        run.heartbeat_at = now
        run.started_at = run.finished_at = None
        try:
            with transaction.atomic():
                run.save(
                    update_fields=[
                        "status",
                        "steps_done",
                        "step",
                        "error",
                        "heartbeat_at",
                        "started_at",
                        "finished_at",
                    ]
                )
        except IntegrityError as exc:
            # Another administrator asked for the month, or retried another of its runs, a
            # moment ago (one run per month works at a time).
            raise ValidationError(
                f"The report for {run.month_label} is being made again already: reload the page."
            ) from exc
        _enqueue(run, again=True)
    return run


def _attempt(run: ReportRun, started: dt.datetime):
    """The run while this attempt is its current one: a retried run's earlier worker, still
    alive, writes nothing over the attempt that replaced it."""
    return ReportRun.objects.filter(pk=run.pk, status=ReportRunStatus.RUNNING, started_at=started)


def _progress(run: ReportRun, started: dt.datetime, done: int, step: str) -> None:
    _attempt(run, started).update(steps_done=done, step=step, heartbeat_at=timezone.now())


def _store(run: ReportRun, *, started: dt.datetime, stem: str, pdf: bytes, csv: bytes) -> bool:
    """Both files and the run done, in one transaction under the run's lock: a second worker on
    the same run (a re-sent message) finds it done and keeps nothing of its own."""
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = ReportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status != ReportRunStatus.RUNNING or locked.started_at != started:
                return False
            locked.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
            stored.append(locked.pdf.name)
            locked.csv.save(f"{stem}.csv", ContentFile(csv), save=False)
            stored.append(locked.csv.name)
            now = timezone.now()
            locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            locked.csv_sha256 = hashlib.sha256(csv).hexdigest()
            locked.status = ReportRunStatus.DONE
            locked.steps_done = locked.steps_total
            locked.step = ""
            locked.heartbeat_at = locked.finished_at = now
            locked.save()
    except BaseException:
        for name in stored:
            private_storage.delete(name)
        raise
    return True


def report_run_work(*, run_id: int) -> bool:
    """The task's work: each section counted with its progress on the run, then the PDF and
    the CSV rendered and stored. A run done or failed is left alone (returns False); a failure
    is recorded on the run for its page, then raised for the worker's log."""
    run = ReportRun.objects.filter(pk=run_id).first()
    if run is None or not run.working:
        return False
    now = timezone.now()
    ReportRun.objects.filter(pk=run.pk, status__in=WORKING_STATUSES).update(
        status=ReportRunStatus.RUNNING,
        steps_done=0,
        steps_total=REPORT_STEPS,
        step="",
        error="",
        started_at=now,
        heartbeat_at=now,
    )
    period = Period.month(run.month.year, run.month.month)
    try:
        # Counted to the day this attempt started when the month has not ended, as the run's
        # page says (ReportRun.counted_to).
        report = monthly_report(
            period,
            on_section=lambda position, name: _progress(run, now, position, name),
            today=timezone.localdate(now),
        )
        _progress(run, now, len(SECTIONS), "Writing the PDF")
        pdf = report_pdf(report)
        _progress(run, now, len(SECTIONS) + 1, "Storing the files")
        csv = report_csv(report).encode("utf-8")
        return _store(run, started=now, stem=report.file_stem, pdf=pdf, csv=csv)
    except Exception as exc:
        _attempt(run, now).update(
            status=ReportRunStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            step="",
            finished_at=timezone.now(),
        )
        raise
