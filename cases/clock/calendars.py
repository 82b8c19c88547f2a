"""Calendar arithmetic on the holiday tables (cases.clock.models).

Each calendar's current version is read once and kept in memory: a version never changes, so
its days are cached by version for good; which version is current is re-read after
`CLOCK_CALENDAR_CACHE_SECONDS` (another process may have saved a new one) and at once in the
process that saved it (`calendars_forget`)."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings

from cases.clock.models import CalendarName, CalendarVersion
from cases.clock.seed import FIRST_YEAR, LAST_YEAR, RULES_LAST_YEAR, SEED_RULES

ONE_DAY = dt.timedelta(days=1)
WEEKDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Calendar:
    name: str
    version: int
    # The tables' holidays and, after their last year, those the seed rules give (so a date
    # past the tables never silently skips its holidays).
    holidays: dict[dt.date, str]
    tables_last_year: int = LAST_YEAR

    @property
    def label(self) -> str:
        """The version a deadline records: "judicial v3"."""
        return f"{self.name} v{self.version}"

    def label_through(self, last: dt.date) -> str:
        """The label of a computation whose days run to `last`: past the tables' last year
        it names the rules too ("judicial v3 + judicial rules (beyond the tables)")."""
        if last.year > self.tables_last_year:
            return f"{self.label} + {self.rules_label}"
        return self.label

    @property
    def rules_label(self) -> str:
        return f"{self.name} rules (beyond the tables)"

    def day_off(self, day: dt.date) -> str | None:
        """Why `day` is no working day (a holiday's name, "weekend"), or None."""
        name = self.holidays.get(day)
        if name is not None:
            return name
        return "weekend" if day.weekday() >= 5 else None

    def roll_forward(self, day: dt.date) -> tuple[dt.date, list[tuple[dt.date, str]]]:
        """CCP 12a: a last day that is a holiday (a Saturday, a Sunday or a holiday of this
        calendar) runs to the next day that is none; returns that day and the days skipped."""
        skipped = []
        reason = self.day_off(day)
        while reason is not None:
            skipped.append((day, reason))
            day += ONE_DAY
            reason = self.day_off(day)
        return day, skipped

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (CCP 12: the day of the event does not count,
        the last day does)."""
        day = start
        holidays = self.holidays
        while days > 0:
            day += ONE_DAY
            if day.weekday() < 5 and day not in holidays:
                days -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is earlier)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign == 1 else (end, start)
        count = 0
        day = low
        while day < high:
            day += ONE_DAY
            if self.day_off(day) is None:
                count += 1
        return sign * count


_versions: dict[int, Calendar] = {}  # by CalendarVersion id: versions never change
_current: dict[str, tuple[float, int]] = {}  # calendar name -> (read at, version id)


_generation = [0]  # counts forgets, so a caller can tell that the tables were re-read


def calendars_forget() -> None:
    """Re-read which versions are current on next use (after an edit; between tests)."""
    _current.clear()
    _versions.clear()
    _generation[0] += 1


def generation() -> int:
    return _generation[0]


def calendar(name: str) -> Calendar:
    """The current version of calendar `name` (a CalendarName)."""
    now = time.monotonic()
    entry = _current.get(name)
    if entry is not None and now - entry[0] < settings.CLOCK_CALENDAR_CACHE_SECONDS:
        return _versions[entry[1]]
    version = (
        CalendarVersion.objects.filter(calendar__name=name)
        .order_by("-number")
        .only("id", "number")
        .first()
    )
    if version is None:
        # A database emptied after the seed migration (a flush): the seed rules themselves,
        # labelled version 0, so no deadline is computed on weekends alone.
        days = _rules(name, FIRST_YEAR, LAST_YEAR)
        _versions[0 if name == CalendarName.JUDICIAL else -1] = fallback = Calendar(
            str(name), 0, {**days, **_rules(name, LAST_YEAR + 1, RULES_LAST_YEAR)}
        )
        _current[name] = (now, 0 if name == CalendarName.JUDICIAL else -1)
        return fallback
    if version.id not in _versions:
        days = dict(version.holidays.values_list("date", "name"))
        # Past the tables' last year, the seed rules (labelled as such by label_through).
        last = max((day.year for day in days), default=LAST_YEAR)
        days.update(_rules(name, last + 1, RULES_LAST_YEAR))
        _versions[version.id] = Calendar(
            name=name, version=version.number, holidays=days, tables_last_year=last
        )
    _current[name] = (now, version.id)
    return _versions[version.id]


def _rules(name: str, first: int, last: int) -> dict[dt.date, str]:
    """The seed rules' holidays of `first` through `last` (cases.clock.seed)."""
    return {day: holiday for y in range(first, last + 1) for day, holiday, _ in SEED_RULES[name](y)}


def judicial() -> Calendar:
    return calendar(CalendarName.JUDICIAL)


def state_offices() -> Calendar:
    return calendar(CalendarName.STATE_OFFICES)


def day_label(day: dt.date, *, year: bool = False) -> str:
    """ "Sat 03/29/2025" (or "Sat 03/29" without the year)."""
    return (
        f"{WEEKDAY[day.weekday()]} {day:%m/%d/%Y}"
        if year
        else f"{WEEKDAY[day.weekday()]} {day:%m/%d}"
    )
