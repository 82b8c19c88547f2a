"""The monthly report an IRO gives the Administrative Director: volumes, eligibility,
timeliness (decided within the statutory time, Lab. Code 4610.6(d)), outcomes by treatment
category and reviewer specialty, pharmaceuticals by drug class. As CSV (one section per table)
and as PDF through the letters' WeasyPrint renderer. `manage.py ad_monthly_report YYYY-MM DEST`
and the dashboard's background run (reviews.reports.runs) make the same file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import IMR_BEGAN, Case, Priority
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.render import letter_pdf
from reviews.organization.services import organization_current
from reviews.reports.periods import (
    Period,
    month_counted_to,
    month_period_label,
    month_stem,
)
from reviews.reports.selectors import (
    Table,
    _issued_determinations,
    eligibility,
    eligibility_findings,
    outcomes_by_category,
    outcomes_by_drug_class,
    outcomes_by_specialty,
    rate,
    turnaround,
)

# No month before Independent Medical Review began has a review to report.
FIRST_MONTH = IMR_BEGAN


class MonthBeforeReview(ValueError):
    """A month before Independent Medical Review began (FIRST_MONTH): nothing to report."""


# A month as a browser without a month picker lets it be typed (Firefox's box is plain text):
# 11/2026, November 2026, Nov 2026, besides the picker's 2026-11.
_MONTH_NUMBERS = re.compile(r"(?:(?P<year>\d{4})-(?P<month>\d{1,2})|(?P<m>\d{1,2})/(?P<y>\d{4}))")
_MONTH_NAMED = re.compile(r"(?P<name>[A-Za-z]+)\.?,?\s+(?P<year>\d{4})")


def month_parse(text: str) -> Period:
    """ "YYYY-MM" (or MM/YYYY, "November 2026", "Nov 2026") as the month's period; ValueError
    otherwise, MonthBeforeReview (saying why) for a month before IMR began: every way of asking
    for a report reads the month here."""
    typed = (text or "").strip()
    try:
        year, month = _month_numbers(typed)
        period = Period.month(year, month)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(
            f"“{typed[:40]}” is not a month: give it as MM/YYYY or YYYY-MM, for example 11/2026 "
            "or 2026-11."
        ) from error
    if period.start < FIRST_MONTH:
        raise MonthBeforeReview(
            f"{period.start:%B %Y} is before Independent Medical Review began "
            f"(Lab. Code 4610.5, {FIRST_MONTH:%B %Y}): choose {FIRST_MONTH:%B %Y} or later."
        )
    return period


def _month_numbers(typed: str) -> tuple[int, int]:
    """The year and month typed, in any of month_parse's shapes (ValueError otherwise)."""
    if found := _MONTH_NUMBERS.fullmatch(typed):
        return int(found["year"] or found["y"]), int(found["month"] or found["m"])
    if found := _MONTH_NAMED.fullmatch(typed):
        name = found["name"].lower()
        for number in range(1, 13):
            full = dt.date(2000, number, 1).strftime("%B").lower()
            if len(name) >= 3 and full.startswith(name):
                return int(found["year"]), number
    raise ValueError(typed)


def volumes(period: Period) -> Table:
    received = Case.objects.filter(
        application_received__range=(period.start, period.end)
    ).aggregate(
        total=Count("id"),
        expedited=Count("id", filter=Q(priority=Priority.EXPEDITED)),
    )
    found = eligibility_findings(period).values("case_id").distinct().count()
    decided = _issued_determinations(period).count()
    served = Letter.objects.filter(
        status=LetterStatus.DELIVERED, served_on__range=(period.start, period.end)
    ).count()
    return Table(
        "volumes",
        "Volumes",
        ["Measure", "Count"],
        [
            ["Applications received", received["total"]],
            ["Applications received, expedited", received["expedited"]],
            ["Applications with an eligibility finding", found],
            ["Determinations issued", decided],
            ["Determination letters served", served],
        ],
    )


def timeliness(period: Period) -> Table:
    """Determinations issued in the month, decided by the statutory deadline or after it:
    30 days from complete records, 3 for an expedited review, 5 working days for a
    drug-formulary dispute (Lab. Code 4610.6(d)), as the case's clock computes it."""
    determinations = (
        _issued_determinations(period).select_related("case").prefetch_related("case__items")
    )
    counts = {Priority.STANDARD: [0, 0, 0], Priority.EXPEDITED: [0, 0, 0]}
    for determination in determinations:
        case = determination.case
        due = case_clock(case).determination_due_on if case.records_complete_on else None
        row = counts[case.priority]
        if due is None:
            row[2] += 1
        elif determination.decision_date <= due:
            row[0] += 1
        else:
            row[1] += 1
    rows = []
    for priority, label in Priority.choices:
        on_time, late, unknown = counts[priority]
        rows.append([label, on_time, late, unknown, rate(on_time, on_time + late)])
    return Table(
        "timeliness",
        "Timeliness: determinations decided within the statutory time",
        ["Review", "On time", "Late", "No records-complete date", "On-time rate"],
        rows,
        value_column=4,
        note="Determinations issued in the month; due 30 days after complete records, 3 days "
        "for an expedited review, 5 working days for a drug-formulary dispute.",
        source="Lab. Code 4610.6(d); 8 CCR 9792.10.6",
    )


@dataclass(frozen=True)
class MonthlyReport:
    # The days counted: the whole month, or to the day it was made when the month has not ended
    # (counted_to): a preview, said so in its heading, its files and their names.
    period: Period
    tables: list[Table]
    made_at: dt.datetime
    counted_to: dt.date | None = None

    @property
    def month_label(self) -> str:
        return f"{self.period.start:%B %Y}"

    @property
    def heading(self) -> str:
        """ "November 2026"; a month in progress, "December 2026, to 12/04/2026 (month not yet
        ended)"."""
        if self.counted_to is None:
            return self.month_label
        return f"{self.month_label}, to {self.counted_to:%m/%d/%Y} (month not yet ended)"

    @property
    def period_label(self) -> str:
        month = Period.month(self.period.start.year, self.period.start.month)
        return month_period_label(month, self.counted_to)

    @property
    def file_stem(self) -> str:
        return month_stem(self.period.start, self.counted_to)


def _eligibility(period: Period) -> list[Table]:
    return list(eligibility(period))


# The report's sections in order, each with the name its progress shows while it is counted
# (reviews.reports.runs) and the function that counts its tables.
SECTIONS: list[tuple[str, Callable[[Period], Table | list[Table]]]] = [
    ("Volumes", volumes),
    ("Eligibility findings and reasons", _eligibility),
    ("Timeliness", timeliness),
    ("Days from records complete to decision", turnaround),
    ("Outcomes by treatment category", outcomes_by_category),
    ("Outcomes by reviewer specialty", outcomes_by_specialty),
    ("Pharmaceuticals by drug class", outcomes_by_drug_class),
]


def monthly_report(
    period: Period,
    *,
    on_section: Callable[[int, str], None] | None = None,
    today: dt.date | None = None,
) -> MonthlyReport:
    """Every section counted in turn; `on_section(position, name)` is told before each (the
    background run records its progress so). A month not yet ended on `today` is counted to
    today, and the report says so."""
    counted_to = month_counted_to(period, today or timezone.localdate())
    if counted_to is not None:
        period = Period(period.start, counted_to)
    tables: list[Table] = []
    for position, (name, count) in enumerate(SECTIONS):
        if on_section is not None:
            on_section(position, name)
        counted = count(period)
        tables.extend(counted if isinstance(counted, list) else [counted])
    return MonthlyReport(
        period=period, tables=tables, made_at=timezone.now(), counted_to=counted_to
    )


def report_csv(report: MonthlyReport) -> str:
    """One section per table: its title (with the law it answers), its heads, its rows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["IMR monthly report to the Administrative Director", report.heading])
    period = ["Period", report.period.start.isoformat(), report.period.end.isoformat()]
    writer.writerow([*period, "month not yet ended"] if report.counted_to else period)
    for table in report.tables:
        writer.writerow([])
        writer.writerow([table.title, table.source])
        writer.writerows(table.csv_rows())
        if table.note:
            writer.writerow([table.note])
    return out.getvalue()


def report_html(report: MonthlyReport) -> str:
    return render_to_string(
        "reports/ad_monthly.html", {"report": report, "org": organization_current()}
    )


def report_pdf(report: MonthlyReport) -> bytes:
    return letter_pdf(report_html(report))
