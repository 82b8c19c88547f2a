"""Edits of a holiday calendar. A calendar is never changed in place (cases.clock.models): each
edit writes a new version holding the previous version's holidays with the one change, so a
deadline computed earlier still names the version it used and can be explained later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.clock.calendars import calendars_forget
from cases.clock.models import CalendarVersion, Holiday, HolidayCalendar
from cases.clock.seed import FIRST_YEAR, LAST_YEAR, RULES_LAST_YEAR, SEED_RULES
from cases.clockpages import tasks
from cases.jsoncheck import visible_strip
from cases.outbox.services import follow_up_add

ADDED_SOURCE = "Added by a system administrator (see the version note)"
RECOUNT_WHAT = "Open cases' due dates will be recounted"

# One holiday of a version as the edit sees it: date -> (name, source).
Days = dict[dt.date, tuple[str, str]]


def holiday_add(
    *, calendar: str, date: dt.date, name: str, source: str = "", note: str, actor
) -> CalendarVersion:
    """A new version of `calendar` with the holiday `name` on `date`."""
    name = visible_strip(name)

    def change(days: Days) -> str:
        if not name:
            raise ValidationError({"name": "Give the holiday's name."})
        if date in days:
            raise ValidationError(
                {"date": f"{date:%m/%d/%Y} is already a holiday here: {days[date][0]}."}
            )
        days[date] = (name, source.strip() or ADDED_SOURCE)
        return f"Added {date:%m/%d/%Y} {name}"

    return _version_next(calendar=calendar, date=date, note=note, actor=actor, change=change)


def holiday_remove(*, calendar: str, date: dt.date, note: str, actor) -> CalendarVersion:
    """A new version of `calendar` without the holiday on `date`."""

    def change(days: Days) -> str:
        if date not in days:
            raise ValidationError({"date": f"{date:%m/%d/%Y} is not a holiday here."})
        name, _source = days.pop(date)
        return f"Removed {date:%m/%d/%Y} {name}"

    return _version_next(calendar=calendar, date=date, note=note, actor=actor, change=change)


def holiday_rename(*, calendar: str, date: dt.date, name: str, note: str, actor) -> CalendarVersion:
    """A new version of `calendar` whose holiday on `date` is called `name`."""
    name = visible_strip(name)

    def change(days: Days) -> str:
        if date not in days:
            raise ValidationError({"date": f"{date:%m/%d/%Y} is not a holiday here."})
        if not name:
            raise ValidationError({"name": "Give the holiday's new name."})
        old, source = days[date]
        if old == name:
            raise ValidationError({"name": f"The holiday is already called {name}."})
        days[date] = (name, source)
        return f"Renamed {date:%m/%d/%Y} {old} to {name}"

    return _version_next(calendar=calendar, date=date, note=note, actor=actor, change=change)


def _version_next(
    *, calendar: str, date: dt.date, note: str, actor, change: Callable[[Days], str]
) -> CalendarVersion:
    """Version N+1 of `calendar`: version N's holidays with `change` applied, in one
    transaction; then the calculation cache is cleared so the next deadline uses it."""
    note = visible_strip(note)
    if not note:
        raise ValidationError({"note": "Say why the calendar changes; the version keeps it."})
    # The tables were seeded from FIRST_YEAR (cases.clock.seed); a year past their last is
    # first filled from the seed rules in the same new version, so the edit is never the only
    # holiday of its year.
    if not FIRST_YEAR <= date.year <= RULES_LAST_YEAR:
        raise ValidationError(
            {
                "date": f"Holidays are kept for {FIRST_YEAR} to {RULES_LAST_YEAR}; "
                f"{date:%m/%d/%Y} is not."
            }
        )
    with transaction.atomic():
        # The calendar's row is the lock: two edits at once make versions N+1 and N+2.
        try:
            table = HolidayCalendar.objects.select_for_update().get(name=calendar)
        except HolidayCalendar.DoesNotExist:
            raise ValidationError({"calendar": "There is no such calendar."}) from None
        current = table.versions.order_by("-number").first()
        days: Days = {}
        if current is not None:
            days = {
                holiday.date: (holiday.name, holiday.source)
                for holiday in current.holidays.only("date", "name", "source")
            }
        extended = _years_extend(calendar, days, date.year)
        what = change(days)
        version = CalendarVersion(
            calendar=table,
            number=(current.number if current else 0) + 1,
            created_by=actor,
            note=f"{extended}{what}. {note}",
        )
        version.full_clean()
        version.save()
        holidays = [
            Holiday(version=version, date=day, name=name, source=source)
            for day, (name, source) in sorted(days.items())
        ]
        for holiday in holidays:
            holiday.full_clean(
                exclude=["version"], validate_unique=False, validate_constraints=False
            )
        Holiday.objects.bulk_create(holidays)
        # Forget now (this process reads the new version at once) and again after the
        # commit, so no request that read the tables mid-edit keeps the old version.
        transaction.on_commit(calendars_forget)
        # The case list, its due-date filters and the CSV read each open case's stored due
        # date: once this version commits, a worker counts them again (one row for any number
        # of edits waiting; an edit made while it runs runs it again).
        follow_up_add(task=tasks.due_dates_recount.name, args=[], what=RECOUNT_WHAT)
    calendars_forget()
    return version


def _years_extend(calendar: str, days: Days, year: int) -> str:
    """Fill the years after the tables' last one through `year` from the seed rules (what the
    clock already counted for them); returns the note's words for it, or ""."""
    last = max((day.year for day in days), default=LAST_YEAR)
    if year <= last:
        return ""
    for each in range(last + 1, year + 1):
        for day, name, source in SEED_RULES[calendar](each):
            days.setdefault(day, (name, source))
    years = str(year) if year == last + 1 else f"{last + 1}-{year}"
    return f"Extended with {years} from the {calendar} rules. "
