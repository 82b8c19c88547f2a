"""The statutory clock's rules (SPEC section 3), each citing its source, and the Deadline value
every computed date comes as: the date, its computation in words, its sources and the
calendar version it used.

Two calendars (cases.clock.calendars, on our tables): a period counted in calendar days that
ends on a Saturday, a Sunday or a judicial holiday runs to the next day that is none of these
(CCP 12a, 135); working days skip weekends and the holidays state offices keep (Lab. Code
4600.4(b): CalHR's list)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.clock import calendars
from cases.clock.calendars import day_label

# 8 CCR 9792.10.1(b)(1): a request "must be filed ... within 30 days of service of the written
# utilization review determination", one period for every request (no expedited or formulary
# one in the regulation). Lab. Code 4610.5(h) is where requests are submitted (4610.6(d)(1));
# its own wording was not read (README, "One application window for every item").
APPLICATION_DAYS = 30
# CCP 1013(a): a period that runs from service by mail is extended five calendar days
# (applied to the IMR application: Avila v. UC Irvine Medical Center, WCAB 2015); ten when the
# place of mailing or of address is outside California but within the United States, twenty
# when outside the United States. The clock counts five (the case file does not record where
# the UR decision was mailed from); a late application is told the longer ones.
MAIL_EXTENSION_DAYS = 5
MAIL_EXTENSIONS_FROM_AFAR = (
    (10, "outside California"),
    (20, "outside the United States"),
)
# CCP 1010.6(a)(3)(B): a period that runs from electronic service is extended by two court
# days. Not added to the application deadline: the regulation counts 30 days from service, and
# Avila applied CCP 1013 to a mailed decision only; a late application on an electronically
# served decision is told the date two court days would give (README, "The application
# deadline and electronic service").
ELECTRONIC_EXTENSION_COURT_DAYS = 2
# 8 CCR 9792.10.5(a)(1): records 15 days after the notice of assignment is mailed, 12 days
# when it was sent electronically, 24 hours for an expedited review (the regulation's own
# periods: no CCP 1013 extension on top).
RECORDS_DAYS_MAILED = 15
RECORDS_DAYS_ELECTRONIC = 12
RECORDS_DAYS_EXPEDITED = 1
# Lab. Code 4610.6(d): determination 30 days after receipt of the application and complete
# records; 3 days if expedited; a drug-formulary dispute 5 working days.
DETERMINATION_DAYS_STANDARD = 30
DETERMINATION_DAYS_EXPEDITED = 3
DETERMINATION_WORKING_DAYS_FORMULARY = 5
# 8 CCR 9792.10.4(b): the notice of assignment within one business day of the finding.
NOTICE_WORKING_DAYS = 1
# 8 CCR 9792.10.7(a)(1): reimbursement for services already given within 20 days after receipt
# of the determination; (a)(2): authorization of services not yet given within 5 working days.
REIMBURSEMENT_DAYS = 20
AUTHORIZATION_WORKING_DAYS = 5
# Lab. Code 4610.6(h); 8 CCR 10575: appeal by verified petition within 30 days of service
# (+5 for any service but personal service within California, 8 CCR 10605(a);
# CLOCK_APPEAL_SERVICE_EXTENSION_DAYS).
APPEAL_DAYS = 30

CCP_12A = "CCP 12a"
CCP_1013A = "CCP 1013(a)"
CCP_1010_6 = "CCP 1010.6(a)(3)(B)"
WORKING_DAYS = "Lab. Code 4600.4(b)"


@dataclass(frozen=True)
class Deadline:
    on: dt.date
    text: str  # the computation in words, ending with its sources
    sources: tuple[str, ...]
    calendar: str | None  # the calendar version used ("judicial v1"), None when none was

    def __str__(self) -> str:
        return f"{self.on:%m/%d/%Y}"


def _beyond(cal: calendars.Calendar, due: dt.date) -> list[str]:
    """A date past the tables' last year counts the holidays the seed rules give; the
    explanation says so (the tables, not the rules, are what an administrator edits)."""
    if due.year <= cal.tables_last_year:
        return []
    return [f"holidays after {cal.tables_last_year} from the {cal.rules_label}"]


def _finish(steps: str, sources: list[str]) -> str:
    return f"{steps}. {'; '.join(sources)}"


def _days_after_words(days: int, event: str, start: dt.date, how: str) -> str:
    """ "30 days after service of the UR decision 10/20/2025 (by mail)": a period's start."""
    text = f"{days} days after {event} {start:%m/%d/%Y}"
    return f"{text} ({how})" if how else text


def days_after(
    start: dt.date,
    days: int,
    *,
    event: str,
    sources: tuple[str, ...],
    mail_days: int = 0,
    extension_label: str = "",
    how: str = "",
) -> Deadline:
    """`days` calendar days (+ `mail_days` for service by mail) after `start`, the first day
    excluded and the last included (CCP 12); a last day that is a holiday runs to the next day
    that is not (CCP 12a, on the judicial calendar). `how`
    says, after the date, how the event happened ("method not recorded, taken as mail")."""
    cal = calendars.judicial()
    end = start + dt.timedelta(days=days + mail_days)
    due, skipped = cal.roll_forward(end)
    sources = list(sources)
    sources += _beyond(cal, due)
    text = _days_after_words(days, event, start, how)
    if mail_days and extension_label:
        text += f", plus {mail_days} days {extension_label}"
    elif mail_days:
        text += f", plus {mail_days} days for service by mail"
        sources.append(CCP_1013A)
    if not skipped:
        return Deadline(
            due,
            _finish(f"{text}: due {day_label(due, year=True)}", sources),
            tuple(sources),
            cal.label_through(due),
        )
    # "ends on Fri 12/25/2026 (Christmas Day), not a court day, nor are Sat 12/26 (weekend) and
    # Sun 12/27 (weekend)": each day passed over named once, with why.
    first, *others = (
        f"{day_label(day, year=index == 0)} ({reason.replace(' (observed)', ', observed')})"
        for index, (day, reason) in enumerate(skipped)
    )
    text += f"{',' if mail_days else ''} ends on {first}, not a court day"
    if len(others) == 1:
        text += f", nor is {others[0]}"
    elif others:
        text += f", nor are {', '.join(others[:-1])} and {others[-1]}"
    text += f": due {day_label(due, year=True)}"
    sources.insert(len(sources) - len(_beyond(cal, due)), CCP_12A)
    return Deadline(due, _finish(text, sources), tuple(sources), cal.label_through(due))


def court_days_after(
    start: dt.date,
    days: int,
    court_days: int,
    *,
    event: str,
    sources: tuple[str, ...],
    why: str,
    how: str = "",
) -> Deadline:
    """`days` calendar days after `start` (CCP 12), the period then extended by `court_days`
    court days (days that are not a weekend or a holiday of the judicial calendar, CCP 12a and
    135), `why` saying for what. The court days follow the period's own last day, before
    CCP 12a would move it (the extension is part of the period; a court day is never one to
    move from)."""
    cal = calendars.judicial()
    due = start + dt.timedelta(days=days)
    for _ in range(court_days):
        due, _skipped = cal.roll_forward(due + dt.timedelta(days=1))
    text = _days_after_words(days, event, start, how)
    text += f", plus {court_days} court days {why}: due {day_label(due, year=True)}"
    all_sources = [*sources, *_beyond(cal, due)]
    return Deadline(due, _finish(text, all_sources), tuple(all_sources), cal.label_through(due))


def working_days_after(
    start: dt.date, days: int, *, event: str, sources: tuple[str, ...], how: str = ""
) -> Deadline:
    """The `days`-th working day after `start` (Lab. Code 4600.4(b): not a Saturday, a Sunday
    or a state office holiday)."""
    cal = calendars.state_offices()
    due = cal.add_working_days(start, days)
    sources = [*sources, WORKING_DAYS, *_beyond(cal, due)]
    day, holidays = start, []
    while day < due:
        day += calendars.ONE_DAY
        name = cal.holidays.get(day)
        if name is not None and day.weekday() < 5:
            holidays.append(f"{day_label(day)} {name}")
    unit = "working day" if days == 1 else "working days"
    text = f"{days} {unit} after {event} {start:%m/%d/%Y}"
    notes = [how] if how else []
    if holidays:
        notes.append(f"not counted: {', '.join(holidays)}")
    if notes:
        text += f" ({'; '.join(notes)})"
    text += f": due {day_label(due, year=True)}"
    return Deadline(due, _finish(text, sources), tuple(sources), cal.label_through(due))


def plain_days_after(
    start: dt.date, days: int, *, period: str, event: str, sources: tuple[str, ...]
) -> Deadline:
    """A period that runs through weekends and holidays (24 hours; an expedited review's 3 days);
    `period` says it in words. Our choice, not CCP 12a's roll-forward: an expedited review
    answers an imminent and serious threat to the worker's health (Lab. Code 4610.6(d);
    8 CCR 9792.6.1(j)), which a weekend does not pause; the earlier date never makes a
    determination or the records late in law (README, "The statutory clock")."""
    due = start + dt.timedelta(days=days)
    text = (
        f"{period} after {event} {start:%m/%d/%Y}, weekends and holidays included "
        "(expedited: not moved to the next court day)"
    )
    text += f": due {day_label(due, year=True)}"
    return Deadline(due, _finish(text, list(sources)), tuple(sources), None)


def same_day(start: dt.date, *, event: str, sources: tuple[str, ...]) -> Deadline:
    text = f"the day of {event} {start:%m/%d/%Y}: due {day_label(start, year=True)}"
    return Deadline(start, _finish(text[0].upper() + text[1:], list(sources)), tuple(sources), None)


def information_due(
    requested_on: dt.date, days: int, *, sent_by: str = "", mail_receipt_days: int = 0
) -> Deadline:
    """8 CCR 9792.10.3(c): the parties answer "within five (5) business days following
    receipt of the request", counted on the working-day calendar like any other (Lab. Code
    4600.4(b)). A request sent electronically is received the day it is sent; one sent by mail
    `mail_receipt_days` after mailing (the CLOCK_MAIL_RECEIPT_DAYS setting); one whose method
    was not recorded (made before it was asked) counts from the day it was sent."""
    sources = ("8 CCR 9792.10.3(b), (c)",)
    if sent_by == "mail":
        return working_days_after(
            requested_on + dt.timedelta(days=mail_receipt_days),
            days,
            event="receipt of the request for information, on",
            how=(
                f"sent by mail {requested_on:%m/%d/%Y}, taken as received "
                f"{mail_receipt_days} days after mailing"
            ),
            sources=sources,
        )
    return working_days_after(
        requested_on,
        days,
        event="the request for information",
        how="sent electronically, received that day" if sent_by == "electronic" else "",
        sources=sources,
    )


# 8 CCR 9792.10.3(a)(3), (d): a deferral waits for the liability dispute, with no limit.
DEFERRAL_SOURCE = "8 CCR 9792.10.3(a)(3), (d)"


def deferral_text(deferred_on: dt.date, today: dt.date) -> str:
    """A deferred case's clock in words: "Deferred since 11/05/2026, 12 days. 8 CCR ..." """
    days = (today - deferred_on).days
    unit = "day" if days == 1 else "days"
    return (
        f"Deferred since {deferred_on:%m/%d/%Y}, {days} {unit}, awaiting the resolution of the "
        f"liability dispute (no statutory limit). {DEFERRAL_SOURCE}"
    )


# --- dates only, for callers that need no explanation ------------------------------------------


def holiday_name(day: dt.date) -> str | None:
    """The state office holiday on `day`, if any."""
    return calendars.state_offices().holidays.get(day)


def is_business_day(day: dt.date) -> bool:
    return calendars.state_offices().day_off(day) is None


def add_business_days(start: dt.date, days: int) -> dt.date:
    return calendars.state_offices().add_working_days(start, days)


def business_days_between(start: dt.date, end: dt.date) -> int:
    return calendars.state_offices().working_days_between(start, end)


def add_calendar_days(start: dt.date, days: int) -> dt.date:
    """`days` calendar days after `start`, rolled forward past holidays (CCP 12a)."""
    return calendars.judicial().roll_forward(start + dt.timedelta(days=days))[0]


def authorization_due_on(received_on: dt.date) -> dt.date:
    # 8 CCR 9792.10.7(a)(2): authorize within 5 working days of receipt of the determination.
    return add_business_days(received_on, AUTHORIZATION_WORKING_DAYS)


def reimbursement_due_on(received_on: dt.date) -> dt.date:
    # 8 CCR 9792.10.7(a)(1): reimburse within 20 days after receipt of the determination.
    return add_calendar_days(received_on, REIMBURSEMENT_DAYS)


def determination_due_on(*, clock_start: dt.date, expedited: bool, formulary_only: bool) -> dt.date:
    # Lab. Code 4610.6(d)
    if expedited:
        return clock_start + dt.timedelta(days=DETERMINATION_DAYS_EXPEDITED)
    if formulary_only:
        return add_business_days(clock_start, DETERMINATION_WORKING_DAYS_FORMULARY)
    return add_calendar_days(clock_start, DETERMINATION_DAYS_STANDARD)
