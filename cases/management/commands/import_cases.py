"""import_cases FILE: take in applications from the intake JSON of SPEC section 7."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.intake.imports import IntakeFileUnreadable, differs_message, intake_file_parse
from cases.intake.services import cases_import
from cases.intake.validation import IntakeInvalid


class Command(BaseCommand):
    help = (
        "Import IMR applications from an intake JSON file (one object or a list; SPEC section 7). "
        "Record files are read relative to the JSON file. Prints '<application_id> "
        "<case_number> <status>' per case; an application already imported is left as it is "
        "and marked '(existing)', and the facts the file gives otherwise than the case on file are "
        "named on stderr. If anything is invalid, each problem is printed with its JSON "
        "path and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the intake JSON file.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file.") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{path} is a folder, not a JSON file.") from exc
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc}") from exc
        try:
            payload = intake_file_parse(raw)
        except IntakeFileUnreadable as exc:
            raise CommandError(f"{path} {exc}") from exc
        try:
            results = cases_import(
                payload=payload, actor=None, source="import", base_dir=path.resolve().parent
            )
        except IntakeInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path}: {exc}") from exc
        for result in results:
            line = f"{result.application_id} {result.case_number} {result.status}"
            self.stdout.write(line if result.created else f"{line} (existing)")
            if result.differs:
                # An application already on file, sent again with other facts: said, as the
                # import page and the API's `differs` say it (from QA: it passed in silence).
                self.stderr.write(f"{result.application_id}: {differs_message(result.differs)}")
