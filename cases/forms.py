"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the user's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "", **kwargs):
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=DateInput, **kwargs
    )


def no_future_date(value: dt.date | None, what: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError(f"The {what} cannot be in the future.")
