"""manage.py clock FILE: the statutory clock from facts alone (SPEC section 3)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from cases.clock.calculator import FactsError, calculate


class Command(BaseCommand):
    help = (
        "Computes the statutory deadlines, each with its explanation, from a JSON facts object "
        "or a list of them (FILE, or - for standard input); prints the same shape of JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the facts JSON, or - to read standard input")

    def handle(self, *args, file, **options):
        try:
            if file == "-":
                data = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    data = json.load(handle)
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        except json.JSONDecodeError as error:
            raise CommandError(f"{file} is not JSON: {error}") from None
        try:
            if isinstance(data, list):
                result = [calculate(facts, f"$[{index}]") for index, facts in enumerate(data)]
            else:
                result = calculate(data)
        except FactsError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(result, indent=2))
