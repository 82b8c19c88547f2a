"""Which of a case's records count: a withdrawn record stays on file for the audit but is
out of the reviewer's workspace, the letter's documents reviewed and the eligibility checks."""

from django.db.models import QuerySet

from cases.lifecycle.models import Case
from cases.records.models import MedicalRecord


def records_in_file(case: Case) -> QuerySet[MedicalRecord]:
    """The records the review rests on: every record not withdrawn."""
    return case.records.filter(withdrawn_at__isnull=True)
