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


def integrity_overview() -> dict:
    return {
        "findings": list(
            IntegrityFinding.objects.select_related("case", "actor", "run")[:PAGE_FINDINGS]
        ),
        "runs": list(IntegrityCheckRun.objects.all()[:PAGE_RUNS]),
        "schedule": schedule_said(settings.CELERY_BEAT_SCHEDULE["stored-files-verify"]["schedule"]),
    }
