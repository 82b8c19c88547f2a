from __future__ import annotations

from django import forms

from cases.forms import DatesKeptAsTyped
from cases.lifecycle.services import case_number_lookup


class AuditSearchForm(DatesKeptAsTyped, forms.Form):
    case_number = forms.CharField(label="Case number", required=False, max_length=40)
    username = forms.CharField(label="User (username)", required=False, max_length=150)
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To (included)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_case_number(self) -> tuple[str, ...]:
        # As typed, and as the case list finds it: in any capitals, with or without its dash
        # (from QA: "cm260000006" found no events, and an auditor could have concluded nobody
        # read it). Both: an address typed without the dash is logged as typed (a probe).
        typed = self.cleaned_data["case_number"].strip()
        return tuple(
            dict.fromkeys(number for number in (typed, case_number_lookup(typed)) if number)
        )

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The first day comes after the last: swap them.")
        return cleaned

    def filters(self) -> dict:
        """The filters to apply; none when the form does not validate (the errors show)."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) for name in self.fields}
