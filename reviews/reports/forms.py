"""The dashboard's period (GET parameters start and end, default the last 30 days) and the
monthly report's month."""

from __future__ import annotations

import datetime as dt

from django import forms

from reviews.reports.monthly import FIRST_MONTH
from reviews.reports.selectors import Period

# The dashboard's default period: the last 30 days, today included.
DEFAULT_DAYS = 30
# The longest period the dashboard counts at once (the weekly chart has a bar per week).
MAX_DAYS = 3 * 366
# How far ahead a period may end: a period ending later has nothing more to count (and the
# calendar's last week, in 9999, has no Monday after it).
MAX_DAYS_AHEAD = 366


class PeriodForm(forms.Form):
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
        # A start not given is the default's, never before IMR began (an end in January 2013).
        start = cleaned.get("start") or max(end - dt.timedelta(days=DEFAULT_DAYS - 1), FIRST_MONTH)
        latest = self.today + dt.timedelta(days=MAX_DAYS_AHEAD)
        if start < FIRST_MONTH:
            raise forms.ValidationError(
                f"The period cannot start before {FIRST_MONTH:%m/%d/%Y}, when Independent "
                "Medical Review began (Lab. Code 4610.5)."
            )
        if end > latest:
            raise forms.ValidationError(
                f"The period cannot end after {latest:%m/%d/%Y}, a year from today."
            )
        if start > end:
            raise forms.ValidationError("The period's start comes after its end.")
        if (end - start).days >= MAX_DAYS:
            raise forms.ValidationError("Choose a period of at most three years.")
        cleaned["period"] = Period(start, end)
        return cleaned

    def period(self) -> Period:
        """The period asked for, or the default when the dates do not make one."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return Period(self.today - dt.timedelta(days=DEFAULT_DAYS - 1), self.today)

    def problem(self) -> str:
        """What is wrong with the dates asked for and that the default period is shown instead
        ("" when nothing is)."""
        if self.is_valid():
            return ""
        said = [
            f"“{str(self.data.get(name, ''))[:40]}” is not a date for “{self.fields[name].label}”: "
            "give it as YYYY-MM-DD."
            for name in ("start", "end")
            if name in self.errors
        ]
        said.extend(self.non_field_errors())
        return " ".join(said) + f" Showing the last {DEFAULT_DAYS} days."

    def showing(self) -> PeriodForm:
        """The form as the page shows it: the dates of the period counted, the default
        period's when none or no good one was asked for."""
        period = self.period()
        return PeriodForm(
            {"start": period.start.isoformat(), "end": period.end.isoformat()}, today=self.today
        )


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"
