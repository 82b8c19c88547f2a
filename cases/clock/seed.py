"""The rules that seeded the two holiday calendars (a data migration ran them once for 2013
through 2036). The tables, not these rules, are what the clock reads: an administrator edits
the tables, and changing this module (or upgrading a library) changes nothing already seeded.

Judicial holidays (CCP 135, on the holidays of Gov. Code 6700): every full-day state holiday and
the day after Thanksgiving, except Admission Day (Sep 9), Columbus Day (excepted since 2022,
AB 855, Stats. 2021 ch. 283), Lunar New Year and Genocide Remembrance Day; Good Friday is only
noon to 3 p.m., not a full day. Native American Day (Gov. Code 6700 since 2015) was a judicial
holiday in 2015, then excepted, and is one again since 2022 (AB 855). A holiday on a Sunday is
kept the Monday after (Gov. Code 6701); one on a Saturday the Friday before (the Judicial
Council's alternative day under CCP 135: Cal. Rules of Court, rule 1.11).

State office holidays (Lab. Code 4600.4(b): a holiday listed by CalHR; Gov. Code 19853): no
Lincoln Day, Columbus Day or Native American Day; a Sunday holiday is kept the Monday after; a
Saturday holiday gives state employees holiday credit, not the Friday off, except Veterans Day,
kept the Friday before (Gov. Code 19853(b))."""

from __future__ import annotations

import datetime as dt

FIRST_YEAR, LAST_YEAR = 2013, 2036
# Years past the tables are computed from these rules (cases.clock.calendars) and the holiday
# editor may add them as a new version, up to this year.
RULES_LAST_YEAR = 2100
JUNETEENTH_FIRST_YEAR = 2023  # Gov. Code 6700 as amended (AB 1655); check the table
NATIVE_AMERICAN_DAY_JUDICIAL = (2015,) + tuple(range(2022, RULES_LAST_YEAR + 1))
COLUMBUS_DAY_JUDICIAL_LAST_YEAR = 2021

GOV_6700 = "Gov. Code 6700"
CCP_135 = "CCP 135"
CALHR = "Gov. Code 19853; CalHR state holidays"


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_monday_of_may(year: int) -> dt.date:
    day = dt.date(year, 5, 31)
    return day - dt.timedelta(days=day.weekday())


def _thanksgiving(year: int) -> dt.date:
    return _nth_weekday(year, 11, 3, 4)


def judicial_holidays(year: int) -> list[tuple[dt.date, str, str]]:
    fixed = [
        (dt.date(year, 1, 1), "New Year's Day"),
        (dt.date(year, 2, 12), "Lincoln Day"),
        (dt.date(year, 3, 31), "Cesar Chavez Day"),
        (dt.date(year, 7, 4), "Independence Day"),
        (dt.date(year, 11, 11), "Veterans Day"),
        (dt.date(year, 12, 25), "Christmas Day"),
    ]
    if year >= JUNETEENTH_FIRST_YEAR:
        fixed.append((dt.date(year, 6, 19), "Juneteenth"))
    days = []
    for day, name in fixed:
        source = f"{CCP_135}; {GOV_6700}"
        days.append((day, name, source))
        if day.weekday() == 6:
            days.append((day + dt.timedelta(days=1), f"{name} (observed)", f"{source}, 6701"))
        elif day.weekday() == 5:
            # Cal. Rules of Court, rule 1.11: the Friday before a Saturday holiday, as the
            # Judicial Council designates it under CCP 135.
            days.append(
                (day - dt.timedelta(days=1), f"{name} (observed)", f"{CCP_135} (Judicial Council)")
            )
    moving = [
        (_nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (_nth_weekday(year, 2, 0, 3), "Presidents' Day"),
        (_last_monday_of_may(year), "Memorial Day"),
        (_nth_weekday(year, 9, 0, 1), "Labor Day"),
        (_thanksgiving(year), "Thanksgiving Day"),
    ]
    if year in NATIVE_AMERICAN_DAY_JUDICIAL:
        moving.append((_nth_weekday(year, 9, 4, 4), "Native American Day"))
    if year <= COLUMBUS_DAY_JUDICIAL_LAST_YEAR:
        moving.append((_nth_weekday(year, 10, 0, 2), "Columbus Day"))
    days += [(day, name, f"{CCP_135}; {GOV_6700}") for day, name in moving]
    days.append((_thanksgiving(year) + dt.timedelta(days=1), "Day after Thanksgiving", CCP_135))
    return sorted(days)


def state_office_holidays(year: int) -> list[tuple[dt.date, str, str]]:
    fixed = [
        (dt.date(year, 1, 1), "New Year's Day"),
        (dt.date(year, 3, 31), "Cesar Chavez Day"),
        (dt.date(year, 7, 4), "Independence Day"),
        (dt.date(year, 11, 11), "Veterans Day"),
        (dt.date(year, 12, 25), "Christmas Day"),
    ]
    days = []
    for day, name in fixed:
        days.append((day, name, CALHR))
        if day.weekday() == 6:
            days.append((day + dt.timedelta(days=1), f"{name} (observed)", CALHR))
        elif day.weekday() == 5 and name == "Veterans Day":
            days.append((day - dt.timedelta(days=1), f"{name} (observed)", "Gov. Code 19853(b)"))
    moving = [
        (_nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (_nth_weekday(year, 2, 0, 3), "Presidents' Day"),
        (_last_monday_of_may(year), "Memorial Day"),
        (_nth_weekday(year, 9, 0, 1), "Labor Day"),
        (_thanksgiving(year), "Thanksgiving Day"),
        (_thanksgiving(year) + dt.timedelta(days=1), "Day after Thanksgiving"),
    ]
    days += [(day, name, CALHR) for day, name in moving]
    return sorted(days)


SEED_RULES = {"judicial": judicial_holidays, "state_offices": state_office_holidays}
