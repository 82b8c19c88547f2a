"""eligibility_findings [--repair]: the dates the state's reports count each eligibility
finding under, compared with the case events they come from (cases.integrity.findings; beat
runs the same check daily)."""

from django.core.management.base import BaseCommand, CommandError

from cases.integrity.findings import eligibility_findings_check


class Command(BaseCommand):
    help = (
        "Work out again, from the case events, the date each eligibility finding counts under "
        "in the monthly report and the dashboard (its notice's Date Assigned as corrected, or the "
        "day it was recorded) and compare it with the stored dates. Prints each finding that "
        "differs and exits 1; with --repair, makes those rows again from the events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Rewrite each finding that differs from its events (in one transaction).",
        )

    def handle(self, *args, **options):
        check = eligibility_findings_check(repair=options["repair"])
        for line in check.lines():
            self.stdout.write(line)
        summary = f"{len(check.differing)} eligibility findings differ from their events"
        if check.differing and not check.repaired:
            raise CommandError(summary + " (run again with --repair to make them again)")
        self.stdout.write(summary + (", made again from them" if check.repaired else ""))
