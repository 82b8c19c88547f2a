"""The days a number counts (Period) and a monthly report's period as its files and pages name
it: plain dates, below the models, the selectors and the report alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Period:
    """The days counted, both included."""

    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start:%m/%d/%Y} to {self.end:%m/%d/%Y}"

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(start, following - dt.timedelta(days=1))


def period_reach(period: Period, today: dt.date) -> str:
    """What a period's figures can hold on `today`: "ahead" (it has not begun: nothing in it has
    happened), "to_today" (it ends after today: counted up to today), or "" (all of it)."""
    if period.start > today:
        return "ahead"
    if period.end > today:
        return "to_today"
    return ""


def month_counted_to(month: Period, today: dt.date) -> dt.date | None:
    """The last day a report of `month` made on `today` counts, when the month has not ended
    (its last day is not over either); None when it counts the whole month."""
    return today if month.start <= today <= month.end else None


def month_stem(month: dt.date, counted_to: dt.date | None) -> str:
    """The files' name: a month in progress says to which day, so a preview saved beside the
    month's final report is never taken for it."""
    stem = f"ad-monthly-report-{month:%Y-%m}"
    return f"{stem}-to-{counted_to:%Y-%m-%d}" if counted_to else stem


def month_period_label(month: Period, counted_to: dt.date | None) -> str:
    """ "November 2026 (11/01/2026 to 11/30/2026)"; a month in progress, "December 2026
    (12/01/2026 to 12/04/2026, month not yet ended)"."""
    if counted_to is None:
        return f"{month.start:%B %Y} ({month.label})"
    return (
        f"{month.start:%B %Y} ({month.start:%m/%d/%Y} to {counted_to:%m/%d/%Y}, "
        "month not yet ended)"
    )
