"""The deadline calculator: the statutory clock from facts alone (SPEC section 3). `manage.py
clock`, the calculator page and a case's clock (cases.lifecycle.clock) all call `compute`.

Facts (every key optional): priority, ur_decision_served_on, ur_decision_served_by,
application_received, screen_resumed_on, notice_sent_on, notice_sent_by, records_complete_on,
items [{formulary_dispute}], letter_mailed_on, letter_sent_by. The result has every key, null
where its facts are absent, and `explain` with the computation of each date in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings

from cases.clock import deadlines as rules
from cases.clock.deadlines import Deadline

PRIORITIES = ("standard", "expedited")
UR_SERVICE = ("mail", "electronic", "personal")
NOTICE_SERVICE = ("mail", "electronic")
LETTER_SERVICE = ("mail", "electronic")
DATE_KEYS = (
    "ur_decision_served_on",
    "application_received",
    "notice_sent_on",
    "records_complete_on",
    "letter_mailed_on",
    "expedited_on",
    "screen_resumed_on",
)
METHOD_KEYS = {
    "ur_decision_served_by": UR_SERVICE,
    "notice_sent_by": NOTICE_SERVICE,
    "letter_sent_by": LETTER_SERVICE,
}
KNOWN_KEYS = frozenset({"priority", "items", *DATE_KEYS, *METHOD_KEYS})
# What the CLOCK_EXPEDITED_NOTICE_SAME_DAY setting chose, in words a reader of the date knows.
EXPEDITED_SAME_DAY_SOURCE = (
    "expedited: sent the same day, this organization's setting "
    "(the regulation allows one business day)"
)


class FactsError(ValueError):
    """Bad facts; `path` names the place in the JSON ("$.items[0].formulary_dispute")."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path


def as_printed(by_rule: Deadline, printed: dt.date | None, *, document: str, setting: str):
    """The date a signed document printed, when the rule alone ends the period earlier: the
    document was signed to go by mail as the parties' service stood then, and a copy held for
    an address was e-mailed later (a shorter period). The party was given the printed date in
    writing; the clock never counts them late before it (the setting `setting`, on by
    default)."""
    if not getattr(settings, setting) or printed is None or printed <= by_rule.on:
        return by_rule
    return Deadline(
        on=printed,
        text=(
            f"The date the {document} printed, kept: nobody is counted late before the date "
            f"the {document} gave (our setting {setting}). By the rule alone it would be "
            f"{by_rule.on:%m/%d/%Y}: {by_rule.text}"
        ),
        sources=by_rule.sources,
        calendar=by_rule.calendar,
    )


def _as_printed(by_rule: Deadline, facts: Facts) -> Deadline:
    """The records due date the notice of assignment printed, kept (8 CCR 9792.10.5(a)(1)
    gives 15 days after a mailed notice, 12 after an electronic one)."""
    return as_printed(
        by_rule,
        facts.notice_records_due_on,
        document="notice of assignment",
        setting="CLOCK_RECORDS_DUE_AS_PRINTED",
    )


@dataclass(frozen=True)
class Facts:
    priority: str = "standard"
    ur_decision_served_on: dt.date | None = None
    ur_decision_served_by: str = ""
    application_received: dt.date | None = None
    notice_sent_on: dt.date | None = None
    notice_sent_by: str = ""
    records_complete_on: dt.date | None = None
    formulary_items: tuple[bool, ...] = ()
    letter_mailed_on: dt.date | None = None
    letter_sent_by: str = ""
    # 8 CCR 9792.10.4(c): the day a standard review became expedited on the physician's
    # certification; the expedited clocks cannot start before it.
    expedited_on: dt.date | None = None
    # 8 CCR 9792.10.4(b): the day the screen came back to received after a request for
    # information or a liability deferral; the finding and notice run from it.
    screen_resumed_on: dt.date | None = None
    # The records due date the notice of assignment printed (CLOCK_RECORDS_DUE_AS_PRINTED).
    notice_records_due_on: dt.date | None = None

    @property
    def expedited(self) -> bool:
        return self.priority == "expedited"


@dataclass
class Clocks:
    application_deadline: Deadline | None = None
    filed_late: bool | None = None
    # A late application on a mailed UR decision that is in time under CCP 1013(a)'s longer
    # extension (the place of mailing or of address outside California): (days, where,
    # Deadline).
    in_time_from_afar: tuple[int, str, Deadline] | None = None
    # A late application on an electronically served UR decision that is in time with CCP
    # 1010.6(a)(3)(B)'s two court days (not counted by the clock: rules.ELECTRONIC_...).
    in_time_if_electronic_extended: Deadline | None = None
    notice_due_on: Deadline | None = None
    records_due_on: Deadline | None = None
    determination_due_on: Deadline | None = None
    items: list[Deadline | None] = field(default_factory=list)
    first_item: int | None = None  # index of the item due first
    appeal_deadline: Deadline | None = None
    determination_received_on: dt.date | None = None
    authorization_due_on: Deadline | None = None
    reimbursement_due_on: Deadline | None = None

    @property
    def items_due_first(self) -> tuple[int, ...]:
        """The items marked "due first" (Lab. Code 4610.6(d): each disputed item has its own
        date), by index: those due on the earliest of the items' dates while another is due
        later; none when every item shares one date (one marked would seem to come sooner)."""
        dates = {deadline.on for deadline in self.items if deadline is not None}
        if len(dates) < 2:
            return ()
        first = min(dates)
        return tuple(
            index
            for index, deadline in enumerate(self.items)
            if deadline is not None and deadline.on == first
        )

    DATES = (
        "application_deadline",
        "notice_due_on",
        "records_due_on",
        "determination_due_on",
        "appeal_deadline",
        "authorization_due_on",
        "reimbursement_due_on",
    )

    def as_json(self) -> dict:
        out: dict = {}
        explain: dict[str, str] = {}
        calendars: dict[str, str] = {}
        for key in self.DATES:
            deadline = getattr(self, key)
            out[key] = deadline.on.isoformat() if deadline else None
            if deadline:
                explain[key] = deadline.text
                if deadline.calendar:
                    calendars[key] = deadline.calendar
            if key == "application_deadline":
                out["filed_late"] = self.filed_late
        out["items"] = []
        for index, deadline in enumerate(self.items):
            out["items"].append(
                {"determination_due_on": deadline.on.isoformat() if deadline else None}
            )
            if deadline:
                explain[f"items[{index}].determination_due_on"] = deadline.text
                if deadline.calendar:
                    calendars[f"items[{index}].determination_due_on"] = deadline.calendar
        out["explain"] = explain
        out["calendar_versions"] = calendars
        return out


def _date(value, path: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FactsError(path, "expected a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FactsError(path, f"{value!r} is not a date (YYYY-MM-DD)") from None


def parse_facts(data, path: str = "$") -> Facts:
    """Facts from one JSON object; FactsError names the first problem by its JSON path."""
    if not isinstance(data, dict):
        raise FactsError(path, "expected an object of facts")
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise FactsError(f"{path}.{unknown[0]}", "unknown key")
    values: dict = {key: _date(data.get(key), f"{path}.{key}") for key in DATE_KEYS}
    priority = data.get("priority") or "standard"
    if priority not in PRIORITIES:
        raise FactsError(f"{path}.priority", f"expected one of {', '.join(PRIORITIES)}")
    for key, allowed in METHOD_KEYS.items():
        method = data.get(key) or ""
        if method and method not in allowed:
            raise FactsError(f"{path}.{key}", f"expected one of {', '.join(allowed)}")
        values[key] = method
    items = data.get("items") or []
    if not isinstance(items, list):
        raise FactsError(f"{path}.items", "expected a list")
    formulary = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise FactsError(f"{path}.items[{index}]", "expected an object")
        flag = item.get("formulary_dispute", False)
        if not isinstance(flag, bool):
            raise FactsError(f"{path}.items[{index}].formulary_dispute", "expected true or false")
        formulary.append(flag)
    return Facts(priority=priority, formulary_items=tuple(formulary), **values)


def _method(given: str, unknown_setting: str) -> tuple[str, bool]:
    """The method of service, and whether it was assumed (the settings' choice)."""
    if given:
        return given, False
    return getattr(settings, unknown_setting), True


NOT_RECORDED = "the method was not recorded, so it is taken as mail"


def _how(method: str, assumed: bool) -> str:
    """How a paper was served, in words, for the explanation beside its date."""
    if assumed:
        return NOT_RECORDED if method == "mail" else f"the method was not recorded: {method}"
    return {"mail": "by mail", "electronic": "electronically", "personal": "in person"}[method]


def _in_time_from_afar(facts: Facts, *, how: str) -> tuple[int, str, Deadline] | None:
    """CCP 1013(a)'s first longer extension under which the application is in time: ten days
    when the UR decision was mailed from or to a place outside California, twenty outside the
    United States."""
    for days, where in rules.MAIL_EXTENSIONS_FROM_AFAR:
        deadline = rules.days_after(
            facts.ur_decision_served_on,
            rules.APPLICATION_DAYS,
            event="service of the UR decision",
            how=how,
            sources=("8 CCR 9792.10.1(b)(1)", rules.CCP_1013A),
            mail_days=days,
            extension_label=f"for mail from or to a place {where} ({rules.CCP_1013A})",
        )
        if facts.application_received <= deadline.on:
            return days, where, deadline
    return None


def _in_time_if_electronic_extended(facts: Facts, *, how: str) -> Deadline | None:
    """The application deadline with CCP 1010.6(a)(3)(B)'s two court days after electronic
    service, if the application is in time under it (the clock itself does not count them)."""
    extended = rules.court_days_after(
        facts.ur_decision_served_on,
        rules.APPLICATION_DAYS,
        rules.ELECTRONIC_EXTENSION_COURT_DAYS,
        event="service of the UR decision",
        how=how,
        sources=("8 CCR 9792.10.1(b)(1)", rules.CCP_1010_6),
        why="for electronic service",
    )
    return extended if facts.application_received <= extended.on else None


def compute(facts: Facts) -> Clocks:
    # One entry per item given, null until its clock starts (records complete).
    clocks = Clocks(items=[None] * len(facts.formulary_items))
    expedited = facts.expedited

    if facts.ur_decision_served_on:
        method, assumed = _method(facts.ur_decision_served_by, "CLOCK_UNKNOWN_UR_SERVICE")
        clocks.application_deadline = rules.days_after(
            facts.ur_decision_served_on,
            rules.APPLICATION_DAYS,
            event="service of the UR decision",
            how=_how(method, assumed),
            # 8 CCR 9792.10.1(b)(1); CCP 1013(a) by mail (Avila v. UC Irvine, WCAB 2015)
            sources=("8 CCR 9792.10.1(b)(1)", "Lab. Code 4610.5(h)")
            + (("Avila v. UC Irvine Medical Center (WCAB 2015)",) if method == "mail" else ()),
            mail_days=rules.MAIL_EXTENSION_DAYS if method == "mail" else 0,
        )
        if facts.application_received:
            clocks.filed_late = facts.application_received > clocks.application_deadline.on
            if clocks.filed_late and method == "mail":
                clocks.in_time_from_afar = _in_time_from_afar(facts, how=_how(method, assumed))
            if clocks.filed_late and method == "electronic":
                clocks.in_time_if_electronic_extended = _in_time_if_electronic_extended(
                    facts, how=_how(method, assumed)
                )

    if facts.application_received:
        # 8 CCR 9792.10.4(b): notice of assignment one business day after the finding. A screen
        # paused (a request for information, a liability deferral) runs again from the day it
        # resumed, not from the original receipt.
        resumed = bool(
            facts.screen_resumed_on and facts.screen_resumed_on > facts.application_received
        )
        start = facts.screen_resumed_on if resumed else facts.application_received
        if expedited and settings.CLOCK_EXPEDITED_NOTICE_SAME_DAY:
            clocks.notice_due_on = rules.same_day(
                start,
                event=(
                    "the expedited screen resumed"
                    if resumed
                    else "receipt of the expedited application"
                ),
                # 8 CCR 9792.10.4(b) allows one business day; this organization's setting
                # (CLOCK_EXPEDITED_NOTICE_SAME_DAY) sends an expedited notice the same day.
                sources=("8 CCR 9792.10.4(b)", EXPEDITED_SAME_DAY_SOURCE),
            )
        else:
            clocks.notice_due_on = rules.working_days_after(
                start,
                rules.NOTICE_WORKING_DAYS,
                event=(
                    "the screen resumed"
                    if resumed
                    else "receipt of the application (eligibility finding and notice of assignment)"
                ),
                sources=("8 CCR 9792.10.4(b)",),
            )

    if facts.notice_sent_on:
        source = ("8 CCR 9792.10.5(a)(1)",)
        method, assumed = _method(facts.notice_sent_by, "CLOCK_UNKNOWN_NOTICE_SERVICE")
        mailed = method == "mail"
        as_standard = rules.days_after(
            facts.notice_sent_on,
            rules.RECORDS_DAYS_MAILED if mailed else rules.RECORDS_DAYS_ELECTRONIC,
            event=(
                "the notice sent"
                if assumed
                else ("the notice mailed" if mailed else "the notice sent electronically")
            ),
            how=NOT_RECORDED if assumed else "",
            sources=source,
        )
        if expedited:
            converted = facts.expedited_on and facts.expedited_on > facts.notice_sent_on
            as_expedited = rules.plain_days_after(
                facts.expedited_on if converted else facts.notice_sent_on,
                rules.RECORDS_DAYS_EXPEDITED,
                period="24 hours",
                event=(
                    "the conversion to expedited (8 CCR 9792.10.4(c))"
                    if converted
                    else "the expedited notice of assignment"
                ),
                sources=source,
            )
            # A conversion shortens a clock, never lengthens it: the earlier date stands.
            # Not kept as printed: the 24 hours are the same by mail or e-mail, so a later
            # printed date can only be a standard notice's, and a conversion to expedited
            # before the notice was served must not stretch 24 hours to 15 days (a review).
            clocks.records_due_on = (
                as_standard if converted and as_standard.on < as_expedited.on else as_expedited
            )
        else:
            clocks.records_due_on = _as_printed(as_standard, facts)

    if facts.records_complete_on:
        # Lab. Code 4610.6(d): from receipt of the application and the complete records.
        start = max(facts.records_complete_on, facts.application_received or dt.date.min)
        event = "receipt of the application and complete records"
        as_standard = rules.days_after(
            start,
            rules.DETERMINATION_DAYS_STANDARD,
            event=event,
            sources=("Lab. Code 4610.6(d)",),
        )
        if expedited:
            converted = facts.expedited_on and facts.expedited_on > start
            as_expedited = rules.plain_days_after(
                facts.expedited_on if converted else start,
                rules.DETERMINATION_DAYS_EXPEDITED,
                period="3 days",
                event=("the conversion to expedited (8 CCR 9792.10.4(c))" if converted else event),
                sources=("Lab. Code 4610.6(d)",),
            )
            # A conversion shortens a clock, never lengthens it: the earlier date stands.
            standard = (
                as_standard if converted and as_standard.on < as_expedited.on else as_expedited
            )
        else:
            standard = as_standard
        formulary = None
        if not expedited and any(facts.formulary_items):
            formulary = rules.working_days_after(
                start,
                rules.DETERMINATION_WORKING_DAYS_FORMULARY,
                event=f"{event} (drug-formulary dispute)",
                sources=("Lab. Code 4610.6(d)(1)(A)",),
            )
        clocks.items = [
            formulary if flag and formulary else standard for flag in facts.formulary_items
        ]
        if clocks.items:
            clocks.first_item = min(range(len(clocks.items)), key=lambda i: clocks.items[i].on)
            clocks.determination_due_on = clocks.items[clocks.first_item]
        else:
            clocks.determination_due_on = standard

    if facts.letter_mailed_on:
        method, assumed = _method(facts.letter_sent_by, "CLOCK_UNKNOWN_LETTER_SERVICE")
        mailed = method == "mail"
        # Lab. Code 4610.6(h): 30 days from service; 8 CCR 10605(a) adds 5 calendar days for
        # service by any method but personal service within California (CCP 1013(a) for mail;
        # Matute v. LAUSD, WCAB 2015), so a letter e-mailed or mailed gets the same 35 days.
        clocks.appeal_deadline = rules.days_after(
            facts.letter_mailed_on,
            rules.APPEAL_DAYS,
            event="service of the determination",
            how=_how(method, assumed),
            sources=("Lab. Code 4610.6(h)", "8 CCR 10575", "8 CCR 10605(a)")
            + (("Matute v. LAUSD (WCAB 2015)",) if mailed else ()),
            mail_days=settings.CLOCK_APPEAL_SERVICE_EXTENSION_DAYS,
            extension_label="for service other than personal (8 CCR 10605(a))",
        )
        # 8 CCR 9792.10.7(a) counts from receipt of the determination.
        received = facts.letter_mailed_on + dt.timedelta(
            days=settings.CLOCK_MAIL_RECEIPT_DAYS if mailed else 0
        )
        clocks.determination_received_on = received
        # The duties are the claims administrator's, from its own receipt (9792.10.7(a)).
        receipt = "the claims administrator's receipt of the determination"
        taken_as = (
            f"taken as {settings.CLOCK_MAIL_RECEIPT_DAYS} days after mailing" if mailed else ""
        )
        clocks.authorization_due_on = rules.working_days_after(
            received,
            rules.AUTHORIZATION_WORKING_DAYS,
            event=receipt,
            how=taken_as,
            sources=("8 CCR 9792.10.7(a)(2)",),
        )
        clocks.reimbursement_due_on = rules.days_after(
            received,
            rules.REIMBURSEMENT_DAYS,
            event=receipt,
            how=taken_as,
            sources=("8 CCR 9792.10.7(a)(1)",),
        )
    return clocks


def calculate(data, path: str = "$") -> dict:
    """JSON facts in, JSON clocks out (the command's and the page's shape)."""
    return compute(parse_facts(data, path)).as_json()
