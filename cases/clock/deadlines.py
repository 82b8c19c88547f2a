"""The statutory clock (SPEC section 3). Every rule cites its source.

"Days" are calendar days unless a rule says business days. A business day is any day but a
Saturday, a Sunday or a California state holiday (8 CCR 9792.6.1: holidays of Gov. Code 6700),
taken from the maintained `holidays` library. When a period counted in calendar days ends on a
day that is not a business day, it runs to the next business day (Code Civ. Proc. 12a).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

# 8 CCR 9792.10.1(b)(1): the application is due 30 days after service of the UR decision.
APPLICATION_DAYS = 30
# 8 CCR 9792.10.5(a)(1): records are due 15 days after the notice of assignment is mailed,
# 12 days when it was sent electronically, 24 hours for an expedited review.
RECORDS_DAYS_MAILED = 15
RECORDS_DAYS_ELECTRONIC = 12
RECORDS_DAYS_EXPEDITED = 1
# Lab. Code 4610.6(d): determination 30 days after receipt of the application and complete
# records; 3 days if expedited; 5 working days when every item is a drug-formulary dispute.
DETERMINATION_DAYS_STANDARD = 30
DETERMINATION_DAYS_EXPEDITED = 3
DETERMINATION_BUSINESS_DAYS_FORMULARY = 5
# 8 CCR 9792.10.7: an overturned item is authorized within 5 working days, or reimbursed
# within 20 days when the service was already given.
AUTHORIZATION_BUSINESS_DAYS = 5
REIMBURSEMENT_DAYS = 20
# Lab. Code 4610.6(h); 8 CCR 10575: appeal by verified petition within 30 days of service.
APPEAL_DAYS = 30


# Commemorative days the library lists for California that are no holiday of Gov. Code 6700:
# state offices stay open and the clock runs.
_NOT_HOLIDAYS = frozenset({"Susan B. Anthony Day"})


@lru_cache(maxsize=64)
def _california_holidays(year: int) -> dict[dt.date, str]:
    days = holidays.country_holidays("US", subdiv="CA", years=year, language="en_US")
    return {day: name for day, name in days.items() if name not in _NOT_HOLIDAYS}


def holiday_name(day: dt.date) -> str | None:
    return _california_holidays(day.year).get(day)


def is_business_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def next_business_day_on_or_after(day: dt.date) -> dt.date:
    while not is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """`days` calendar days after `start`; a period ending on a non-business day runs on
    to the next business day (Code Civ. Proc. 12a)."""
    return next_business_day_on_or_after(start + dt.timedelta(days=days))


def add_business_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th business day after `start` (the day of the event itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day


def business_days_between(start: dt.date, end: dt.date) -> int:
    """Business days after `start` up to and including `end` (negative when end is earlier)."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = (start, end) if sign == 1 else (end, start)
    count = 0
    day = low
    while day < high:
        day += dt.timedelta(days=1)
        if is_business_day(day):
            count += 1
    return sign * count


def application_deadline(ur_served_on: dt.date) -> dt.date:
    # 8 CCR 9792.10.1(b)(1)
    return add_calendar_days(ur_served_on, APPLICATION_DAYS)


def application_filed_late(*, ur_served_on: dt.date, received_on: dt.date) -> bool:
    """A late application is flagged; the administrator decides (8 CCR 9792.10.1(b)(1))."""
    return received_on > application_deadline(ur_served_on)


def records_due_on(*, notice_on: dt.date, expedited: bool, electronic: bool) -> dt.date:
    # 8 CCR 9792.10.5(a)(1)
    if expedited:
        # 24 hours: the next calendar day, whatever day it is.
        return notice_on + dt.timedelta(days=RECORDS_DAYS_EXPEDITED)
    days = RECORDS_DAYS_ELECTRONIC if electronic else RECORDS_DAYS_MAILED
    return add_calendar_days(notice_on, days)


def determination_due_on(*, clock_start: dt.date, expedited: bool, formulary_only: bool) -> dt.date:
    # Lab. Code 4610.6(d)
    if expedited:
        return clock_start + dt.timedelta(days=DETERMINATION_DAYS_EXPEDITED)
    if formulary_only:
        return add_business_days(clock_start, DETERMINATION_BUSINESS_DAYS_FORMULARY)
    return add_calendar_days(clock_start, DETERMINATION_DAYS_STANDARD)


def authorization_due_on(served_on: dt.date) -> dt.date:
    # 8 CCR 9792.10.7(a)(1)
    return add_business_days(served_on, AUTHORIZATION_BUSINESS_DAYS)


def reimbursement_due_on(served_on: dt.date) -> dt.date:
    # 8 CCR 9792.10.7(a)(2)
    return add_calendar_days(served_on, REIMBURSEMENT_DAYS)


def appeal_due_on(served_on: dt.date) -> dt.date:
    # Lab. Code 4610.6(h); 8 CCR 10575
    return add_calendar_days(served_on, APPEAL_DAYS)
