"""eligibility_findings [--repair]: the dates the state's reports count each eligibility
finding under, compared with the case events they come from."""

from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.lifecycle.findings import FINDING_EVENT_TYPES, FindingDates, findings_replayed
from cases.lifecycle.models import Case, CaseEvent, EligibilityFinding

# The stored columns, in the order FindingDates.as_tuple gives them.
_COLUMNS = tuple(field.name for field in fields(FindingDates))
CHUNK = 5000


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
        with transaction.atomic():
            differing = self._compare(lock=options["repair"])
            numbers = dict(
                Case.objects.filter(
                    pk__in={(want or have)[1] for _kind, want, have in differing}
                ).values_list("pk", "case_number")
            )
            for kind, want, have in differing:
                self.stdout.write(self._line(kind, want, have, numbers))
            if differing and options["repair"]:
                self._repair(differing)
        summary = f"{len(differing)} eligibility findings differ from their events"
        if differing and not options["repair"]:
            raise CommandError(summary + " (run again with --repair to make them again)")
        self.stdout.write(summary + (", made again from them" if differing else ""))

    def _compare(self, *, lock: bool):
        """(kind, from the events, stored) for each finding that differs, reading both in the
        order of case and event: memory stays flat however many findings there are."""
        stored_rows = EligibilityFinding.objects.order_by("case_id", "event_id")
        if lock:
            stored_rows = stored_rows.select_for_update()
        stored = iter(stored_rows.values_list(*_COLUMNS).iterator(chunk_size=CHUNK))
        events = (
            CaseEvent.objects.filter(type__in=FINDING_EVENT_TYPES)
            .order_by("case_id", "pk")
            .values_list("pk", "case_id", "type", "created_at", "details")
            .iterator(chunk_size=CHUNK)
        )
        replayed = (finding.as_tuple() for finding in findings_replayed(events))
        differing = []
        want, have = next(replayed, None), next(stored, None)
        while want is not None or have is not None:
            want_key = (want[1], want[0]) if want else None
            have_key = (have[1], have[0]) if have else None
            if have is None or (want is not None and want_key < have_key):
                differing.append(("missing", want, None))
                want = next(replayed, None)
            elif want is None or have_key < want_key:
                differing.append(("not a finding", None, have))
                have = next(stored, None)
            else:
                if want != have:
                    differing.append(("dated differently", want, have))
                want, have = next(replayed, None), next(stored, None)
        return differing

    def _repair(self, differing) -> None:
        stale = [have[0] for _kind, _want, have in differing if have is not None]
        EligibilityFinding.objects.filter(event_id__in=stale).delete()
        EligibilityFinding.objects.bulk_create(
            EligibilityFinding(**vars(FindingDates(*want)))
            for _kind, want, _have in differing
            if want is not None
        )

    @staticmethod
    def _line(kind: str, want, have, numbers: dict[int, str]) -> str:
        row = want or have
        words = f"{numbers.get(row[1], row[1])} event {row[0]}: {kind}"
        if want is not None and have is not None:
            changed = [
                f"{name} {old or '-'} → {new or '-'}"
                for name, old, new in zip(_COLUMNS[2:], have[2:], want[2:], strict=True)
                if old != new
            ]
            words += ": " + ", ".join(changed)
        elif want is not None:
            words += f", counts on {want[6]}"
        return words
