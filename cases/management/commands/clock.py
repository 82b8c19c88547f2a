"""manage.py clock FILE: the statutory clock from facts alone (SPEC section 3)."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from cases.clock.calculator import FactsError, calculate, compute, parse_facts


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
            if not isinstance(data, list):
                self.stdout.write(json.dumps(calculate(data), indent=2))
                return
            # Every object is checked before anything is written, so bad input still exits
            # with no output; the results are then written as they are computed, never all
            # held at once.
            facts = [parse_facts(each, f"$[{index}]") for index, each in enumerate(data)]
        except FactsError as error:
            raise CommandError(str(error)) from None
        del data
        self._write_list(facts)

    def _write_list(self, facts: list) -> None:
        """The JSON list as json.dumps(results, indent=2) writes it, one object at a time."""
        out = self.stdout
        if not facts:
            out.write("[]")
            return
        out.write("[", ending="\n")
        last = len(facts) - 1
        for index, each in enumerate(facts):
            text = json.dumps(compute(each).as_json(), indent=2)
            out.write("  " + text.replace("\n", "\n  "), ending=",\n" if index < last else "\n")
            facts[index] = None  # let it go
        out.write("]")
