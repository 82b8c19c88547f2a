"""A case's clock: which statutory deadline runs now, when it falls due and whether it is late,
computed from the case's facts with the rules of cases.clock.deadlines (SPEC section 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cases.clock.deadlines import (
    application_deadline,
    application_filed_late,
    determination_due_on,
    records_due_on,
)
from cases.lifecycle.statuses import (
    DETERMINATION_CLOCK_STATUSES,
    RECORDS_CLOCK_STATUSES,
    Priority,
)


@dataclass(frozen=True)
class CaseClock:
    today: dt.date
    application_deadline: dt.date
    filed_late: bool
    records_due_on: dt.date | None
    records_complete_on: dt.date | None
    records_overdue: bool
    determination_due_on: dt.date | None
    running: str | None  # "records", "determination" or None when no clock runs
    due_on: dt.date | None

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


def formulary_only(items) -> bool:
    items = list(items)
    return bool(items) and all(item.formulary_dispute for item in items)


def case_clock(case, *, today: dt.date | None = None) -> CaseClock:
    today = today or timezone.localdate()
    expedited = case.priority == Priority.EXPEDITED
    records_due = None
    if case.date_assigned:
        records_due = records_due_on(
            notice_on=case.date_assigned,
            expedited=expedited,
            electronic=case.notice_sent_electronically,
        )
    determination_due = None
    if case.records_complete_on:
        # The clock starts on receipt of both the application and the complete records.
        clock_start = max(case.records_complete_on, case.application_received)
        determination_due = determination_due_on(
            clock_start=clock_start,
            expedited=expedited,
            formulary_only=formulary_only(case.items.all()),
        )
    running = None
    due = None
    if case.status in RECORDS_CLOCK_STATUSES and records_due:
        running, due = "records", records_due
    elif case.status in DETERMINATION_CLOCK_STATUSES and determination_due:
        running, due = "determination", determination_due
    records_overdue = bool(
        records_due
        and (
            (case.records_complete_on and case.records_complete_on > records_due)
            # Still waiting: only a case whose records clock runs can be late now.
            or (not case.records_complete_on and running == "records" and today > records_due)
        )
    )
    return CaseClock(
        today=today,
        application_deadline=application_deadline(case.ur_served_on),
        filed_late=application_filed_late(
            ur_served_on=case.ur_served_on, received_on=case.application_received
        ),
        records_due_on=records_due,
        records_complete_on=case.records_complete_on,
        records_overdue=records_overdue,
        determination_due_on=determination_due,
        running=running,
        due_on=due,
    )


def current_due_on(case) -> dt.date | None:
    """The deadline stored on the case for sorting (see Case.due_on)."""
    return case_clock(case).due_on
