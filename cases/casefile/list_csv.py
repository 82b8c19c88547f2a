"""The case list as CSV: the rows of the current view (the same filters and sort), streamed so a
large export holds no more than a chunk of cases in memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from cases.lifecycle.models import Case, CaseOutcome, CaseStatus
from cases.registry import reviewer_side
from cases.spreadsheet import csv_line_writer, csv_row

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
    "Due for",
    "Days left",
    "Outcome",
)
CHUNK = 500


def outcomes_for(cases: Iterable[Case]) -> dict[int, str]:
    """{case id: outcome label} of the issued cases among `cases`: one query, none if no case
    is issued."""
    issued = [case.pk for case in cases if case.status == CaseStatus.ISSUED]
    if not issued:
        return {}
    found = reviewer_side().issued_outcomes(issued)
    return {case_id: CaseOutcome(outcome).label for case_id, outcome in found.items()}


def _row(case: Case, outcome: str) -> list[str]:
    # What the list's Due column shows (Case.list_clock): the running clock's date, what it is
    # for and the days left (negative once overdue), or a deferral in words.
    clock = case.list_clock
    values = [
        case.case_number,
        case.worker_last_name,
        case.worker_first_name,
        case.claim_number,
        case.get_priority_display(),
        case.get_status_display(),
        case.application_received.isoformat() if case.application_received else "",
        clock.due_on.isoformat() if clock.due_on else "",
        clock.running_label or clock.deferred_text,
        clock.days_left,
        outcome,
    ]
    return csv_row(values)


def case_list_rows(cases) -> Iterator[str]:
    """The CSV lines of `cases` (a queryset), header first; a chunk of cases per query."""
    writer = csv_line_writer()
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
