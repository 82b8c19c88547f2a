"""The intake room's stored files, registered for the integrity checks (cases.integrity)."""

from cases.intake.models import ImportRun
from cases.integrity.stored import StoredKind, stored_kind_register


def stored_kinds_register() -> None:
    stored_kind_register(
        StoredKind(
            label="Import file",
            queryset=ImportRun.objects.all,
            file_field="file",
            sha256_field="sha256",
            case_field=None,
        )
    )
