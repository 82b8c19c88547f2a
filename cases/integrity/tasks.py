from celery import shared_task

from cases.integrity.checks import stored_files_verify
from cases.integrity.findings import eligibility_findings_scheduled


# Idempotent: a second run only checks again. One run at a time is enough (beat's interval).
@shared_task(name="cases.tasks.stored_files_verify", acks_late=True)
def stored_files_verify_task() -> int:
    return stored_files_verify().run.problems


# Idempotent: a second run finds nothing left to repair.
@shared_task(name="cases.tasks.eligibility_findings_check", acks_late=True)
def eligibility_findings_check_task() -> int:
    return eligibility_findings_scheduled()
