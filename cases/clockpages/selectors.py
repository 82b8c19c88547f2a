"""What the holiday tables page reads: each calendar with its current version, that version's
holidays of one year, and every version for the history (three queries, whatever the rows)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cases.clock.models import CalendarName, CalendarVersion, Holiday, HolidayCalendar
from cases.clock.seed import LAST_YEAR, SEED_RULES

# What each calendar is for, in the words of the law it serves.
PURPOSES = {
    CalendarName.JUDICIAL: (
        "A period counted in calendar days that ends on a Saturday, a Sunday or one of these "
        "days runs to the next day that is none of them.",
        "CCP 12a, 135",
    ),
    CalendarName.STATE_OFFICES: (
        "Working days skip weekends and these days, the holidays state offices keep.",
        "Lab. Code 4600.4(b); Gov. Code 19853",
    ),
}


@dataclass
class CalendarTable:
    name: str
    label: str
    purpose: str
    source: str
    current: CalendarVersion | None = None
    holidays: list[Holiday] = field(default_factory=list)
    versions: list[CalendarVersion] = field(default_factory=list)
    # A year past the tables: its holidays come from the seed rules until its first edit.
    from_rules: bool = False


def calendar_tables(year: int) -> list[CalendarTable]:
    tables = {
        calendar.name: CalendarTable(
            name=calendar.name,
            label=calendar.get_name_display(),
            purpose=PURPOSES[calendar.name][0],
            source=PURPOSES[calendar.name][1],
        )
        for calendar in HolidayCalendar.objects.order_by("name")
    }
    by_id = {}
    versions = CalendarVersion.objects.select_related("calendar", "created_by").order_by(
        "calendar__name", "-number"
    )
    for version in versions:
        table = tables[version.calendar.name]
        table.versions.append(version)
        if table.current is None:
            table.current = version
            by_id[version.id] = table
    for holiday in Holiday.objects.filter(version_id__in=by_id, date__year=year).order_by("date"):
        by_id[holiday.version_id].holidays.append(holiday)
    for table in tables.values():
        if not table.holidays and year > LAST_YEAR and table.name in SEED_RULES:
            # Unsaved rows: what the clock counts for a year the tables do not hold yet.
            table.from_rules = True
            table.holidays = [
                Holiday(date=day, name=name, source=source)
                for day, name, source in SEED_RULES[table.name](year)
            ]
    return list(tables.values())
