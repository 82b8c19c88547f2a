"""manage.py verify_letter FILE"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reviews.letters.verify import letter_verify


class Command(BaseCommand):
    help = (
        "Check a Final Determination Letter or notice PDF: is its signature valid, is it one "
        "we issued, and is it the current version? Exits 0 only when all three hold."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The letter or notice (PDF).")

    def handle(self, *args, file, **options):
        try:
            content = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc
        result = letter_verify(content)
        if not result.ok:
            raise CommandError(result.message, returncode=1)
        self.stdout.write(result.message)
