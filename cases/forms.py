"""Forms of the case pages. They parse and check input; the services decide what may happen."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.jsoncheck import EMAIL_MAX_LENGTH, form_dates, happened_problem


class DateInput(forms.DateInput):
    """The browser's date picker; it sends ISO dates whatever the user's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "", **kwargs):
    # Said with the field's name, not Django's "This field is required." (from QA); the
    # browser stops a date that is no day of the calendar before it is sent (session.js).
    error_messages = {
        "required": f"Give a date for “{label}”.",
        "invalid": f"“{label}” is not a date: give it as MM/DD/YYYY.",
        **kwargs.pop("error_messages", {}),
    }
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput,
        error_messages=error_messages,
        **kwargs,
    )


# A date in one of the shapes a date field reads (2026-02-30, 02/30/2026): one that is not read
# is no day of the calendar, not a date given in the wrong shape.
DATE_SHAPED = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})$")


def date_problem(label: str, typed: str) -> str:
    """Why what was typed in the date field `label` is no date, naming both."""
    if DATE_SHAPED.match(typed.strip()):
        # From QA: "2026-02-30" was told to be given as MM/DD/YYYY, which it was in shape.
        return f"“{typed.strip()}” for “{label}” is no day of the calendar: choose another."
    return f"“{typed[:40]}” is not a date for “{label}”: give it as MM/DD/YYYY."


def date_box_as_text(field: forms.Field, **attrs: str) -> None:
    """Draw a date field in a text box: a date box cannot hold what is no date and shows it
    empty, so the form sent again dropped it without a word (from QA); a text box keeps it as
    typed, to be corrected."""
    field.widget = forms.TextInput(attrs={**attrs, "placeholder": "MM/DD/YYYY"})


class DatesKeptAsTyped:
    """For a form: a date field given what is no date says so naming what was typed and the
    field (date_problem), not Django's "Enter a valid date.", and keeps it in a text box."""

    def full_clean(self):
        super().full_clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField) and self.has_error(name, "invalid"):
                typed = str(self.data.get(self.add_prefix(name), ""))
                del self._errors[name]
                self.add_error(name, ValidationError(date_problem(field.label, typed), "invalid"))
                date_box_as_text(field)


def email_field(label: str, **kwargs) -> forms.EmailField:
    """An optional e-mail address, as long as the field that stores it allows: Django's form
    field takes 320 characters, the model's 254, so a longer address was typed in full and
    refused only after submit (from QA)."""
    return forms.EmailField(label=label, required=False, max_length=EMAIL_MAX_LENGTH, **kwargs)


# A note or reason typed on a case's forms: kept in the history, and some printed (the notice
# of ineligibility prints its note), so never unbounded (a 500 KB note took seconds to print).
NOTE_MAX_CHARS = 2000


def note_field(
    label: str = "Note", *, required: bool = False, rows: int = 2, help_text: str = "", **kwargs
) -> forms.CharField:
    """A note or reason, at most NOTE_MAX_CHARS (the browser stops typing there too)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX_CHARS,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, **kwargs.pop("attrs", {})}),
        **kwargs,
    )


def past_date_check(value: dt.date | None, what: str) -> None:
    """A date of something that happened (happened_problem), its dates as the pages print them."""
    problem = happened_problem(value, today=timezone.localdate()) if value else None
    if problem:
        raise ValidationError(f"The {what} {form_dates(problem)}.")
