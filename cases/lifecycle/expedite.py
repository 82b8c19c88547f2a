"""The clocks of a standard review converted to expedited on the treating physician's
certification (8 CCR 9792.10.4(c)). The case's clock (clock.py) does not know the conversion
date yet; until it does, these dates are the ones the case runs against (services store them
in Case.due_on and the case page shows them)."""

from __future__ import annotations

import datetime as dt

from cases.clock.deadlines import determination_due_on, records_due_on
from cases.lifecycle.clock import formulary_only
from cases.lifecycle.statuses import DETERMINATION_CLOCK_STATUSES, RECORDS_CLOCK_STATUSES


def expedited_due_dates(case) -> tuple[dt.date | None, dt.date | None]:
    """(records due, determination due) of a converted case, each run from the later of its own
    start and the conversion: a clock cannot have started before the review was expedited."""
    if not case.expedited_on:
        return None, None
    records_due = None
    if case.date_assigned:
        # 8 CCR 9792.10.5(a)(1): 24 hours for an expedited review, here from the conversion.
        records_due = records_due_on(
            notice_on=max(case.date_assigned, case.expedited_on),
            expedited=True,
            electronic=case.notice_sent_electronically,
        )
    determination_due = None
    if case.records_complete_on:
        # Lab. Code 4610.6(d): 3 days for an expedited review, from the later of the complete
        # records, the application and the certification.
        start = max(case.records_complete_on, case.application_received, case.expedited_on)
        determination_due = determination_due_on(
            clock_start=start, expedited=True, formulary_only=formulary_only(case.items.all())
        )
    return records_due, determination_due


def converted_due_on(case) -> dt.date | None:
    """The deadline a converted case runs against now; None when the conversion changes none."""
    records_due, determination_due = expedited_due_dates(case)
    if case.status in RECORDS_CLOCK_STATUSES:
        return records_due
    if case.status in DETERMINATION_CLOCK_STATUSES:
        return determination_due
    return None
