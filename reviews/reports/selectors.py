"""The operation's numbers for the dashboard and the Administrative Director's report. Each is
one aggregate query (GROUP BY in SQL), so a page costs the same queries with ten cases or
200,000; what Python adds is a median over one column and the sums of a few grouped rows.

Every table is a `Table`: a title, its column heads and rows, the chart's label and value
columns, the rule in law the number is measured by where there is one. The page draws each as
a bar chart and a table, the CSV download writes the same rows."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Case as When_
from django.db.models import (
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import TruncWeek
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from cases.access import cases_visible_to
from cases.lifecycle.clock import NOTICE_CLOCK_STATUSES, RUNNING_LABELS
from cases.lifecycle.models import (
    Case,
    CaseStatus,
    DrugClass,
    EligibilityFinding,
    IneligibilityReason,
    ItemCategory,
    Outcome,
)
from cases.lifecycle.statuses import (
    DETERMINATION_CLOCK_STATUSES,
    OPEN_STATUSES,
    RECORDS_CLOCK_STATUSES,
)
from cases.spreadsheet import csv_row
from reviews.assignment.matching import OPEN_ASSIGNMENT_STATUSES, open_assignments_count
from reviews.assignment.models import Assignment
from reviews.assignment.selectors import assignments_for_reviewer
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from reviews.letters.models import Letter, LetterStatus
from reviews.reports.models import ReportRun, ReportRunStatus
from reviews.reports.periods import Period
from reviews.roster.models import ReviewerProfile

# A case is "at risk" when its running deadline falls within this many days (the case list's
# "due soon", cases.lifecycle.clock.CaseClock.due_soon).
DUE_SOON_DAYS = 3


@dataclass
class Table:
    name: str  # the key of ?chart= and of the CSV file
    title: str
    columns: list[str]
    rows: list[list]  # a date cell stays a date: shown as 11/02/2026, written to CSV as ISO
    # The column the chart labels its bars with and the one it measures (None: no chart).
    label_column: int = 0
    value_column: int | None = 1
    note: str = ""
    # What the dashboard's bars measure, said beside the chart only (the report draws none).
    chart_note: str = ""
    source: str = ""  # the rule the number is measured by, cited on the page and in the report
    summary: dict[str, object] = field(default_factory=dict)
    # What the chart's bars are drawn against: None, the largest value (a count); 100, a share
    # ("50.0%" is half a bar whatever the other rows hold), a share past it a full bar marked
    # with `chart_over`.
    chart_whole: float | None = None
    chart_over: str = "over"
    # Figures as of this day whatever the period (the queues and the load): the CSV is named by
    # it and gives it in a first column, "As of".
    as_of: dt.date | None = None
    # A line under the rows, not one of them (the total when the rows count an item more than
    # once): the table's foot on the page and in the PDF, a last row in the CSV.
    total: list | None = None

    def shown_rows(self) -> list[list]:
        """The rows as a reader sees them: dates as MM/DD/YYYY, as the letters print them."""
        return [[_shown(cell) for cell in row] for row in self.rows]

    def csv_rows(self) -> list[list]:
        """The heads and rows for a spreadsheet: dates in ISO 8601, as the case list's CSV, and
        no cell a spreadsheet would run (a reviewer's name is typed by people: csv_cell). Figures
        as of a day carry it in a first column on every row, so a file kept or a row pasted
        elsewhere still says when its numbers stood; the total, if any, is the last row."""
        rows = [*self.rows, *([self.total] if self.total and self.rows else [])]
        if self.as_of is None:
            return [self.columns, *(csv_row(_written(cell) for cell in row) for row in rows)]
        return [
            ["As of", *self.columns],
            *(csv_row(_written(cell) for cell in [self.as_of, *row]) for row in rows),
        ]

    def csv_filename(self, period: Period) -> str:
        """The CSV's name: the period's dates, or for figures as of a day that day
        ("load-asof-20261206.csv"): the period chosen does not count them."""
        if self.as_of is not None:
            return f"{self.name}-asof-{self.as_of:%Y%m%d}.csv"
        return f"{self.name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"

    def shown_total(self) -> list:
        return [_shown(cell) for cell in self.total or []]

    def labelled_total(self) -> list[tuple[str, object]]:
        return list(zip(self.columns, self.shown_total(), strict=False))

    def labelled_rows(self) -> list[list[tuple[str, object]]]:
        """Each row's cells with their column's name (a phone shows each row as a card)."""
        return [list(zip(self.columns, row, strict=False)) for row in self.shown_rows()]

    def chart_points(self) -> list[tuple[str, float, str]]:
        """(label, value, value as shown) per row: a count is its own measure, a rate ("50.0%")
        is a `Cell` that carries the number its bar is drawn by."""
        if self.value_column is None:
            return []
        points = []
        for row in self.shown_rows():
            cell = row[self.value_column]
            if isinstance(cell, Cell):  # a rate: blank where there is no whole, drawn as 0
                value, text = cell.value or 0.0, str(cell)
            else:
                value, text = float(cell or 0), str(cell or 0)
            points.append((str(row[self.label_column]), value, text))
        return points


class Cell(str):
    """A cell's words with what the page needs beside them: the number a chart measures it by
    (a rate reads "50.0%" on the page and in the CSV, it is a str, and is drawn as 50.0; "no
    capacity" is past any whole), and where the row's subject is seen (a reviewer's name links
    to their open cases). A plain count or word needs neither."""

    value: float | None
    href: str
    # A count's cases on the case list, the whole address with its filters (the page links the
    # count; everyone who sees the dashboard sees every case).
    link: str

    def __new__(
        cls, text: str, *, value: float | None = None, href: str = "", link: str = ""
    ) -> Cell:
        cell = super().__new__(cls, text)
        cell.value, cell.href, cell.link = value, href, link
        return cell


def _shown(cell):
    if isinstance(cell, WeekCounted):
        return cell.shown()
    return f"{cell:%m/%d/%Y}" if isinstance(cell, dt.date) else cell


def _written(cell):
    if isinstance(cell, WeekCounted):
        return cell.written()
    return cell.isoformat() if isinstance(cell, dt.date) else cell


def rate(part: int, whole: int) -> Cell:
    """The part as a percentage of the whole ("33.3%"); blank when there is no whole."""
    if not whole:
        return Cell("", value=0.0)
    share = 100 * part / whole
    return Cell(f"{share:.1f}%", value=share)


# --- Queues --------------------------------------------------------------------------------


def cases_by_stage(period: Period) -> Table:
    """Cases whose application arrived in the period, by where each stands now."""
    counts = dict(
        Case.objects.filter(application_received__range=(period.start, period.end))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    rows = [
        [label, _listed(counts.get(value, 0), status=value, period=period)]
        for value, label in CaseStatus.choices
    ]
    return Table(
        "stages",
        "Cases by stage",
        ["Stage", "Cases"],
        rows,
        note="Applications received in the period, by their status today; each count opens "
        "its cases on the case list.",
    )


def _listed(count: int, *, status: str, period: Period) -> Cell:
    """A count of the period's applications in one status, linked to the same cases on the
    case list (its status and received-date filters; from QA, the figures could not be found
    there)."""
    query = urlencode(
        {
            "status": status,
            "received_from": period.start.isoformat(),
            "received_to": period.end.isoformat(),
        }
    )
    return Cell(str(count), value=count, link=f"{reverse('casefile:case_list')}?{query}")


def _running_clock():
    """The clock that runs in each status, as SQL (the same rule as case_clock's `running`);
    the stored `due_on` is that clock's deadline (cases.lifecycle.clock.current_due_on)."""
    return When_(
        When(
            status__in=NOTICE_CLOCK_STATUSES,
            date_assigned__isnull=True,
            then=Value("notice"),
        ),
        When(status__in=RECORDS_CLOCK_STATUSES, then=Value("records")),
        When(status__in=DETERMINATION_CLOCK_STATUSES, then=Value("determination")),
        When(status=CaseStatus.INFORMATION_REQUESTED, then=Value("information")),
        default=Value(""),
        output_field=CharField(),
    )


def _current_reviewer():
    return Subquery(
        Assignment.objects.filter(case=OuterRef("pk"), status__in=OPEN_ASSIGNMENT_STATUSES)
        .order_by("-assigned_at")
        .values("reviewer_id")[:1],
        output_field=IntegerField(),
    )


def _at_risk(today: dt.date):
    return (
        Case.objects.filter(
            status__in=OPEN_STATUSES,
            due_on__isnull=False,
            due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
        .order_by()
        .annotate(
            clock_name=_running_clock(),
            overdue=When_(
                When(due_on__lt=today, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
        )
        .exclude(clock_name="")
    )


def at_risk_by_clock(today: dt.date) -> Table:
    """Open cases due within DUE_SOON_DAYS or overdue, by the clock that runs (as of today: a
    case that went late before the period is still late, so no period applies)."""
    counts = Counter()
    for clock_name, overdue, n in (
        _at_risk(today).values_list("clock_name", "overdue").annotate(n=Count("id"))
    ):
        counts[(clock_name, overdue)] += n
    rows = [
        [RUNNING_LABELS[key].capitalize(), counts[(key, 0)], counts[(key, 1)]]
        for key in ("notice", "records", "determination", "information")
    ]
    for row in rows:
        row.append(row[1] + row[2])
    return Table(
        "at_risk_clock",
        "Due in the next 3 days and overdue, by clock",
        ["Clock", "Due in 3 days", "Overdue", "Total"],
        rows,
        value_column=3,
        # Each clock's law is cited once, in `source` (the page prints it after the note).
        note="Open cases as of today, by the statutory clock now running: the notice of "
        "assignment, the records, the determination, or information requested.",
        source="8 CCR 9792.10.4(b) notice, 9792.10.5(a) records, 9792.10.3(c) information; "
        "Lab. Code 4610.6(d) determination",
        as_of=today,
    )


def _reviewer_labels(user_ids) -> dict[int, str]:
    """Each reviewer as the load chart names them, "Jane Roe (REV-14)": two reviewers of one
    name stay two rows, and each row reads across to the load chart."""
    users = (
        get_user_model()
        .objects.filter(pk__in=[pk for pk in user_ids if pk])
        .select_related("reviewer_profile")
    )
    labels = {}
    for user in users:
        profile = getattr(user, "reviewer_profile", None)
        labels[user.pk] = (
            _reviewer_cell(f"{user.display_name} ({profile.external_id})", profile.pk)
            if profile
            else user.display_name
        )
    return labels


def at_risk_by_reviewer(today: dt.date, limit: int | None = None) -> Table:
    """The at-risk cases by the reviewer now assigned (none: not yet assigned), most first;
    the first `limit` rows (the CSV has them all)."""
    return _at_risk_reviewer_table(_at_risk_reviewer_rows(today), limit, today)


def _at_risk_reviewer_rows(today: dt.date) -> list[list]:
    grouped = list(
        _at_risk(today)
        .annotate(reviewer_id=_current_reviewer())
        .values_list("reviewer_id", "overdue")
        .annotate(n=Count("id"))
    )
    labels = _reviewer_labels({reviewer for reviewer, _, _ in grouped})
    # By reviewer, not by name: two reviewers of one name are two rows.
    counts: dict[int | None, list[int]] = {}
    for reviewer, overdue, n in grouped:
        counts.setdefault(reviewer, [0, 0])[overdue] += n
    rows = [
        [labels.get(reviewer, "No reviewer assigned"), soon, late, soon + late]
        for reviewer, (soon, late) in counts.items()
    ]
    rows.sort(key=lambda row: (-row[3], row[0]))
    return rows


def _at_risk_reviewer_table(rows: list[list], limit: int | None, today: dt.date) -> Table:
    shown = rows if limit is None else rows[:limit]
    return Table(
        "at_risk_reviewer",
        "Due in the next 3 days and overdue, by reviewer",
        ["Reviewer", "Due in 3 days", "Overdue", "Total"],
        shown,
        value_column=3,
        note="Open cases as of today; a case whose review has not started has no reviewer."
        + (
            f" The {limit} with the most of {len(rows)} (the CSV has every one)."
            if len(shown) < len(rows)
            else ""
        ),
        as_of=today,
    )


def reviewer_load(today: dt.date, limit: int | None = None) -> Table:
    """Open assignments (awaiting acceptance or accepted) and cases carried from another
    system, per reviewer, against the roster's capacity (max_open_cases); the fullest first; the
    first `limit` rows (the CSV has every one listed)."""
    return _reviewer_load_table(_reviewer_load_rows(), limit, today)


def _reviewer_load_rows() -> list[list]:
    profiles = ReviewerProfile.objects.annotate(
        open_cases=open_assignments_count() + F("carried_open_cases")
    ).values_list(
        "pk",
        "external_id",
        "user__first_name",
        "user__last_name",
        "user__username",
        "open_cases",
        "max_open_cases",
        "on_leave",
        "user__is_active",
    )

    # Busiest first is the fullest against its own capacity (the Load column the chart draws),
    # then the most open cases; a reviewer with no capacity and open cases is the fullest of all.
    # Every reviewer is read whatever the limit (the CSV shows them all), so sorted here.
    def fullest_first(profile):
        _, external_id, _, _, _, open_cases, capacity, _, _ = profile
        load = open_cases / capacity if capacity else (float("inf") if open_cases else 0.0)
        return (-load, -open_cases, external_id)

    rows = []
    for pk, external_id, first, last, username, open_cases, capacity, on_leave, active in sorted(
        profiles, key=fullest_first
    ):
        if not active and not open_cases:
            continue  # a login deactivated, with nothing left waiting on it
        name = f"{first} {last}".strip() or username
        rows.append(
            [
                _reviewer_cell(f"{name} ({external_id})", pk),
                open_cases,
                capacity,
                # Open cases with no capacity at all: over it, said in words (no rate exists).
                NO_CAPACITY if open_cases and not capacity else rate(open_cases, capacity),
                "on leave" if on_leave else "no",
                # From QA: a deactivated reviewer's open cases wait on someone who cannot sign
                # in; the dashboard did not say so.
                "active" if active else LOGIN_DEACTIVATED,
            ]
        )
    return rows


# Open cases against no capacity at all: past any whole, a full bar marked over capacity.
NO_CAPACITY = Cell("no capacity", value=float("inf"))
LOGIN_DEACTIVATED = "deactivated"


def _reviewer_load_table(rows: list[list], limit: int | None, today: dt.date) -> Table:
    shown = rows if limit is None else rows[:limit]
    return Table(
        "load",
        "Reviewer load against capacity",
        ["Reviewer", "Open cases", "Capacity", "Load", "Leave", "Login"],
        shown,
        value_column=3,
        note="Open cases as of today (assigned or accepted, and cases carried over from another "
        "system) against each reviewer's maximum in the roster; the fullest first"
        + (f", the first {limit} (the CSV has every one)." if limit else ".")
        + " A reviewer whose login is deactivated is listed while cases are still open for "
        "them: reassign each on its Assign page (one carried over from another system is "
        "reassigned there).",
        chart_note="Each bar is the reviewer's open cases as a share of their own capacity; "
        "past it, a full bar marked over capacity.",
        chart_whole=100,
        chart_over="over capacity",
        as_of=today,
    )


# --- A reviewer's open cases (the load and at-risk rows link here) ---------------------------


@dataclass(frozen=True)
class ReviewerOpenCases:
    """The open cases the dashboard counts for one reviewer, each to be opened or reassigned
    (from QA: a deactivated reviewer's row counted cases with no way to them)."""

    profile: ReviewerProfile
    assignments: list[Assignment]

    @property
    def open_count(self) -> int:
        """As the load chart counts them: the open assignments and the cases carried over."""
        return len(self.assignments) + self.profile.carried_open_cases


def reviewer_open_cases(user, profile_id: int) -> ReviewerOpenCases:
    """A reviewer's open assignments (awaiting acceptance or accepted), what is due first; 404
    for a reviewer the roster does not have. Open cases stay within the roster's capacity (rule
    6), so the list is short; a deactivated reviewer's keeps what they held."""
    profile = get_object_or_404(ReviewerProfile.objects.select_related("user"), pk=profile_id)
    assignments = (
        assignments_for_reviewer(profile.user)
        .prefetch_related(None)  # the page names no item
        .filter(case__in=cases_visible_to(user))
    )
    return ReviewerOpenCases(profile, list(assignments))


def _reviewer_cell(label: str, profile_id: int) -> Cell:
    """A reviewer's name in a dashboard table, linked to their open cases: by the profile's
    row id, since a roster id is typed by people and may hold a slash, dots or a line break,
    which no URL pattern matches whole."""
    return Cell(label, href=reverse("reports:reviewer_open_cases", args=[profile_id]))


# --- Flow ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeekCounted:
    """A week's row of the weekly chart: a whole week is named by its Monday; the period's
    first or last week, when the period cuts it, by the days of it counted, marked as such
    (its bar is shorter for fewer days, not for less work)."""

    monday: dt.date
    first: dt.date
    last: dt.date

    @property
    def whole(self) -> bool:
        return self.first == self.monday and (self.last - self.first).days == 6

    def shown(self) -> str:
        if self.whole:
            return f"{self.monday:%m/%d/%Y}"
        if self.first == self.last:  # one day of the week (from QA: "11/08/2026-11/08/2026")
            return f"{self.first:%m/%d/%Y} (one day of the week)"
        return f"{self.first:%m/%d/%Y}-{self.last:%m/%d/%Y} (part of week)"

    def written(self) -> str:
        if self.whole:
            return self.monday.isoformat()
        if self.first == self.last:
            return f"{self.first.isoformat()} (one day of the week)"
        return f"{self.first.isoformat()} to {self.last.isoformat()} (part of week)"


def _weeks(period: Period) -> list[WeekCounted]:
    monday = period.start - dt.timedelta(days=period.start.weekday())
    weeks = []
    while monday <= period.end:
        # The period ends at most a year from today (reviews.reports.forms): a Sunday exists.
        sunday = monday + dt.timedelta(days=6)
        weeks.append(WeekCounted(monday, max(monday, period.start), min(sunday, period.end)))
        monday += dt.timedelta(days=7)
    return weeks


def _by_week(queryset, date_field: str) -> dict[dt.date, int]:
    counted = queryset.order_by().annotate(week=TruncWeek(date_field)).values_list("week")
    result = {}
    for week, n in counted.annotate(n=Count("id")):
        day = week.date() if isinstance(week, dt.datetime) else week
        result[day] = result.get(day, 0) + n
    return result


def weekly_flow(period: Period) -> Table:
    """Applications received and letters served, per week (weeks start on Monday; a week the
    period cuts is named by its days counted, "11/01/2026-11/01/2026 (part of week)")."""
    received = _by_week(
        Case.objects.filter(application_received__range=(period.start, period.end)),
        "application_received",
    )
    letters = _by_week(
        Letter.objects.filter(
            status=LetterStatus.DELIVERED, served_on__range=(period.start, period.end)
        ),
        "served_on",
    )
    rows = [
        [week, received.get(week.monday, 0), letters.get(week.monday, 0)] for week in _weeks(period)
    ]
    return Table(
        "weekly",
        "Applications in and letters out, per week",
        ["Week of", "Applications received", "Letters served"],
        rows,
        note="Letters: each determination letter served in the week (a corrected version "
        "counts again).",
        chart_note="The bars show the applications received; the table gives the letters "
        "served beside them.",
    )


def _issued_determinations(period: Period):
    return Determination.objects.filter(
        status=DeterminationStatus.ISSUED,
        imported=False,
        decision_date__range=(period.start, period.end),
    )


def turnaround(period: Period) -> Table:
    """Days from records complete to the decision, for determinations issued in the period."""
    # A decision dated before the records were marked complete (marked late, after the
    # decision) counts as 0 days, so every decided determination falls in one row.
    days = sorted(
        max(0, (decided - complete).days)
        for complete, decided in _issued_determinations(period)
        .filter(case__records_complete_on__isnull=False)
        .values_list("case__records_complete_on", "decision_date")
    )
    median = statistics.median(days) if days else None
    buckets = [
        ("0-3", 0, 3),
        ("4-7", 4, 7),
        ("8-14", 8, 14),
        ("15-30", 15, 30),
        ("over 30", 31, None),
    ]
    rows = [
        [label, sum(1 for day in days if day >= low and (high is None or day <= high))]
        for label, low, high in buckets
    ]
    return Table(
        "turnaround",
        "Days from records complete to decision",
        ["Calendar days", "Determinations"],
        rows,
        note="Determinations decided in the period; the median is "
        + (f"{median:g} days." if median is not None else "not known (none decided)."),
        source="Lab. Code 4610.6(d)",
        summary={"median_days": median, "decided": len(days)},
    )


# --- Outcomes ------------------------------------------------------------------------------


def _decided_items(period: Period, **filters) -> QuerySet[ItemDecision]:
    """The item decisions of determinations issued in the period (imported ones not counted)."""
    return ItemDecision.objects.filter(
        determination__status=DeterminationStatus.ISSUED,
        determination__imported=False,
        determination__decision_date__range=(period.start, period.end),
        **filters,
    ).order_by()


_UPHELD = Count("id", filter=Q(outcome=Outcome.UPHELD))
_OVERTURNED = Count("id", filter=Q(outcome=Outcome.OVERTURNED))


def _outcomes(period: Period, key: str, labels: dict, **filters) -> list[list]:
    grouped = (
        _decided_items(period, **filters)
        .values_list(key)
        .annotate(upheld=_UPHELD, overturned=_OVERTURNED)
    )
    rows = []
    for value, upheld, overturned in grouped:
        decided = upheld + overturned
        if not decided:
            continue
        rows.append(
            [
                labels.get(value, value or "Not stated"),
                decided,
                upheld,
                overturned,
                rate(overturned, decided),
            ]
        )
    rows.sort(key=lambda row: (-row[1], row[0]))
    return rows


_OUTCOME_COLUMNS = ["Decided items", "Upheld", "Overturned", "Overturned rate"]
_OVERTURNED_BARS = "The bars show the share overturned."


def outcomes_by_category(period: Period) -> Table:
    return Table(
        "outcomes_category",
        "Outcomes by treatment category",
        ["Category", *_OUTCOME_COLUMNS],
        _outcomes(period, "item__category", dict(ItemCategory.choices)),
        value_column=4,
        note="Disputed items decided in determinations issued in the period.",
        chart_note=_OVERTURNED_BARS,
        chart_whole=100,
        source="Lab. Code 4610.6(d); 8 CCR 9792.10.6",
    )


def _decided_once(period: Period) -> list:
    """The decided items of the period each counted once, as the outcome rows count them."""
    counts = _decided_items(period).aggregate(upheld=_UPHELD, overturned=_OVERTURNED)
    decided = counts["upheld"] + counts["overturned"]
    return [
        "Items decided, each once",
        decided,
        counts["upheld"],
        counts["overturned"],
        rate(counts["overturned"], decided),
    ]


def outcomes_by_specialty(period: Period) -> Table:
    # An item counts under each specialty of its reviewer, so the rows add up to more than the
    # items decided (from QA: 2 items read as 5 rows of "2 decided items"): the table's total
    # line gives the items decided, each once, for whoever sums the column.
    return Table(
        "outcomes_specialty",
        "Outcomes by reviewer specialty",
        ["Specialty", *_OUTCOME_COLUMNS],
        _outcomes(
            period,
            "determination__reviewer__reviewer_profile__certifications__name",
            {None: "No specialty on the roster"},
        ),
        value_column=4,
        total=_decided_once(period),
        note="By the specialties of the reviewer in the roster; a reviewer certified in two "
        "specialties counts under each, so the rows add up to more than the items decided: "
        "the last line counts each item once.",
        chart_note=_OVERTURNED_BARS,
        chart_whole=100,
    )


def outcomes_by_drug_class(period: Period) -> Table:
    return Table(
        "outcomes_drug_class",
        "Pharmaceuticals by drug class",
        ["Drug class", *_OUTCOME_COLUMNS],
        _outcomes(
            period,
            "item__drug_class",
            {**dict(DrugClass.choices), "": "Not stated"},
            item__category=ItemCategory.PHARMACEUTICALS,
        ),
        value_column=4,
        note="Pharmaceutical items decided in the period, by the drug class set at intake.",
        chart_note=_OVERTURNED_BARS,
        chart_whole=100,
    )


# --- Eligibility ---------------------------------------------------------------------------


def eligibility_findings(period: Period) -> QuerySet[EligibilityFinding]:
    """The eligibility findings dated in the period, one index read. Each is dated as the
    administrator dated it, not the moment it was typed in (cases.lifecycle.models
    .EligibilityFinding): an eligible finding by its notice of assignment's Date Assigned
    (8 CCR 9792.10.3, 9792.10.4(b)), as corrected since on the facts page; an ineligible one by
    the day it was recorded (the finding date its notice to the parties prints,
    reviews.letters.notices). The notice's service, which also sets the case's Date Assigned
    (reviews.letters.notice_service), does not move it."""
    return EligibilityFinding.objects.filter(found_on__range=(period.start, period.end)).order_by()


# The reasons as the figures name them: the screen's "Other (see the note)" points to the case
# file's note, which neither the Administrative Director reading the report nor the dashboard's
# table can open (from QA), so the figures say "Other".
REASON_LABELS = {**dict(IneligibilityReason.choices), IneligibilityReason.OTHER: "Other"}


def eligibility(period: Period) -> tuple[Table, Table]:
    """Applications by the last recorded of their eligibility findings dated in the period (a
    case found eligible twice, or ineligible then eligible, counts once), and the
    reasons of those found ineligible (a finding may give several)."""
    latest: dict[int, tuple[bool, list]] = {}
    # In the order they were recorded: a later finding replaces an earlier one, whatever
    # their dates (an eligible finding may carry a notice date before an ineligible one's).
    rows = eligibility_findings(period).order_by("case_id", "event_id")
    for case_id, eligible, codes in rows.values_list(
        "case_id", "eligible", "event__details__reason_codes"
    ):
        latest[case_id] = (bool(eligible), codes)
    eligible_count = sum(1 for eligible, _ in latest.values() if eligible)
    ineligible_count = len(latest) - eligible_count
    reasons: Counter = Counter()
    for eligible, codes in latest.values():
        if not eligible:
            for code in codes or [IneligibilityReason.OTHER]:
                reasons[code] += 1
    total = eligible_count + ineligible_count
    rates = Table(
        "eligibility",
        "Eligibility findings",
        ["Latest finding in the period", "Applications", "Rate"],
        [
            ["Eligible", eligible_count, rate(eligible_count, total)],
            ["Ineligible", ineligible_count, rate(ineligible_count, total)],
        ],
        value_column=2,
        note="Each application once, by its latest finding dated in the period (an eligible "
        "finding is dated by its notice of assignment, an ineligible one by the day it was "
        "recorded).",
        # From QA: drawn against the larger count, the larger finding was always a full bar.
        chart_note="Each bar is the finding's share of the applications.",
        chart_whole=100,
        source="8 CCR 9792.10.3",
        summary={"applications": total},
    )
    reason_rows = [
        [
            REASON_LABELS[code],
            reasons.get(code, 0),
            rate(reasons.get(code, 0), ineligible_count),
        ]
        for code in IneligibilityReason.values
    ]
    reason_table = Table(
        "ineligibility_reasons",
        "Reasons for ineligibility",
        ["Reason", "Applications found ineligible", "Share of ineligible"],
        reason_rows,
        note="Applications whose latest finding in the period is ineligible; a finding may give "
        "more than one reason.",
        source="8 CCR 9792.10.3(a)",
    )
    return rates, reason_table


# --- The dashboard -------------------------------------------------------------------------


# How many reviewers the page's load and at-risk charts show (their CSVs have them all).
LOAD_ROWS_SHOWN = 25
# Those two tables: the page shows their first rows, the CSVs every row (Snapshot.whole), and
# each row's reviewer links to their open cases.
REVIEWER_TABLES = ("at_risk_reviewer", "load")


@dataclass(frozen=True)
class Snapshot:
    """The dashboard's tables as computed at `taken_at`; `whole`, the tables whose page shows
    the first rows only, with all their rows (their CSVs), taken at the same time."""

    taken_at: dt.datetime
    tables: list[Table]
    whole: dict[str, Table]

    def table(self, name: str) -> Table | None:
        """A chart's table for its CSV: the figures the page shows, every row (a snapshot read
        with `whole`)."""
        if name in self.whole:
            return self.whole[name]
        return next((table for table in self.tables if table.name == name), None)


def dashboard_snapshot(
    period: Period, today: dt.date, *, fresh: bool = False, whole: bool = False
) -> Snapshot:
    """The dashboard's tables, computed at most once every DASHBOARD_CACHE_SECONDS per period
    (and day) and kept in the cache: each chart is an aggregate over the period's cases, which
    at a real IRO's volume is tens of thousands of rows, and the page is open all day on every
    administrator's screen. The page says when the figures were taken; `fresh` recomputes.

    Kept twice at the same time: the page's tables alone, and with `whole` the CSVs' every row
    (2,000 reviewers at a real roster's size, a cell each with its measure or link: reading
    them back on every view of the page took 9 of its 13 ms, issue 12's load run). A chart's
    CSV reads the whole one, so it gives the figures the page shows; if the cache dropped one
    key alone, the request that misses it takes the figures again for both."""
    key = f"reports:dashboard:v6:{period.start}:{period.end}:{today}"
    key_read = f"{key}:whole" if whole else key
    snapshot = None if fresh else cache.get(key_read)
    if snapshot is None:
        snapshot = _snapshot_take(period, today)
        if settings.DASHBOARD_CACHE_SECONDS > 0:
            cache.set_many(
                {key: replace(snapshot, whole={}), f"{key}:whole": snapshot},
                settings.DASHBOARD_CACHE_SECONDS,
            )
    return snapshot


def _snapshot_take(period: Period, today: dt.date) -> Snapshot:
    rates, reasons = eligibility(period)
    # The two reviewer charts: every row read once, the page's first LOAD_ROWS_SHOWN of them.
    at_risk_rows, load_rows = _at_risk_reviewer_rows(today), _reviewer_load_rows()
    tables = [
        cases_by_stage(period),
        at_risk_by_clock(today),
        _at_risk_reviewer_table(at_risk_rows, LOAD_ROWS_SHOWN, today),
        _reviewer_load_table(load_rows, LOAD_ROWS_SHOWN, today),
        weekly_flow(period),
        turnaround(period),
        outcomes_by_category(period),
        outcomes_by_specialty(period),
        outcomes_by_drug_class(period),
        rates,
        reasons,
    ]
    whole = {
        table.name: table
        for table in (
            _at_risk_reviewer_table(at_risk_rows, None, today),
            _reviewer_load_table(load_rows, None, today),
        )
    }
    return Snapshot(timezone.now(), tables, whole)


def dashboard_csv_table(
    name: str, period: Period, today: dt.date, *, fresh: bool = False
) -> Table | None:
    """A chart's table for its CSV, from the kept snapshot: the page's figures, every row
    (`fresh`, as the page's "Refresh now", takes them again). Only the reviewer tables read the
    copy kept with every row (the larger one)."""
    return dashboard_snapshot(period, today, fresh=fresh, whole=name in REVIEWER_TABLES).table(name)


def dashboard_table(name: str, period: Period, today: dt.date) -> Table | None:
    """One chart's table computed now, all rows (the load chart's has every reviewer): the
    snapshot's, taken afresh (nothing cached)."""
    return _snapshot_take(period, today).table(name)


# --- The monthly report's runs (reviews.reports.runs) ----------------------------------------


def report_runs_recent(limit: int = 10) -> list[ReportRun]:
    """The latest monthly report runs, whoever asked (the managers share the reporting), each
    done run marked `latest_of_month` or not: a month made again lists several done runs, and
    the list says which is current (from QA)."""
    runs = list(
        ReportRun.objects.select_related("created_by").order_by("-created_at", "-pk")[:limit]
    )
    seen: set[dt.date] = set()
    for run in runs:
        run.latest_of_month = run.status == ReportRunStatus.DONE and run.month not in seen
        if run.status == ReportRunStatus.DONE:
            seen.add(run.month)
    return runs


def report_run_get(pk: int) -> ReportRun:
    return get_object_or_404(ReportRun.objects.select_related("created_by"), pk=pk)


def report_run_latest(month: dt.date) -> ReportRun | None:
    """The month's latest done run, else its latest run of any state (None: never asked)."""
    runs = ReportRun.objects.filter(month=month).order_by("-created_at", "-pk")
    return runs.filter(status=ReportRunStatus.DONE).first() or runs.first()
