"""export_case CASE_NUMBER: a case as JSON, in the intake shape plus where it stands."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.casefile.exports import case_export
from cases.integrity.stored import StoredFileCorrupt
from cases.lifecycle.models import Case


class Command(BaseCommand):
    help = (
        "Print a case as JSON: the intake shape of SPEC section 7 (records embedded in base64, "
        "so the output can be given to import_cases again) plus status, round, clocks, "
        "assignment (the reviewer's username), outcome and letter hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="The case number, e.g. CM15-0046802.")
        parser.add_argument(
            "--no-content",
            action="store_true",
            help="Leave the records' PDF bytes out (their SHA-256, size and pages remain).",
        )

    def handle(self, *args, **options):
        number = options["case_number"].strip()
        case = (
            Case.objects.filter(case_number__iexact=number)
            .prefetch_related("parties", "items")
            .first()
        )
        if case is None:
            raise CommandError(f"No case {number}.")
        try:
            data = case_export(
                case, include_content=not options["no_content"], include_reviewer=True
            )
        except StoredFileCorrupt as error:
            raise CommandError(f"Not exported: {error} (see /integrity/).") from error
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
