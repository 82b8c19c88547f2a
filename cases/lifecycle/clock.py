"""A case's clock: which statutory deadline runs now, when it falls due and whether it is late,
computed from the case's facts by the one calculator (cases.clock.calculator, SPEC section 3)
that `manage.py clock` and the calculator page use too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from cases.clock.calculator import Clocks, Facts, as_printed, compute
from cases.clock.deadlines import Deadline, deferral_text, information_due
from cases.lifecycle.statuses import (
    DETERMINATION_CLOCK_STATUSES,
    RECORDS_CLOCK_STATUSES,
    CaseStatus,
)

# 8 CCR 9792.10.4(b): from the day an application arrives, the eligibility finding and the
# notice of assignment are due (the first-day clock) until the notice is sent.
NOTICE_CLOCK_STATUSES = frozenset({CaseStatus.RECEIVED, CaseStatus.ELIGIBLE})

# What each running clock is called wherever it is shown (case list, case page, reminders,
# dashboards), and whether the thing due reads as plural ("the records were due").
RUNNING_LABELS = {
    # 8 CCR 9792.10.4(b): the eligibility finding and the notice, one business day.
    "notice": "notice of assignment",
    "records": "records",
    "determination": "determination",
    # 8 CCR 9792.10.3(b): the parties' answer to a request for missing information.
    "information": "information requested",
}
_RUNNING_EXPLAIN = {
    "notice": "notice_due_on",
    "records": "records_due_on",
    "determination": "determination_due_on",
    "information": "information_due_on",
}


class ClockReading:
    """What a clock reads as on a page (days left, late, due soon, the running clock's name),
    from `today`, `due_on` and `running`: the same words whether the clock was computed
    (CaseClock) or read from what the services stored (ListClock)."""

    today: dt.date
    due_on: dt.date | None
    running: str | None
    explain: dict[str, str]

    @property
    def days_left(self) -> int | None:
        """Calendar days until the running deadline (negative once overdue)."""
        if self.due_on is None:
            return None
        return (self.due_on - self.today).days

    @property
    def overdue(self) -> bool:
        return self.due_on is not None and self.today > self.due_on

    @property
    def due_today(self) -> bool:
        return self.due_on is not None and self.today == self.due_on

    @property
    def due_soon(self) -> bool:
        return self.days_left is not None and 0 <= self.days_left <= 3

    @property
    def running_label(self) -> str:
        return RUNNING_LABELS.get(self.running or "", "")

    @property
    def running_plural(self) -> bool:
        return self.running == "records"

    @property
    def running_explain(self) -> str:
        """The running deadline's computation in words."""
        key = _RUNNING_EXPLAIN.get(self.running or "")
        return self.explain.get(key, "") if key else ""


@dataclass(frozen=True)
class CaseClock(ClockReading):
    today: dt.date
    application_deadline: dt.date | None
    filed_late: bool
    records_due_on: dt.date | None
    records_complete_on: dt.date | None
    records_overdue: bool
    determination_due_on: dt.date | None
    running: str | None  # "notice", "records", "determination", "information" or None
    due_on: dt.date | None
    notice_due_on: dt.date | None = None
    explain: dict[str, str] = field(default_factory=dict)
    # (item, its Deadline) for each disputed item once the determination clock has started
    item_deadlines: tuple = ()
    first_item: object | None = None  # the item due first
    # The items marked "Due first" (Clocks.items_due_first): every item due on the earliest
    # date while another is due later, none when all share one date.
    items_due_first: tuple = ()
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    # {deadline key: calendar version} for each date that used a holiday calendar
    calendar_versions: dict[str, str] = field(default_factory=dict)
    # The running deadline with its computation and calendar version (what the case stores
    # beside due_on), None when no clock runs.
    running_deadline: Deadline | None = None
    # A case deferred for a liability dispute (8 CCR 9792.10.3(a)(3), (d)) runs no statutory
    # clock: its clock is the deferral in words, flagged after IMR_DEFERRAL_REVIEW_DAYS.
    deferred_text: str = ""
    deferred_days: int | None = None
    deferral_review: bool = False
    # An issued letter none or not all of whose copies are served yet: no appeal date (it runs
    # from service, Lab. Code 4610.6(h)) and no duty date before the claims administrator's
    # copy is served (from its receipt, 8 CCR 9792.10.7(a)); this says why and what to do
    # ("Not yet: no copy served ...").
    letter_not_served: str = ""
    # A late application in time had its UR decision been mailed from or to a place outside
    # California (CCP 1013(a)'s ten or twenty days): (days, where, Deadline), else None.
    in_time_from_afar: tuple | None = None
    # One in time had CCP 1010.6(a)(3)(B)'s two court days after electronic service been
    # counted: that Deadline, else None.
    in_time_if_electronic_extended: Deadline | None = None

    @property
    def items_due_apart(self) -> bool:
        """The disputed items are not all due on one date (Lab. Code 4610.6(d): each has its
        own): then each item's date is listed; one date for all is the case's, said once (from
        QA: "due 12/08/2026" repeated for every item)."""
        return bool(self.items_due_first)  # none marked when every item shares one date


# Which clock runs in each status (as case_clock decides it; the status sets are disjoint).
_RUNNING_BY_STATUS = {
    **dict.fromkeys(NOTICE_CLOCK_STATUSES, "notice"),
    **dict.fromkeys(RECORDS_CLOCK_STATUSES, "records"),
    **dict.fromkeys(DETERMINATION_CLOCK_STATUSES, "determination"),
    CaseStatus.INFORMATION_REQUESTED: "information",
}


@dataclass(frozen=True)
class ListClock(ClockReading):
    """A list row's clock (the case list, the quality queue), read from the running deadline
    the services stored on the case (Case.due_on, kept by case_due_on_refresh whenever the
    facts or the status change) instead of computing every row's statutory deadlines again.
    It reads as case_clock does (tests hold it to it); the computation in words stays on the
    case page."""

    today: dt.date
    due_on: dt.date | None
    running: str | None
    explain: dict[str, str] = field(default_factory=dict)
    deferred_text: str = ""
    deferred_days: int | None = None
    deferral_review: bool = False


def list_clock(case, *, today: dt.date | None = None) -> ListClock:
    today = today or timezone.localdate()
    running = _RUNNING_BY_STATUS.get(case.status) if case.due_on else None
    if case.status == CaseStatus.DEFERRED and case.deferred_on:
        # 8 CCR 9792.10.3(a)(3), (d): a deferral runs no statutory clock; as case_clock says it.
        return ListClock(
            today=today,
            due_on=None,
            running=None,
            deferred_text=deferral_text(case.deferred_on, today),
            deferred_days=(today - case.deferred_on).days,
            deferral_review=(today - case.deferred_on).days >= settings.IMR_DEFERRAL_REVIEW_DAYS,
        )
    return ListClock(today=today, due_on=case.due_on if running else None, running=running)


# The case's columns case_clock reads (and its items' ITEM_CLOCK_COLUMNS): a page that computes
# many cases' clocks reads these, not the fifty-odd columns of a whole case (issue 12).
# tests/cases/lifecycle/test_list_clock.py computes the clock from them alone in every state.
CLOCK_COLUMNS = (
    "id",
    "status",
    "priority",
    "application_received",
    "ur_decision_date",
    "ur_decision_served_on",
    "ur_decision_served_by",
    "date_assigned",
    "notice_sent_by",
    "notice_records_due_on",
    "records_complete_on",
    "expedited_on",
    "screen_resumed_on",
    "information_requested_on",
    "information_requested_by",
    "information_due_on",
    "deferred_on",
    "due_on",
    # After a remand, records_complete_on is the remand's date (records_overdue).
    "round",
)
ITEM_CLOCK_COLUMNS = ("id", "case_id", "position", "description", "formulary_dispute")


def case_facts(case, items=None, letter=None) -> Facts:
    """The calculator's facts from a case: a method of service not held stays blank, and the
    calculator applies the settings for an unknown method (CLOCK_UNKNOWN_*_SERVICE). `letter`
    is the issued letter's (date of service, method), which the reviewer side knows."""
    served_on, sent_by = letter or (None, "")
    return Facts(
        priority=case.priority,
        ur_decision_served_on=case.ur_served_on,
        ur_decision_served_by=case.ur_decision_served_by,
        application_received=case.application_received,
        notice_sent_on=case.notice_sent_on,
        notice_sent_by=case.notice_sent_by,
        records_complete_on=case.records_complete_on,
        expedited_on=case.expedited_on,
        screen_resumed_on=case.screen_resumed_on,
        notice_records_due_on=case.notice_records_due_on,
        letter_mailed_on=served_on,
        letter_sent_by=sent_by or "",
        # The items matter only once the determination clock runs (pages without it keep their
        # query counts).
        formulary_items=tuple(
            item.formulary_dispute for item in (case.items.all() if items is None else items)
        )
        if case.records_complete_on
        else (),
    )


def formulary_only(items) -> bool:
    items = list(items)
    return bool(items) and all(item.formulary_dispute for item in items)


def _on(deadline: Deadline | None) -> dt.date | None:
    return deadline.on if deadline else None


def case_clock(
    case, *, today: dt.date | None = None, letter=None, duties=None, duties_printed=None
) -> CaseClock:
    """The case's clock; `letter` (date of service, method) adds the appeal and the
    authorization and reimbursement duties of an issued letter. `duties` (date of service,
    method) of the claims administrator's own copy counts the duties from it instead: they are
    the claims administrator's, "upon receiving" the determination (8 CCR 9792.10.7(a)), which
    may be before the last party is served."""
    today = today or timezone.localdate()
    items = list(case.items.all()) if case.records_complete_on else []
    clocks: Clocks = compute(case_facts(case, items, letter))
    if duties is not None:
        served_on, sent_by = duties
        received = compute(Facts(letter_mailed_on=served_on, letter_sent_by=sent_by or ""))
        clocks.determination_received_on = received.determination_received_on
        clocks.authorization_due_on = received.authorization_due_on
        clocks.reimbursement_due_on = received.reimbursement_due_on
    # The dates the letter printed for the claims administrator, kept when the count from its
    # copy's service ends earlier: signed for a copy by mail, then e-mailed (from QA).
    for key in ("authorization_due_on", "reimbursement_due_on"):
        if duties_printed and duties_printed.get(key) and getattr(clocks, key):
            setattr(
                clocks,
                key,
                as_printed(
                    getattr(clocks, key),
                    duties_printed[key],
                    document="letter",
                    setting="CLOCK_DUTIES_AS_PRINTED",
                ),
            )
    records_due = _on(clocks.records_due_on)
    determination_due = _on(clocks.determination_due_on)
    running = None
    running_deadline = None
    if case.status in NOTICE_CLOCK_STATUSES and clocks.notice_due_on and not case.date_assigned:
        running, running_deadline = "notice", clocks.notice_due_on
    elif case.status in RECORDS_CLOCK_STATUSES and records_due:
        running, running_deadline = "records", clocks.records_due_on
    elif case.status in DETERMINATION_CLOCK_STATUSES and determination_due:
        running, running_deadline = "determination", clocks.determination_due_on
    elif case.status == CaseStatus.INFORMATION_REQUESTED and case.information_due_on:
        # 8 CCR 9792.10.3(b), (c): the parties' five business days to send what is missing.
        running, running_deadline = "information", _information_deadline(case)
    due = running_deadline.on if running_deadline else None
    deferred_text, deferral_review = "", False
    if case.status == CaseStatus.DEFERRED and case.deferred_on:
        deferred_text = deferral_text(case.deferred_on, today)
        deferral_review = (today - case.deferred_on).days >= settings.IMR_DEFERRAL_REVIEW_DAYS
    records_overdue = bool(
        records_due
        and (
            # After a remand the date is the remand's (the new round's clock start), not the
            # day the records came: it says nothing of their lateness.
            (
                case.round == 1
                and case.records_complete_on
                and case.records_complete_on > records_due
            )
            # Still waiting: only a case whose records clock runs can be late now.
            or (not case.records_complete_on and running == "records" and today > records_due)
        )
    )
    json = clocks.as_json()
    deadlines = {key: getattr(clocks, key) for key in Clocks.DATES if getattr(clocks, key)}
    if running == "information":
        deadlines["information_due_on"] = running_deadline
        json["explain"]["information_due_on"] = running_deadline.text
        if running_deadline.calendar:
            json["calendar_versions"]["information_due_on"] = running_deadline.calendar
    if deferred_text:
        json["explain"]["deferred"] = deferred_text
    return CaseClock(
        today=today,
        application_deadline=_on(clocks.application_deadline),
        filed_late=bool(clocks.filed_late),
        in_time_from_afar=clocks.in_time_from_afar,
        in_time_if_electronic_extended=clocks.in_time_if_electronic_extended,
        records_due_on=records_due,
        records_complete_on=case.records_complete_on,
        records_overdue=records_overdue,
        determination_due_on=determination_due,
        running=running,
        due_on=due,
        notice_due_on=_on(clocks.notice_due_on),
        explain=json["explain"],
        calendar_versions=json["calendar_versions"],
        item_deadlines=tuple(zip(items, clocks.items, strict=True)),
        first_item=items[clocks.first_item] if clocks.first_item is not None else None,
        items_due_first=tuple(items[index] for index in clocks.items_due_first),
        deadlines=deadlines,
        running_deadline=running_deadline,
        deferred_text=deferred_text,
        deferred_days=(today - case.deferred_on).days if deferred_text else None,
        deferral_review=deferral_review,
    )


def information_deadline(requested_on: dt.date, sent_by: str = "") -> Deadline:
    """8 CCR 9792.10.3(c) on this organization's settings: IMR_INFORMATION_RESPONSE_BUSINESS_DAYS
    following receipt of the request, one sent by mail received CLOCK_MAIL_RECEIPT_DAYS after
    mailing."""
    return information_due(
        requested_on,
        settings.IMR_INFORMATION_RESPONSE_BUSINESS_DAYS,
        sent_by=sent_by,
        mail_receipt_days=settings.CLOCK_MAIL_RECEIPT_DAYS,
    )


def _information_deadline(case) -> Deadline:
    """The request's due date as the request stored it, explained by the calculator; if the
    working-day calendar changed since, the stored date stands and the text says so."""
    deadline = information_deadline(
        case.information_requested_on or case.information_due_on, case.information_requested_by
    )
    if deadline.on == case.information_due_on:
        return deadline
    return Deadline(
        case.information_due_on,
        f"Due {case.information_due_on:%m/%d/%Y} as the request stated it (the current "
        f"calendar gives {deadline.on:%m/%d/%Y}: {deadline.text})",
        deadline.sources,
        deadline.calendar,
    )


def current_due_on(case) -> dt.date | None:
    """The deadline stored on the case for sorting (see Case.due_on), the first-day notice
    included."""
    return case_clock(case).due_on
