"""CSV a spreadsheet opens safely, one rule for every export (the case list, the audit log, the
precedents, the dashboard and the monthly report), and the response it goes out in. It imports
no room."""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

# A cell a spreadsheet would read as a formula (=, +, -, @; tab and carriage return too) is
# written with a leading apostrophe, so opening the export runs nothing (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Every export says its encoding: without it a browser or spreadsheet may guess Latin-1 and
# garble an accented name ("José" as "JosÃ©"). No byte-order mark, in every export alike.
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def csv_cell(value) -> str:
    """A value as a cell a spreadsheet shows as text, never runs: None is empty; a number is
    written as itself (a negative one is no formula)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_row(values) -> list[str]:
    return [csv_cell(value) for value in values]


class _Echo:
    """A file whose write returns the line: csv.writer into it gives each line to stream."""

    def write(self, value: str) -> str:
        return value


def csv_line_writer():
    """A csv.writer whose writerow returns the line written (for a streamed response)."""
    return csv.writer(_Echo())


def csv_response(content: str | Iterable[str], *, filename: str) -> HttpResponse:
    """A CSV download named `filename`: `content` whole (a str) or streamed line by line."""
    if isinstance(content, str):
        response = HttpResponse(content, content_type=CSV_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(content, content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
