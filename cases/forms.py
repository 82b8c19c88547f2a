"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.jsoncheck import form_dates, happened_problem


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the user's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "", **kwargs):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput, **kwargs
    )


def past_date_check(value: dt.date | None, what: str) -> None:
    """A date of something that happened (happened_problem), its dates as the pages print them."""
    problem = happened_problem(value, today=timezone.localdate()) if value else None
    if problem:
        raise ValidationError(f"The {what} {form_dates(problem)}.")
