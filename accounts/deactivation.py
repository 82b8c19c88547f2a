"""What a login left undone when it is deactivated, said to the administrator who unticked
"Active" (from QA: a reviewer holding open cases was deactivated without a word, and the cases
waited on someone who could no longer act), and told to the people who act on it (the case
administrators, who reassign the cases). The rooms above accounts know the work (the reviewer
side: open assignments) and register a callable here at start-up, so no import points upward."""

from collections.abc import Callable
from typing import Any

# Each takes the deactivated user and returns a warning (HTML made safe, with links) or None.
_work_left_readers: list[Callable[[Any], str | None]] = []


def work_left_register(reader: Callable[[Any], str | None]) -> None:
    if reader not in _work_left_readers:
        _work_left_readers.append(reader)


def work_left_warnings(user) -> list[str]:
    return [warning for reader in _work_left_readers if (warning := reader(user))]


# Each takes the deactivated user and tells whoever must act on what it left (in the
# deactivation's transaction).
_work_left_announcers: list[Callable[[Any], None]] = []


def work_left_announcer_register(announce: Callable[[Any], None]) -> None:
    if announce not in _work_left_announcers:
        _work_left_announcers.append(announce)


def work_left_announce(user) -> None:
    for announce in _work_left_announcers:
        announce(user)
