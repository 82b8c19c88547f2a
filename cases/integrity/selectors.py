from django.conf import settings

from cases.integrity.models import IntegrityCheckRun, IntegrityFinding

# The page lists this many of the latest findings and runs.
PAGE_FINDINGS = 200
PAGE_RUNS = 10


def schedule_said(schedule) -> str:
    """When beat runs a check, as the page says it: a number of seconds, or a daily crontab
    (imrsite.settings.beat_daily_or_every)."""
    if isinstance(schedule, int | float):
        return f"every {schedule / 3600:g} hours"
    (hour,), (minute,) = schedule.hour, schedule.minute
    return f"daily at {hour:02d}:{minute:02d}, California time"


def sound_again(
    finding: IntegrityFinding, latest: IntegrityCheckRun | None, failed_in_latest
) -> bool:
    """The one rule for a file found failing: it is sound again (restored from a backup) when
    the latest finished check of every file started after the finding and did not find it
    (`failed_in_latest`: the (kind, object_id) pairs that check found)."""
    return (
        latest is not None
        and finding.found_at < latest.started_at
        and (finding.kind, finding.object_id) not in failed_in_latest
    )


def already_reported(
    *, kind: str, object_id: int, problem: str, expected: str, actual: str
) -> IntegrityFinding | None:
    """The latest earlier finding of this file if it failed the same way and nothing has shown
    it sound since: the file is still failing, as already reported. None for a new failure."""
    last = IntegrityFinding.objects.filter(kind=kind, object_id=object_id).first()
    if last is None or (last.problem, last.expected_sha256, last.actual_sha256) != (
        problem,
        expected,
        actual,
    ):
        return None
    latest = IntegrityCheckRun.objects.filter(finished_at__isnull=False).first()
    failed = (
        set(latest.findings.filter(kind=kind, object_id=object_id).values_list("kind", "object_id"))
        if latest is not None
        else set()
    )
    return None if sound_again(last, latest, failed) else last


def integrity_overview() -> dict:
    """The latest findings, each with `passed_in`: the latest finished check of every file when
    it started after the finding and found that file sound (restored from a backup), else None;
    `failing`: how many different files are still failing, however often each was found."""
    findings = list(IntegrityFinding.objects.select_related("case", "actor", "run")[:PAGE_FINDINGS])
    runs = list(IntegrityCheckRun.objects.all()[:PAGE_RUNS])
    # Among the runs the page lists: ten interrupted runs in a row say nothing is sound again.
    latest = next((run for run in runs if run.finished_at is not None), None)
    failed_in_latest = (
        set(latest.findings.values_list("kind", "object_id")) if latest is not None else set()
    )
    failing = set()
    for finding in findings:
        passed = sound_again(finding, latest, failed_in_latest)
        finding.passed_in = latest if passed else None
        if not passed:
            failing.add((finding.kind, finding.object_id))
    return {
        "findings": findings,
        "failing": len(failing),
        "runs": runs,
        "schedule": schedule_said(settings.CELERY_BEAT_SCHEDULE["stored-files-verify"]["schedule"]),
    }
