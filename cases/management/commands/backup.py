"""backup DEST: the database, the private file store and the signing key, encrypted."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from imrsite.backup import BackupError, backup_key_new, backup_write


class Command(BaseCommand):
    help = (
        "Write one encrypted archive (AES-256-GCM with BACKUP_ENCRYPTION_KEY) holding the "
        "database (pg_dump -Fc, or SQLite's online backup), every file of the private store "
        "(records, letters, notices, print batches) and the letter-signing key and "
        "certificate, with a manifest of each one's SHA-256. README: 'Backups'."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", nargs="?", help="The archive to write (never overwritten).")
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="Print a new BACKUP_ENCRYPTION_KEY and write nothing.",
        )

    def handle(self, *args, **options):
        if options["new_key"]:
            self.stdout.write(backup_key_new())
            return
        if not options["dest"]:
            raise CommandError("Name the archive to write: manage.py backup DEST.")
        try:
            summary = backup_write(Path(options["dest"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{summary.path}: database ({summary.database}), {summary.files} stored files "
            f"({filesizeformat(summary.bytes)}), signing: {', '.join(summary.signing) or 'none'}"
        )
