"""manage.py suggest_reviewers CASE_NUMBER [--json]: the Assign page on the command line."""

import json

from django.core.management.base import BaseCommand, CommandError

from cases.lifecycle.models import Case, PartyRole
from reviews.assignment.matching import reviewers_for_case
from reviews.assignment.selectors import case_waits_for_reviewer


def table_format(header: list[str], rows: list[list[str]], *, right: frozenset[int]) -> list[str]:
    """Rows as text columns padded to the widest cell; the last column is left unpadded."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def reasons_join(reasons: list[str]) -> str:
    """Sentences on one line: "No medical licence on file; On leave." """
    return "; ".join(reason.strip().rstrip(".") for reason in reasons) + "."


class Command(BaseCommand):
    help = (
        "List every reviewer for a case, as the Assign page shows them (SPEC section 4): the "
        "eligible ones ranked (same specialty as the requesting provider first, then lower "
        "load, then more spare days before the case is due) with their match score, then "
        "everyone excluded with every reason. --json prints "
        '{"case", "eligible": [{"external_id", "name", "score", "reasons"}], '
        '"excluded": [{"external_id", "name", "reasons"}]}. Writes nothing.'
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="The case number, e.g. CM16-0213037.")
        parser.add_argument(
            "--json", action="store_true", help="Print the result as one JSON object."
        )

    def handle(self, *args, **options):
        number = options["case_number"].strip()
        case = Case.objects.filter(case_number__iexact=number).first()
        if case is None:
            raise CommandError(f"No case {number}.")
        result = reviewers_for_case(case)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
            return
        for line in self._report(result):
            self.stdout.write(line)

    def _report(self, result) -> list[str]:
        case = result.case
        provider = case.party(PartyRole.REQUESTING_PROVIDER)
        categories = ", ".join(
            dict.fromkeys(item.get_category_display() for item in case.items.all())
        )
        facts = [
            case.get_priority_display(),
            categories or "no disputed items",
            "requesting provider: "
            + ((provider.specialty if provider else "") or "specialty not given"),
        ]
        if case.due_on:
            facts.append(f"due {case.due_on:%m/%d/%Y}")
        lines = [f"{case.case_number}: " + " · ".join(facts)]
        if not case_waits_for_reviewer(case):
            lines.append(
                f"This case is {case.get_status_display().lower()}: it is not waiting for a "
                "reviewer, so nobody can be assigned now."
            )

        lines += ["", f"Eligible reviewers ({len(result.eligible)}), best first:"]
        if result.eligible:
            rows = [
                [
                    str(rank),
                    candidate.entry.external_id,
                    candidate.entry.name,
                    str(candidate.score),
                    reasons_join(candidate.reasons),
                ]
                for rank, candidate in enumerate(result.eligible, start=1)
            ]
            header = ["#", "External id", "Name", "Score", "Why they fit"]
            lines += table_format(header, rows, right=frozenset({0, 3}))
        else:
            lines.append("No reviewer is eligible for this case; the reasons for each are below.")

        lines += ["", f"Excluded ({len(result.excluded)}):"]
        if result.excluded:
            rows = [
                [candidate.entry.external_id, candidate.entry.name, reasons_join(candidate.reasons)]
                for candidate in result.excluded
            ]
            header = ["External id", "Name", "Every reason"]
            lines += table_format(header, rows, right=frozenset())
        else:
            lines.append("Nobody is excluded.")
        return lines
