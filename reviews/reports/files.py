"""The reports room's stored files, registered for the integrity checks (cases.integrity): each
monthly report run's PDF and CSV."""

from cases.integrity.stored import StoredKind, stored_kind_register
from reviews.reports.models import ReportRun


def stored_kinds_register() -> None:
    for kind in (
        StoredKind("Monthly report (PDF)", ReportRun.objects.all, "pdf", "pdf_sha256", None),
        StoredKind("Monthly report (CSV)", ReportRun.objects.all, "csv", "csv_sha256", None),
    ):
        stored_kind_register(kind)
