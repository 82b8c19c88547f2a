"""The intake checker's base: the generic JSON checks (cases.jsoncheck) with intake's own
notion of a date (one that has happened), and small helpers the subject checks share."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

from cases.jsoncheck import Checker, happened_problem, key_path


def max_length_of(model, field: str) -> int:
    return model._meta.get_field(field).max_length


_ASCII_CAPITALS = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def application_id_key(value: str | None) -> str | None:
    """An application ID as kept: its letters in capitals, as the state prints them, so the
    same application typed "a-2016-000123" and "A-2016-000123" is one case, not two (from
    QA). Only ASCII letters change: SQLite and PostgreSQL agree on those."""
    return value.translate(_ASCII_CAPITALS) if value else value


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class IntakeCheckerBase(Checker):
    """Walks a payload of applications with intake's rules on top of the generic checks."""

    def __init__(self, *, base_dir: Path | None, today: dt.date):
        super().__init__()
        self.base_dir = base_dir
        self.today = today

    def date(self, parent: dict, key: str, path: str, *, required: bool = False):
        """A YYYY-MM-DD date that has happened: every intake date records a past event
        (happened_problem)."""
        day = super().date(parent, key, path, required=required)
        problem = happened_problem(day, today=self.today) if day else None
        if problem:
            self.error(key_path(path, key), f"{day} {problem}")
        return day
