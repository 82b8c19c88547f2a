"""The case list as CSV: the rows of the current view (the same filters and sort), streamed so a
large export holds no more than a chunk of cases in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

from cases.lifecycle.models import Case, CaseOutcome, CaseStatus
from cases.registry import reviewer_side

# The list's columns, the same for every role that sees the list (a reviewer's list holds only
# the cases assigned to them; no column is hidden from anyone who sees the row).
HEADER = (
    "Case number",
    "Worker last name",
    "Worker first name",
    "Claim number",
    "Priority",
    "Status",
    "Received",
    "Due",
    "Outcome",
)
CHUNK = 500

# A cell a spreadsheet would read as a formula (=, +, -, @; tab and carriage return too) is
# written with a leading apostrophe, so opening the export runs nothing (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def outcomes_for(cases: Iterable[Case]) -> dict[int, str]:
    """{case id: outcome label} of the issued cases among `cases`: one query, none if no case
    is issued."""
    issued = [case.pk for case in cases if case.status == CaseStatus.ISSUED]
    if not issued:
        return {}
    found = reviewer_side().issued_outcomes(issued)
    return {case_id: CaseOutcome(outcome).label for case_id, outcome in found.items()}


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a stream."""

    def write(self, value: str) -> str:
        return value


def _row(case: Case, outcome: str) -> list[str]:
    values = [
        case.case_number,
        case.worker_last_name,
        case.worker_first_name,
        case.claim_number,
        case.get_priority_display(),
        case.get_status_display(),
        case.application_received.isoformat() if case.application_received else "",
        case.due_on.isoformat() if case.due_on else "",
        outcome,
    ]
    return [cell_safe(str(value)) for value in values]


def case_list_rows(cases) -> Iterator[str]:
    """The CSV lines of `cases` (a queryset), header first; a chunk of cases per query."""
    writer = csv.writer(_Echo())
    yield writer.writerow(HEADER)
    chunk: list[Case] = []
    for case in cases.prefetch_related(None).iterator(chunk_size=CHUNK):
        chunk.append(case)
        if len(chunk) == CHUNK:
            yield from _chunk_lines(writer, chunk)
            chunk = []
    yield from _chunk_lines(writer, chunk)


def _chunk_lines(writer, chunk: list[Case]) -> Iterator[str]:
    outcomes = outcomes_for(chunk)
    for case in chunk:
        yield writer.writerow(_row(case, outcomes.get(case.pk, "")))
