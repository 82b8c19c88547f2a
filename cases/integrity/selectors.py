from django.conf import settings

from cases.integrity.models import IntegrityCheckRun, IntegrityFinding

# The page lists this many of the latest findings and runs.
PAGE_FINDINGS = 200
PAGE_RUNS = 10


def integrity_overview() -> dict:
    return {
        "findings": list(
            IntegrityFinding.objects.select_related("case", "actor", "run")[:PAGE_FINDINGS]
        ),
        "runs": list(IntegrityCheckRun.objects.all()[:PAGE_RUNS]),
        "interval_hours": round(settings.INTEGRITY_CHECK_INTERVAL_SECONDS / 3600, 1),
    }
