"""manage.py precedents_rebuild"""

from django.core.management.base import BaseCommand

from reviews.determination.models import Determination, DeterminationStatus
from reviews.precedents.services import precedent_record_determination


class Command(BaseCommand):
    help = (
        "Fill the precedent library from every issued determination (those issued before it "
        "existed, or after a restore). Idempotent: each case's latest issued round is kept, by "
        "case number. Prints how many decisions were recorded."
    )

    def handle(self, *args, **options):
        issued = (
            Determination.objects.filter(status=DeterminationStatus.ISSUED)
            .select_related("case")
            .order_by("case_id", "round")
        )
        count = 0
        for determination in issued.iterator(chunk_size=500):
            # Rounds in order: a remanded case's later round replaces the earlier one.
            precedent_record_determination(determination)
            count += 1
        noun = "determination" if count == 1 else "determinations"
        self.stdout.write(f"{count} issued {noun} recorded in the precedent library")
