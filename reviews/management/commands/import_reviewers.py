"""manage.py import_reviewers FILE: load the reviewer roster (SPEC section 7)."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cases.jsoncheck import JsonKeyRepeated, JsonTooDeep, json_loads
from reviews.roster.services import RosterInvalid, reviewers_import


def json_file_read(path: str) -> Any:
    """The parsed JSON file, or a CommandError with a one-line reason."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: cannot be read ({exc}).") from None
    try:
        return json_loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})."
        ) from None
    except JsonTooDeep as exc:
        raise CommandError(f"{path}: {exc}.") from None
    except JsonKeyRepeated as exc:
        raise CommandError(f"{path}: {exc}.") from None


def problems_report(command: BaseCommand, path: str, error: RosterInvalid) -> CommandError:
    """Write each problem to stderr as `<path>: <message>`; return the one-line summary."""
    for problem in error.errors:
        command.stderr.write(str(problem))
    count = len(error.errors)
    return CommandError(
        f"{path}: {count} problem{'s' if count != 1 else ''}; nothing was imported."
    )


class Command(BaseCommand):
    help = (
        "Create or update expert reviewers from a roster JSON file (a list of reviewers, "
        "idempotent by external_id; SPEC section 7). Each listed reviewer's licences, "
        "certifications, affiliations and leave are replaced by the file's. Prints "
        "'<external_id> <username> <created|updated|unchanged>' per reviewer. An invalid file "
        "writes nothing: each problem is printed as '<json path>: <message>' and the command "
        "exits non-zero. New reviewers have no password until an administrator sets one."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the roster JSON file.")

    def handle(self, *args, **options):
        path = options["file"]
        payload = json_file_read(path)
        try:
            results = reviewers_import(payload=payload)
        except RosterInvalid as exc:
            raise problems_report(self, path, exc) from None
        for result in results:
            self.stdout.write(str(result))
