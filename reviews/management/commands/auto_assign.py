"""manage.py auto_assign [--dry-run] [--json]: batch assignment of every waiting case."""

import json

from django.core.management.base import BaseCommand

from reviews.assignment.services import assignments_auto


class Command(BaseCommand):
    help = (
        "Assign every case waiting for a reviewer at once (SPEC section 4): the highest total "
        "match score within each reviewer's remaining capacity, expedited cases first, ties "
        "resolved the same way every time. Each assignment is checked again as it is made and "
        "the reviewer is notified. Prints '<case_number> -> <external_id> (<name>) score N' per "
        "planned assignment, the cases nobody can take with the reason, the total score and, for "
        "a real run, how many were assigned and any refused at the last check. --dry-run only "
        'prints the plan. --json prints the plan as {"assignments", "unassigned", '
        '"total_score", "assigned", "refused", "dry_run"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the plan; assign nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the outcome as one JSON object."
        )

    def handle(self, *args, **options):
        dry_run = options["dry_run"]
        outcome = assignments_auto(actor=None, dry_run=dry_run)
        plan = outcome.plan
        refused = [{"case": number, "reason": message} for number, message in outcome.refused]
        if options["json"]:
            data = {
                **plan.as_dict(),
                "assigned": len(outcome.assigned),
                "refused": refused,
                "dry_run": dry_run,
            }
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return

        if not plan.assignments and not plan.unassigned:
            self.stdout.write("No case is waiting for a reviewer; nothing to assign.")
            return
        heading = "Plan (dry run: nothing was assigned)" if dry_run else "Plan"
        self.stdout.write(f"{heading}: {len(plan.assignments)} case(s)")
        for planned in plan.assignments:
            self.stdout.write(
                f"  {planned.case_number} -> {planned.entry.external_id} "
                f"({planned.entry.name}) score {planned.score}"
            )
        if plan.unassigned:
            self.stdout.write(f"Nobody can take ({len(plan.unassigned)}):")
            for number, reason in plan.unassigned:
                self.stdout.write(f"  {number}: {reason}")
        self.stdout.write(f"Total score: {plan.total_score}")
        if dry_run:
            return
        notified = "; the reviewers are being notified" if outcome.assigned else ""
        self.stdout.write(
            f"Assigned: {len(outcome.assigned)} of {len(plan.assignments)} planned{notified}."
        )
        if outcome.refused:
            self.stdout.write(f"Refused at the last check ({len(outcome.refused)}):")
            for number, message in outcome.refused:
                self.stdout.write(f"  {number}: {message}")
