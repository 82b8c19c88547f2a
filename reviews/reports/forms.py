"""The dashboard's period (GET parameters start and end, default the last 30 days) and the
monthly report's month."""

from __future__ import annotations

import datetime as dt

from django import forms

from cases.forms import DatesKeptAsTyped, date_box_as_text
from reviews.reports.monthly import FIRST_MONTH
from reviews.reports.selectors import Period

# The dashboard's default period: the last 30 days, today included.
DEFAULT_DAYS = 30
# The longest period the dashboard counts at once (the weekly chart has a bar per week).
MAX_YEARS = 3
# How far ahead a period may end: a period ending later has nothing more to count (and the
# calendar's last week, in 9999, has no Monday after it).
MAX_YEARS_AHEAD = 1


def years_after(day: dt.date, years: int) -> dt.date:
    """The same date `years` later; a February 29 with none that year falls on March 1."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


# The id of the page's sentence saying what is wrong with the period (the fields point to it).
PROBLEM_ID = "period-problem"


class PeriodForm(DatesKeptAsTyped, forms.Form):
    start = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, today: dt.date):
        self.today = today
        super().__init__(data)

    def clean(self):
        cleaned = super().clean()
        end = cleaned.get("end") or self.today
        if not cleaned.get("end") and cleaned.get("start") and cleaned["start"] > self.today:
            # A start ahead with no end: the default length from it (an end of today would come
            # before it and refuse a period the user did not get wrong).
            # (never past the latest end allowed, which a start far ahead would overflow).
            latest = years_after(self.today, MAX_YEARS_AHEAD)
            end = latest
            if cleaned["start"] < latest - dt.timedelta(days=DEFAULT_DAYS - 1):
                end = cleaned["start"] + dt.timedelta(days=DEFAULT_DAYS - 1)
        # Every bound is checked before any date is counted from another: a day counted back
        # from 01/01/0001 or on from 12/31/9999 is no date at all (OverflowError).
        if cleaned.get("start") and cleaned["start"] < FIRST_MONTH:
            raise forms.ValidationError(
                f"The period cannot start before {FIRST_MONTH:%m/%d/%Y}, when Independent "
                "Medical Review began (Lab. Code 4610.5)."
            )
        if end < FIRST_MONTH:
            raise forms.ValidationError(
                f"The period cannot end before {FIRST_MONTH:%m/%d/%Y}, when Independent "
                "Medical Review began (Lab. Code 4610.5)."
            )
        latest = years_after(self.today, MAX_YEARS_AHEAD)
        if end > latest:
            raise forms.ValidationError(
                f"The period cannot end after {latest:%m/%d/%Y}, a year from today."
            )
        # A start not given is the default's, never before IMR began (an end in January 2013).
        start = cleaned.get("start") or max(end - dt.timedelta(days=DEFAULT_DAYS - 1), FIRST_MONTH)
        if start > end:
            raise forms.ValidationError("The period's start comes after its end.")
        last = years_after(start, MAX_YEARS) - dt.timedelta(days=1)
        if end > last:
            raise forms.ValidationError(
                # From QA: "from 01/01/2013, one ending on ..." was hard to read.
                f"A period is three years at the most: starting on {start:%m/%d/%Y}, it "
                f"ends on {last:%m/%d/%Y} or before."
            )
        cleaned["period"] = Period(start, end)
        return cleaned

    def period(self) -> Period:
        """The period asked for, or the default when the dates do not make one."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return Period(self.today - dt.timedelta(days=DEFAULT_DAYS - 1), self.today)

    def problems(self) -> list[str]:
        """What is wrong with the dates asked for, each in a sentence (none when nothing is)."""
        if self.is_valid():
            return []
        # A date that is none is named with what was typed (DatesKeptAsTyped).
        said = [error for name in ("start", "end") for error in self.errors.get(name, [])]
        said.extend(self.non_field_errors())
        return said

    def problem(self) -> str:
        """What is wrong with the dates asked for and which period is shown instead, the
        default ("" when nothing is wrong)."""
        said = self.problems()
        if not said:
            return ""
        # The fields keep the dates as typed (showing()): the figures' period is named here.
        return " ".join(
            [
                *said,
                f"Showing the last {DEFAULT_DAYS} days ({self.period().label}), not the dates "
                "entered: correct them and choose Show.",
            ]
        )

    def showing(self) -> PeriodForm:
        """The form as the page shows it: the dates of the period counted when they make one
        (an end not given is the one counted); else the dates as typed, so one can be
        corrected, while the figures are the default period's (problem() says so)."""
        if self.is_valid():
            period = self.period()
            initial = {"start": period.start.isoformat(), "end": period.end.isoformat()}
        else:
            initial = {name: self._as_typed(name) for name in ("start", "end")}
        # Unbound: the problem is said once, above the fields, not again under each.
        shown = PeriodForm(None, today=self.today)
        shown.initial = initial
        if not self.is_valid():
            for name in ("start", "end"):
                if name not in self.errors and not self.non_field_errors():
                    continue
                marked = {"aria-invalid": "true", "aria-describedby": PROBLEM_ID}
                if name in self.errors:
                    date_box_as_text(shown.fields[name], **marked)
                else:
                    shown.fields[name].widget.attrs.update(marked)
        return shown

    def _as_typed(self, name: str) -> str:
        """A field's date as given: a date read (in any format taken) as YYYY-MM-DD, which a
        date field shows; else the text as typed."""
        day = self.cleaned_data.get(name) if name not in self.errors else None
        return day.isoformat() if day else str(self.data.get(name, ""))


def period_asked(data, *, today: dt.date) -> dict[str, str]:
    """The dashboard's period named by `data` ("start" and "end", as its forms send them), for
    a page that leads back to it; none unless both dates make a period, so no other text is
    carried on."""
    if not (data.get("start") and data.get("end")):
        return {}
    form = PeriodForm({name: data.get(name) for name in ("start", "end")}, today=today)
    if not form.is_valid():
        return {}
    period = form.period()
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"
