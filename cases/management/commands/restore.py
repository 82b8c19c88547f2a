"""restore SRC: a backup into an empty database and file store, every hash checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.integrity.checks import stored_files_verify
from cases.lifecycle.models import Case
from cases.records.models import MedicalRecord
from imrsite.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into the configured database (DATABASE_URL, "
        "which must be empty: a new database), the file store (PRIVATE_MEDIA_ROOT or the "
        "bucket, empty) and the signing key's paths. Each member is checked against the "
        "manifest's SHA-256, then every stored file against the SHA-256 the restored database "
        "records for it; exits 1 on any difference. README: 'Backups'."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", help="The archive written by `manage.py backup`.")

    def handle(self, *args, **options):
        try:
            summary = backup_restore(Path(options["src"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {summary.members} members ({summary.files} stored files, signing: "
            f"{', '.join(summary.signing) or 'none'}); each matched the manifest."
        )
        check = stored_files_verify()
        counts = f"{Case.objects.count()} cases, {MedicalRecord.objects.count()} records"
        if check.findings:
            raise CommandError(
                f"{counts}; {check.run.problems} of {check.run.files_checked} stored files do not "
                "match the SHA-256 the database records (see /integrity/)."
            )
        self.stdout.write(
            f"{counts}; all {check.run.files_checked} stored files match their recorded SHA-256."
        )
