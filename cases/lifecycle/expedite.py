"""The clocks of a standard review converted to expedited on the treating physician's
certification (8 CCR 9792.10.4(c)): the case's clock runs them from the conversion date
(cases.clock.calculator, `expedited_on`); this names the two dates the conversion sets."""

from __future__ import annotations

import datetime as dt


def expedited_due_dates(case) -> tuple[dt.date | None, dt.date | None]:
    """(records due, determination due) of a converted case; (None, None) for any other."""
    if not case.expedited_on:
        return None, None
    clock = case.clock
    return clock.records_due_on, clock.determination_due_on
