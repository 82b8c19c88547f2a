"""manage.py import_decisions PATH"""

from __future__ import annotations

import subprocess
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from reviews.precedents.models import PrecedentSource
from reviews.precedents.published import CASE_NUMBER, LetterUnreadable, letter_parse
from reviews.precedents.services import precedent_record

SUFFIXES = (".txt", ".pdf")
# The longest a key may be (PrecedentDecision.case_number).
KEY_LENGTH = 64


def letter_text(path: Path) -> str:
    """The text of a .txt file, or of a PDF as `pdftotext -layout` reads it."""
    if path.suffix.lower() == ".pdf":
        try:
            done = subprocess.run(
                ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                capture_output=True,
                check=False,
                timeout=120,
            )
        except FileNotFoundError as exc:
            raise LetterUnreadable("pdftotext (poppler-utils) is not installed") from exc
        except subprocess.TimeoutExpired as exc:
            raise LetterUnreadable("pdftotext took longer than 120 seconds") from exc
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise LetterUnreadable(f"pdftotext failed: {reason[-1] if reason else 'no reason'}")
        return done.stdout.decode(errors="replace")
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise LetterUnreadable(f"cannot read it: {exc.strerror or exc}") from exc


def letter_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            child
            for child in path.iterdir()
            if child.is_file() and child.suffix.lower() in SUFFIXES
        )
    return [path]


def letter_key(case_number: str | None, path: Path) -> str:
    """The letter's case number; else one in its file name; else the file name itself (a
    letter published without its header block, like the seed letter, is keyed by its name so
    importing it again updates it)."""
    if case_number:
        return case_number
    found = CASE_NUMBER.search(path.name)
    if found:
        return found.group(0)
    if len(path.stem) > KEY_LENGTH:
        raise LetterUnreadable(
            f"no case number in the letter, and the file name is longer than {KEY_LENGTH} "
            "characters to stand for one"
        )
    return path.stem


class Command(BaseCommand):
    help = (
        "Load published IMR decisions (the state's public letters, as .txt or PDF) into the "
        "precedent library, by case number: importing a letter again updates it. Prints one "
        "line per decision, '<case_number> <number of items> <outcome>'; each file it cannot "
        "read is named on stderr with the reason, and the exit status is 1 if any failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A .txt or .pdf letter, or a folder of them.")

    def handle(self, *args, path, **options):
        root = Path(path)
        if not root.exists():
            raise CommandError(f"{path}: no such file or folder")
        files = letter_files(root)
        if not files:
            raise CommandError(f"{path}: no .txt or .pdf files in it")
        failed = 0
        for file in files:
            try:
                parsed = letter_parse(letter_text(file))
                key = letter_key(parsed.case_number, file)
                decision, _ = precedent_record(
                    case_number=key,
                    source=PrecedentSource.PUBLISHED,
                    items=parsed.items,
                    decided_on=parsed.decided_on,
                    priority=parsed.priority,
                    reviewer_specialty=parsed.reviewer_specialty,
                )
            except (LetterUnreadable, ValidationError, ValueError, DatabaseError) as exc:
                failed += 1
                self.stderr.write(f"{file}: {exc}")
                continue
            self.stdout.write(f"{key} {len(parsed.items)} {parsed.outcome}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} files could not be read", returncode=1)
