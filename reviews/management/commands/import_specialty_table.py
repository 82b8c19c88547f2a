"""manage.py import_specialty_table FILE: replace the category-to-specialties table."""

from django.core.management.base import BaseCommand

from reviews.management.commands.import_reviewers import json_file_read, problems_report
from reviews.roster.services import RosterInvalid, specialty_table_import


class Command(BaseCommand):
    help = (
        'Replace the whole category-to-specialties table from a JSON file such as {"injection": '
        '["Pain Management", "Anesthesiology"], "chiropractic": ["Chiropractic"]} (SPEC '
        "section 7). Keys are item category slugs. A specialty not yet in the vocabulary is "
        "added to it; names match case- and punctuation-insensitively. Categories the file "
        "leaves out end with no accepted specialty, so no reviewer is eligible for their items: "
        "the command warns about each. An invalid file writes nothing and exits non-zero."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the specialty table JSON file.")

    def handle(self, *args, **options):
        path = options["file"]
        payload = json_file_read(path)
        try:
            summary = specialty_table_import(payload=payload)
        except RosterInvalid as exc:
            raise problems_report(self, path, exc) from None
        new = ", ".join(summary.new_specialties) if summary.new_specialties else "none"
        categories = f"{summary.categories} categor{'y' if summary.categories == 1 else 'ies'}"
        self.stdout.write(
            f"Specialty table replaced: {categories}, {summary.rows} category-specialty rows; "
            f"new specialties: {new}."
        )
        if summary.categories_without_specialties:
            self.stderr.write(
                self.style.WARNING(
                    "Warning: no specialty is accepted for "
                    + ", ".join(summary.categories_without_specialties)
                    + "; a case with such an item has no eligible reviewer."
                )
            )
