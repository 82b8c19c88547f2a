"""The records room's stored files, registered for the integrity checks (cases.integrity)."""

from cases.integrity.stored import StoredKind, stored_kind_register
from cases.records.models import MedicalRecord


def stored_kinds_register() -> None:
    stored_kind_register(
        StoredKind(
            label="Medical record",
            queryset=MedicalRecord.objects.all,
            file_field="file",
            sha256_field="sha256",
        )
    )
