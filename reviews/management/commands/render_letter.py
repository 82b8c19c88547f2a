"""manage.py render_letter CASE_NUMBER --out FILE [--public]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cases.lifecycle.models import Case
from reviews.determination.models import Determination, DeterminationStatus
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import TRANSIENT_ERRORS, letter_fail, letter_produce, letter_request


class Command(BaseCommand):
    help = (
        "Write a case's signed Final Determination Letter to a file. A letter already signed is "
        "written as stored (never rendered again); otherwise the letter is rendered, signed, "
        "stored (and, for a case approved here, delivered and issued) now, without a worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("case_number")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--public",
            action="store_true",
            help="The public version (the body only, as the state publishes it).",
        )

    def handle(self, *args, case_number, out, public, **options):
        case = Case.objects.filter(case_number=case_number).first()
        if case is None:
            raise CommandError(f"No case {case_number}.")
        letter = self._letter_signed(case)
        if letter is None:
            letter = self._letter_produce(case)
        stored = letter.public_pdf if public else letter.party_pdf
        with stored.open("rb") as source:
            content = source.read()
        try:
            Path(out).write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror or exc}") from exc
        which = "public" if public else "party"
        digest = letter.public_sha256 if public else letter.party_sha256
        self.stdout.write(
            f"{case.case_number} letter v{letter.version} ({which}) {out} sha256={digest}"
        )

    def _letter_signed(self, case) -> Letter | None:
        return (
            Letter.objects.filter(case=case)
            .exclude(party_sha256="")
            .select_related("case")
            .order_by("-version")
            .first()
        )

    def _letter_produce(self, case) -> Letter:
        pending = (
            Letter.objects.filter(case=case)
            .exclude(status__in=[LetterStatus.SIGNED, LetterStatus.DELIVERED])
            .order_by("-version")
            .first()
        )
        if pending is None:
            determination = (
                Determination.objects.filter(
                    case=case,
                    status__in=[DeterminationStatus.APPROVED, DeterminationStatus.ISSUED],
                )
                .order_by("-round")
                .first()
            )
            if determination is None:
                raise CommandError(
                    f"{case.case_number} has no approved determination to render a letter from."
                )
            try:
                pending = letter_request(determination=determination, actor=None, enqueue=False)
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        try:
            letter_produce(letter_id=pending.pk)
        except TRANSIENT_ERRORS as exc:
            letter_fail(letter_id=pending.pk, error=f"{type(exc).__name__}: {exc}")
            raise CommandError(f"The letter could not be produced: {exc}") from exc
        return Letter.objects.select_related("case").get(pk=pending.pk)
